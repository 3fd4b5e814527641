-- Users and their accounts.
CREATE TABLE users (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  email varchar(200)
);

CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  note text DEFAULT 'it''s; fine'  -- a semicolon inside a string
);

CREATE VIEW user_names AS SELECT id, name FROM users;
