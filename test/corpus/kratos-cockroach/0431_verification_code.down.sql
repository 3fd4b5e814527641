DROP TABLE identity_verification_codes;

ALTER TABLE
  selfservice_verification_flows DROP COLUMN submit_count;