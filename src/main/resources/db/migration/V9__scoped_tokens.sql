-- Tokens limited to some devices and/or to reading (issue 14). NULL devices: every device of the account.
ALTER TABLE api_token ADD COLUMN devices TEXT[];
ALTER TABLE api_token ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;

-- The web console (/console): an owner signs in with email and password (Argon2id, PHC string format).
ALTER TABLE account ADD COLUMN password_hash VARCHAR(200);
CREATE UNIQUE INDEX account_email_console ON account(lower(email)) WHERE password_hash IS NOT NULL;

-- Console sessions: the cookie carries a random id, stored here only as its SHA-256; csrf is the form token.
CREATE TABLE console_session (
    id_hash     CHAR(64) PRIMARY KEY,
    account_id  VARCHAR(24) NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    csrf        VARCHAR(64) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX console_session_account ON console_session(account_id);
