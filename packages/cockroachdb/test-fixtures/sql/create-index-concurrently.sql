-- Build indexes without locking writes.
-- strata:no-transaction
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);
CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users (lower(email)) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS idx_old;
