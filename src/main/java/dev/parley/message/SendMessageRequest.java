package dev.parley.message;

/**
 * Body of {@code POST /v1/messages}. Field names follow the modelled service's API so its clients work
 * unchanged. Unknown fields are rejected with 400 naming the field.
 */
public record SendMessageRequest(String phone, String message, String device, String reference) {
}
