package dev.parley.error;

import java.util.Optional;

/**
 * Turns a failure of an adapter (a backing store's client exception, say) into the problem a
 * client should see. Adapters implement it so that this package never depends on their libraries.
 */
public interface FailureTranslator {

    /** The problem for {@code failure}, or empty when this translator does not know it. */
    Optional<ApiException> translate(Throwable failure);
}
