package dev.parley.webhook;

/** Whether an endpoint receives events: disabled after repeated failures or by its owner, until enabled. */
public enum WebhookStatus {
    active, disabled
}
