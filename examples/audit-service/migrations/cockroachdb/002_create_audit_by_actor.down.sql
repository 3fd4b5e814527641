DROP INDEX IF EXISTS audit_events_actor_idx;
