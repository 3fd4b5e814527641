DO $$
DECLARE
  r RECORD;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE 'ANALYZE ' || quote_ident(r.tablename) || ';';
  END LOOP;
END
$$;
DO LANGUAGE plpgsql $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  END IF;
END;
$do$;
BEGIN;
SELECT 1;
COMMIT;
