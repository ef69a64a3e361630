-- Beyond parley.billing.per-device-subscriptions-up-to (20) paid devices an account is billed by one aggregated
-- subscription, one item per plan with a quantity (Stripe's 20-item cap; ADR 0013). Null: one subscription per device.
ALTER TABLE account ADD COLUMN aggregated_subscription VARCHAR(64);
