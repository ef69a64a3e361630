package dev.parley.file;

import java.io.InputStream;

/** A deterministic pseudo-random byte stream of a given length, generated on the fly (never held whole). */
public final class GeneratedBytes extends InputStream {

    private final long length;
    private long position;
    private long state;

    public GeneratedBytes(long length, long seed) {
        this.length = length;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    @Override
    public int read() {
        if (position >= length) {
            return -1;
        }
        position++;
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return (int) (state & 0xff);
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) read();
        }
        return n;
    }
}
