SELECT U&'d\0061t\+000061; \\' AS data, u&'x;y' AS y;
SELECT 'ünïcödé; 日本語', "列;名" FROM 表;
PREPARE q (INT, STRING) AS SELECT $1 + 1, $2 || ';' FROM t WHERE id = $1;
EXECUTE q (1, 'a;b');
SELECT 1.5e10, .5, 1_000, 0x1F, 3::FLOAT8 / 2.0;
