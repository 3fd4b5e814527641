-- A PL/pgSQL function whose body contains semicolons, quotes and comments.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS TRIGGER AS $$
BEGIN
  -- it's a comment inside the body; with 'quotes
  NEW.updated_at := now();
  RAISE NOTICE 'updated row %; it''s done', NEW.id;
  /* unterminated 'quote inside a block comment in the body */
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_updated BEFORE UPDATE ON accounts
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE FUNCTION add(a INT, b INT) RETURNS INT LANGUAGE sql AS $$ SELECT a + b; $$;
CREATE FUNCTION old_style() RETURNS INT LANGUAGE sql AS 'SELECT 1; SELECT 2';
