-- Webhook endpoints (at most parley.webhooks.max-per-account per account) and their recent delivery attempts.

CREATE TABLE webhook_endpoint (
    id                    VARCHAR(24) PRIMARY KEY,
    account_id            VARCHAR(24) NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name                  VARCHAR(100) NOT NULL,
    url                   VARCHAR(2048) NOT NULL,
    -- Subscribed event types, comma-separated (types never contain commas).
    events                VARCHAR(1000) NOT NULL,
    -- Optional device filter. No foreign key: deleting the device must not delete the endpoint, nor widen
    -- its filter to every device; events of the device already in the outbox are still delivered.
    device_id             VARCHAR(24),
    -- HMAC-SHA256 signing secret. Stored as issued because signing needs it; never returned after creation.
    secret                VARCHAR(100) NOT NULL,
    batch_size            INT NOT NULL CHECK (batch_size BETWEEN 1 AND 50),
    status                VARCHAR(20) NOT NULL CHECK (status IN ('active', 'disabled')),
    -- Stream position (Event.key) of the last event delivered or skipped by the filters.
    cursor                VARCHAR(64) NOT NULL,
    consecutive_failures  INT NOT NULL DEFAULT 0,
    -- Earliest time of the next delivery attempt (backoff after failures).
    next_attempt_at       TIMESTAMPTZ NOT NULL,
    -- One dispatcher at a time per endpoint, across processes: the holder and until when it holds.
    lease_owner           VARCHAR(64),
    lease_until           TIMESTAMPTZ,
    last_success_at       TIMESTAMPTZ,
    last_failure_at       TIMESTAMPTZ,
    disabled_at           TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoint_account ON webhook_endpoint(account_id, created_at);
CREATE INDEX webhook_endpoint_due ON webhook_endpoint(next_attempt_at) WHERE status = 'active';

CREATE TABLE webhook_delivery (
    -- The Parley-Delivery header of the request.
    id            VARCHAR(24) PRIMARY KEY,
    endpoint_id   VARCHAR(24) NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
    attempted_at  TIMESTAMPTZ NOT NULL,
    success       BOOLEAN NOT NULL,
    -- HTTP status of the answer; NULL when none came (refused target, connection error, timeout).
    status_code   INT,
    latency_ms    INT NOT NULL,
    -- Ids of the events in the request, comma-separated, in order.
    event_ids     TEXT NOT NULL,
    error         VARCHAR(500)
);
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery(endpoint_id, attempted_at DESC, id DESC);
