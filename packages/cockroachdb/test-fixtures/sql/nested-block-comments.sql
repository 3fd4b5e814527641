/* header comment; not a statement
   /* nested level 2; still a comment
      /* level 3 with 'quote and "dq and $$ */
   */ still inside level 1; SELECT 'nope';
*/
CREATE TABLE t1 (id INT PRIMARY KEY);
SELECT /* inline; /* nested; */ still; */ 1;
SELECT 2 /* trailing comment; is dropped */;
/* comment between statements; */ SELECT 3;
SELECT 10/*x*/-/**/1;
/*/ a comment that starts with slash-star-slash; */ SELECT 4;
SELECT 5 /* stars *** and slashes /// ;**/;
