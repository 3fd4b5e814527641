ALTER TABLE sessions ALTER COLUMN token TYPE varchar(32);
ALTER TABLE sessions ALTER COLUMN logout_token TYPE varchar(32);
