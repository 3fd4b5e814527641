-- Additive change: a nullable column, instant on both databases.
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale TEXT;
