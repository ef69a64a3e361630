package dev.parley.message;

import dev.parley.error.ApiException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's cursor string round-trips and rejects what the API did not hand out. */
class MessageCursorTest {

    @Test
    void a_cursor_decodes_to_the_position_it_was_encoded_from() {
        MessageCursor cursor = MessageCursor.at(Map.of("id", "abc", "created", "0000000000001#abc"));

        assertThat(MessageCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void no_cursor_is_the_first_page() {
        assertThat(MessageCursor.decode(null)).isNull();
        assertThat(MessageCursor.decode("  ")).isNull();
    }

    @Test
    void a_string_the_api_did_not_hand_out_is_a_400_on_the_cursor_parameter() {
        assertThatThrownBy(() -> MessageCursor.decode("not-a-cursor"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo("cursor");
                });
    }
}
