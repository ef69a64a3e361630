-- When the owner was emailed about the device's current outage; cleared when it is back online.
ALTER TABLE device ADD COLUMN outage_alerted_at TIMESTAMPTZ;
