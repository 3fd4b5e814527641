-- This migration intentionally does nothing; it's a placeholder.
/* Block comment; with 'quotes' and "identifiers"
   /* and a nested comment; */
*/
-- SELECT 1;

