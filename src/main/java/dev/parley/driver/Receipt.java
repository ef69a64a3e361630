package dev.parley.driver;

/** Acknowledgement levels WhatsApp reports for a sent message. */
public enum Receipt {
    delivered, read
}
