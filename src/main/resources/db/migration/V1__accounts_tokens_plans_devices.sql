-- Accounts, their API tokens (hashed), plans as data, and devices.

CREATE TABLE account (
    id          VARCHAR(24) PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    email       VARCHAR(320),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_token (
    id           VARCHAR(24) PRIMARY KEY,
    account_id   VARCHAR(24) NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name         VARCHAR(100) NOT NULL,
    -- SHA-256 of the token, hex: tokens carry 256 random bits, so a fast hash is enough and lookups stay O(1).
    token_hash   CHAR(64) NOT NULL UNIQUE,
    -- First characters of the token, shown in listings so users can tell tokens apart.
    prefix       VARCHAR(16) NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_token_account ON api_token(account_id);

CREATE TABLE plan (
    name                   VARCHAR(40) PRIMARY KEY,
    messages_per_minute    INT NOT NULL CHECK (messages_per_minute > 0),
    monthly_messages       INT,
    monthly_media_mb       INT,
    priorities             BOOLEAN NOT NULL,
    scheduling             BOOLEAN NOT NULL,
    groups_enabled         BOOLEAN NOT NULL,
    incoming               BOOLEAN NOT NULL
);

INSERT INTO plan (name, messages_per_minute, monthly_messages, monthly_media_mb, priorities, scheduling, groups_enabled, incoming) VALUES
    ('basic',         3,  5000,   100, FALSE, FALSE, FALSE, FALSE),
    ('professional',  6,  20000,  1000, FALSE, TRUE,  FALSE, TRUE),
    ('business',     15,  50000,  5000, TRUE,  TRUE,  TRUE,  TRUE),
    ('enterprise',  100,  NULL,   20000, TRUE,  TRUE,  TRUE,  TRUE);

CREATE TABLE device (
    id          VARCHAR(24) PRIMARY KEY,
    account_id  VARCHAR(24) NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name        VARCHAR(100) NOT NULL,
    phone       VARCHAR(20) NOT NULL,
    plan        VARCHAR(40) NOT NULL REFERENCES plan(name),
    shard       INT NOT NULL,
    status      VARCHAR(20) NOT NULL,
    status_at   TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX device_account ON device(account_id, created_at);
CREATE INDEX device_shard ON device(shard);
