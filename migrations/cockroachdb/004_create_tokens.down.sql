DROP TABLE IF EXISTS access_tokens;
DROP TABLE IF EXISTS refresh_tokens;
