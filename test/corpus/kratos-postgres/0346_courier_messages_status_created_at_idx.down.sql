-- strata:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS courier_messages_status_created_at_idx;
