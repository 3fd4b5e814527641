CREATE FUNCTION run_dynamic(tbl TEXT) RETURNS VOID AS $fn$
DECLARE
  q TEXT := $$SELECT count(*) FROM $$ || quote_ident(tbl) || $$; -- inner$$;
BEGIN
  EXECUTE format($q$DELETE FROM %I WHERE note = 'a;b'$q$, tbl);
  PERFORM $x$ $fn is not the closing tag; neither is $FN$ $x$;
END;
$fn$ LANGUAGE plpgsql;
SELECT $body$ $junk$body$ AS tricky;
SELECT $a$$b$ nested-looking $b$$a$ AS s;
SELECT foo$$bar, $1, $2::INT FROM t WHERE x = $3;
SELECT $_tag9$ underscore and digits; $_tag9$, $ü$ non-ascii tag; $ü$;
