package dev.parley.driver;

/**
 * What to change in a device's WhatsApp profile; a null field stays as it is.
 *
 * @param name    the display name (WhatsApp's "push name"), 1 to 25 characters
 * @param about   the "about" text, up to 139 characters
 * @param picture the new profile picture's bytes (JPEG or PNG)
 */
public record ProfileUpdate(String name, String about, byte[] picture) {

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return name == null && about == null && picture == null;
    }
}
