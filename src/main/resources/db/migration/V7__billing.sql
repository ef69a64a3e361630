-- Billing with Stripe (parley.billing.enabled; ADR 0013). With billing off none of these columns is read.

-- Plans' prices (minor units, tax-exclusive), what a month includes, and the price of each message beyond.
ALTER TABLE plan ADD COLUMN monthly_price INT NOT NULL DEFAULT 0 CHECK (monthly_price >= 0);
ALTER TABLE plan ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'eur';
ALTER TABLE plan ADD COLUMN included_messages INT CHECK (included_messages IS NULL OR included_messages >= 0);
ALTER TABLE plan ADD COLUMN included_media INT CHECK (included_media IS NULL OR included_media >= 0);
ALTER TABLE plan ADD COLUMN overage_price INT NOT NULL DEFAULT 0 CHECK (overage_price >= 0);
UPDATE plan SET monthly_price = 1900,  included_messages = 5000,  included_media = 500,   overage_price = 1 WHERE name = 'basic';
UPDATE plan SET monthly_price = 3900,  included_messages = 20000, included_media = 2000,  overage_price = 1 WHERE name = 'professional';
UPDATE plan SET monthly_price = 7900,  included_messages = 50000, included_media = 5000,  overage_price = 1 WHERE name = 'business';
UPDATE plan SET monthly_price = 14900, included_messages = NULL,  included_media = NULL,  overage_price = 0 WHERE name = 'enterprise';

-- One Stripe customer per account, with what decides its tax.
ALTER TABLE account ADD COLUMN stripe_customer VARCHAR(64) UNIQUE;
ALTER TABLE account ADD COLUMN billing_country CHAR(2);
ALTER TABLE account ADD COLUMN vat_number VARCHAR(20);
ALTER TABLE account ADD COLUMN vat_verified BOOLEAN NOT NULL DEFAULT FALSE;

-- A device's subscription: null billing_status means not billed (billing off, or granted free by the operator).
ALTER TABLE device ADD COLUMN billing_status VARCHAR(20);
ALTER TABLE device ADD COLUMN subscription_id VARCHAR(64);
ALTER TABLE device ADD COLUMN checkout_url VARCHAR(2000);
ALTER TABLE device ADD COLUMN period_end TIMESTAMPTZ;
ALTER TABLE device ADD COLUMN plan_changed_at TIMESTAMPTZ;
ALTER TABLE device ADD COLUMN payment_failed_at TIMESTAMPTZ;
CREATE INDEX device_subscription ON device(subscription_id);

-- Stripe events already handled: a replayed or re-sent event id does nothing.
CREATE TABLE stripe_event (
    id           VARCHAR(64) PRIMARY KEY,
    type         VARCHAR(100) NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
