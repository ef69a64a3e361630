package dev.parley.driver;

/**
 * Whether a phone number is on WhatsApp, as a device's session found it: the number as asked, and WhatsApp's id
 * for it ({@code <digits>@s.whatsapp.net}) when it exists, else null.
 */
public record NumberCheck(String phone, boolean exists, String waId) {
}
