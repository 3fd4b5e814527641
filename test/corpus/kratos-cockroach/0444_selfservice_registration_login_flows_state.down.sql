ALTER table selfservice_registration_flows DROP COLUMN state;
ALTER table selfservice_login_flows DROP COLUMN state;
