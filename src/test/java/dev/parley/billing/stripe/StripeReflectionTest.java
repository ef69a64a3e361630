package dev.parley.billing.stripe;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native executable can only (de)serialize the stripe-java classes registered for reflection: every model and
 * request-parameter class the gateway's sources name must be listed in {@link StripeReflection}, or the native API
 * function fails at the first call that uses it (the JVM, and so every other test, would not notice).
 */
class StripeReflectionTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/parley/billing/stripe");
    /** A class name as the annotation lists it, nested classes with {@code $}. */
    private static final Pattern LISTED = Pattern.compile("\"(com\\.stripe\\.[\\w.$]+)\"");
    private static final Pattern STRIPE_CLASS = Pattern.compile("com\\.stripe\\.(?:model|param)(?:\\.[a-z]+)*\\.[A-Z]\\w*");

    @Test
    void every_stripe_model_and_parameter_class_the_gateway_names_is_registered_for_reflection() throws IOException {
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("StripeReflection.java")).toList()) {
                Matcher m = STRIPE_CLASS.matcher(Files.readString(file));
                while (m.find()) {
                    named.add(m.group());
                }
            }
        }
        Set<String> registered = new TreeSet<>();
        Matcher m = LISTED.matcher(Files.readString(SOURCES.resolve("StripeReflection.java")));
        while (m.find()) {
            registered.add(m.group(1));
        }

        assertThat(named).as("stripe-java classes named by the gateway").isNotEmpty();
        assertThat(registered).containsAll(named);
        for (String name : registered) {
            assertThat(exists(name)).as("%s is a stripe-java class", name).isTrue();
        }
    }

    private static boolean exists(String name) {
        try {
            Class.forName(name, false, StripeReflectionTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
