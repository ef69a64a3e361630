package dev.parley.common;

import dev.parley.error.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneNumberTest {

    @Test
    void international_formats_normalise_to_e164() {
        assertThat(PhoneNumber.of("+44 7911 123001", "phone").e164()).isEqualTo("+447911123001");
        assertThat(PhoneNumber.of("0044 7911-123001", "phone").e164()).isEqualTo("+447911123001");
        assertThat(PhoneNumber.of("34 612 345 678", "phone").e164()).isEqualTo("+34612345678");
        assertThat(PhoneNumber.of("+1 (415) 555-2671", "phone").e164()).isEqualTo("+14155552671");
    }

    @Test
    void invalid_numbers_are_rejected_naming_the_field() {
        for (String bad : new String[] {"12", "+999 123", "hello", "+44 123"}) {
            assertThatThrownBy(() -> PhoneNumber.of(bad, "phone"))
                    .isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).field()).isEqualTo("phone"));
        }
        assertThatThrownBy(() -> PhoneNumber.of(null, "phone")).isInstanceOf(ApiException.class);
    }
}
