-- Files: what each account uploaded, the content stored once per account (by SHA-256), and quotas.

-- One stored object per account and content: S3 key files/{account}/{sha256}. refs counts the file rows
-- listing it; the last one deleted deletes the object.
CREATE TABLE file_blob (
    account_id  VARCHAR(24) NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    sha256      CHAR(64) NOT NULL,
    size        BIGINT NOT NULL CHECK (size > 0),
    refs        INT NOT NULL CHECK (refs > 0),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, sha256)
);

-- A file as the user uploaded it (name, expiry, reference); several may share one blob.
CREATE TABLE file (
    id          VARCHAR(24) PRIMARY KEY,
    account_id  VARCHAR(24) NOT NULL,
    name        VARCHAR(255) NOT NULL,
    size        BIGINT NOT NULL,
    mime_type   VARCHAR(120) NOT NULL,
    sha256      CHAR(64) NOT NULL,
    kind        VARCHAR(20) NOT NULL CHECK (kind IN ('image', 'audio', 'video', 'gif', 'document', 'archive')),
    -- NULL: kept until deleted.
    expires_at  TIMESTAMPTZ,
    reference   VARCHAR(200),
    created_at  TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (account_id, sha256) REFERENCES file_blob(account_id, sha256)
);
CREATE INDEX file_account_id ON file(account_id, id DESC);
CREATE INDEX file_expiry ON file(expires_at, id) WHERE expires_at IS NOT NULL;

-- Per-account storage accounting, and the row every change of an account's files locks first, so uploads,
-- deletes and the cleanup job of one account are serialized. quota_bytes NULL: parley.files.quota-bytes.
CREATE TABLE file_quota (
    account_id  VARCHAR(24) PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
    quota_bytes BIGINT CHECK (quota_bytes >= 0),
    used_bytes  BIGINT NOT NULL DEFAULT 0 CHECK (used_bytes >= 0)
);
