-- CockroachDB-specific DDL.
CREATE TABLE IF NOT EXISTS users (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email STRING NOT NULL,
  a INT8,
  b STRING,
  region crdb_internal_region NOT NULL DEFAULT default_to_database_primary_region(gateway_region())::crdb_internal_region,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  INDEX (email),
  UNIQUE INDEX users_email_key (email) STORING (a),
  INVERTED INDEX users_b_idx (b gin_trgm_ops),
  FAMILY f1 (id, email),
  FAMILY f2 (a, b, region, created_at)
) WITH (ttl_expire_after = '90 days');
ALTER TABLE users CONFIGURE ZONE USING num_replicas = 3, gc.ttlseconds = 600;
ALTER RANGE default CONFIGURE ZONE USING constraints = '[+region=us-east1]', lease_preferences = '[[+region=us-east1]]';
ALTER TABLE users SET LOCALITY REGIONAL BY ROW;
CREATE INDEX users_created_idx ON users (created_at DESC) USING HASH WITH (bucket_count = 8);
SET CLUSTER SETTING kv.rangefeed.enabled = true;
UPSERT INTO users (id, email) VALUES ('6f1c6c5e-3a1b-4d7a-9c1e-0d2f1e3b4a5c', 'a@example.com');
SELECT * FROM users AS OF SYSTEM TIME '-10s' WHERE email LIKE '%;%';
ALTER TABLE users ALTER PRIMARY KEY USING COLUMNS (id, region);
SHOW CREATE TABLE users
