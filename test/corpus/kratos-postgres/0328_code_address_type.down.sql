ALTER TABLE identity_login_codes ALTER COLUMN address_type TYPE CHAR(36);
ALTER TABLE identity_registration_codes ALTER COLUMN address_type TYPE CHAR(36);
