-- One-time console links sent by email: a sign-in link an owner asks for, or an invitation the operator sends
-- so a new owner sets a console password. Only the SHA-256 of the link's token is kept.
CREATE TABLE console_link (
    token_hash  CHAR(64) PRIMARY KEY,
    account_id  VARCHAR(24) NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    purpose     VARCHAR(16) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX console_link_account ON console_link(account_id);
