SELECT E'it\'s; escaped';
SELECT e'lower-case prefix \'; still inside';
SELECT E'backslash at end \\';
SELECT E'double \\\' then quote; inside';
SELECT E'tab\there ''doubled'' too; ok';
SELECT E'\x41\101\u0041;';
SELECT name, E'\\' FROM t WHERE x = 'plain\';
SELECT some_e'x\' AS y; -- some_e is an identifier, not an E prefix
SELECT 'done';
