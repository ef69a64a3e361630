-- The operator's per-account override of parley.devices.max-per-account; null means the configured default.
ALTER TABLE account ADD COLUMN max_devices INTEGER CHECK (max_devices IS NULL OR max_devices >= 0);
