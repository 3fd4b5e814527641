-- SQL-standard function bodies (PostgreSQL 14+): semicolons inside BEGIN ATOMIC ... END.
CREATE FUNCTION add_one(i INT) RETURNS INT
  LANGUAGE SQL
  BEGIN ATOMIC
    SELECT i + 1;
  END;
CREATE OR REPLACE PROCEDURE archive_orders(cutoff DATE)
LANGUAGE SQL
BEGIN ATOMIC
  INSERT INTO orders_archive SELECT * FROM orders WHERE created < cutoff;
  DELETE FROM orders WHERE created < cutoff;
  UPDATE stats SET label = CASE WHEN n > 0 THEN 'some; rows' ELSE 'none' END;
  SELECT CASE WHEN true THEN 1 END;
END;
create or replace function lower_case(x text) returns text language sql begin atomic select lower(x); end;
CREATE FUNCTION returns_expr() RETURNS INT LANGUAGE SQL RETURN 1 + 1;
CREATE FUNCTION ranges(OUT a INT, OUT "end" INT) LANGUAGE SQL BEGIN ATOMIC SELECT 1, 2; END;
SELECT CASE WHEN x THEN 'begin' ELSE 'end' END FROM t;
CREATE TABLE after_functions (id INT);
