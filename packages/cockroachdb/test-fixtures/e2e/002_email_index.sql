-- strata:no-transaction
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block on PostgreSQL.
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_user_idx ON accounts (user_id);
