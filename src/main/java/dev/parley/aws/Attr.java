package dev.parley.aws;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short factories for DynamoDB attribute values, so stores spell out their attribute maps readably. */
public final class Attr {

    private Attr() {
    }

    public static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    public static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
