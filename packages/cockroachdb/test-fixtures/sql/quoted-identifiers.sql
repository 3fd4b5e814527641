CREATE TABLE "weird;table" ("col;1" INT, "say ""hi"";" STRING, "it's" INT);
SELECT "col;1", "say ""hi"";" FROM "weird;table";
SELECT U&"d\0061t\+000061;" FROM t;
CREATE INDEX "idx -- not a comment" ON "weird;table" ("it's");
SELECT "/* not a comment */", "$$ not a dollar quote $$";
