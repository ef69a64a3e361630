package dev.parley.driver;

/** The presence a device shows: to everyone ({@code available}, {@code unavailable}) or in one chat (typing). */
public enum Presence {
    available, unavailable, composing, recording, paused;

    /** Whether it is shown in one chat (typing, recording, stopped) rather than to every contact. */
    public boolean inChat() {
        return this == composing || this == recording || this == paused;
    }
}
