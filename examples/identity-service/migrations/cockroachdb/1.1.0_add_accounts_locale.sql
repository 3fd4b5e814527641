-- Minor version: additive only, so an app built for 1.0.0 keeps working against it.
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS locale TEXT;
