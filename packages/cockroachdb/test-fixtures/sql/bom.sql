-- file saved with a UTF-8 BOM
CREATE TABLE bom (id INT);
SELECT 'café; ☕';
