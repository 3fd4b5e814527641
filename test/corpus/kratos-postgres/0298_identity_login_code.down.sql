DROP TABLE identity_login_codes;

ALTER TABLE selfservice_login_flows DROP submit_count;
