-- Leading comment with a 'quote, a "double quote, a $$ and a ; semicolon
-- another one: don't split here; nor here
CREATE TABLE accounts (
  id INT PRIMARY KEY, -- the key; it's important
  name STRING -- unterminated 'quote in comment
);
SELECT 1; -- trailing comment on the same line; with 'quote
SELECT 2 -- the semicolon is inside the comment;
  + 3;
SELECT 4--comment right after a token;
;
SELECT 'a--b', "c--d" -- real comment
;
-- trailing comment at end of file; with 'quote
