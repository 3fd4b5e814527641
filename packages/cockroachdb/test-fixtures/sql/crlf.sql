-- leading comment
CREATE TABLE crlf (
  id INT PRIMARY KEY, -- comment; with semicolon
  note STRING DEFAULT 'a;
b'
);

CREATE FUNCTION f() RETURNS INT AS $$
  SELECT 1;
$$ LANGUAGE sql;
SELECT 1;
-- trailing comment
