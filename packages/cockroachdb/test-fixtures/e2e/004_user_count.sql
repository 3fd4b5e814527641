-- A dollar-quoted body with semicolons inside.
CREATE FUNCTION user_count() RETURNS bigint AS $body$
  SELECT count(*) FROM users;
$body$ LANGUAGE sql;

INSERT INTO users (id, name, email) VALUES (1, 'Ada', E'ada\x40example.org');
