package dev.parley.webhook;

/** Headers of every webhook request (see docs/webhooks.md). */
public final class WebhookHeaders {

    /** Unique id of this request (each retry gets a new one); it is the id in the endpoint's delivery log. */
    public static final String DELIVERY = "Parley-Delivery";
    /** Id of the webhook endpoint the request is for. */
    public static final String WEBHOOK = "Parley-Webhook";
    /** When the request was signed, in Unix seconds. */
    public static final String TIMESTAMP = "Parley-Timestamp";
    /** {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>}. */
    public static final String SIGNATURE = "Parley-Signature";

    private WebhookHeaders() {
    }
}
