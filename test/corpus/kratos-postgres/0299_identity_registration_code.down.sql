DROP TABLE identity_registration_codes;

ALTER TABLE selfservice_registration_flows DROP submit_count;
