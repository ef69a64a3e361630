-- Tokens limited to some devices and/or to reading (issue 14). NULL devices: every device of the account.
ALTER TABLE api_token ADD COLUMN devices TEXT[];
ALTER TABLE api_token ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;
