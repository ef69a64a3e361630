-- Devices the operator grants for free (billing on; ADR 0013): billing_status 'granted', no Stripe subscription, none of
-- the billing rules. granted_at says since when; grant_note is the operator's reason ("partner", "demo"), never shown
-- to the account. Revoking clears both and the device is pending_payment with a checkout like a new one.
ALTER TABLE device ADD COLUMN granted_at TIMESTAMPTZ;
ALTER TABLE device ADD COLUMN grant_note VARCHAR(200);
