ALTER TABLE selfservice_login_flows DROP COLUMN IF EXISTS identity_schema_id;
ALTER TABLE selfservice_registration_flows DROP COLUMN IF EXISTS identity_schema_id;