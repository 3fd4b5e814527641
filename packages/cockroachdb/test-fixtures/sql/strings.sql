INSERT INTO notes (body) VALUES ('it''s; a test');
INSERT INTO notes (body) VALUES ('; leading semicolon'), (''), ('''');
SELECT 'multi-line;
string -- not a comment
/* not a comment either */';
SELECT 'C:\path\'; SELECT 'backslash is literal with standard_conforming_strings';
SELECT 'adjacent' 'literals;' AS x;
SELECT N'national; string', B'1010', X'1F;';
