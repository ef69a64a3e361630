package dev.parley.file.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blocking {@link InputStream} over a Vert.x {@link ReadStream} with back-pressure: the stream is paused
 * while more than a few buffers wait, so a slow store never lets a request pile up in memory. Read it from a
 * worker thread; an idle stream fails after {@code idleMillis} (an abandoned upload).
 */
public final class ReadStreamInputStream extends InputStream {

    private static final int HIGH_WATER = 16;
    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final ReadStream<Buffer> source;
    private final Context context;
    private final long idleMillis;
    private volatile boolean paused;
    private Buffer current;
    private int position;
    private boolean ended;

    public ReadStreamInputStream(ReadStream<Buffer> source, Context context, long idleMillis) {
        this.source = source;
        this.context = context;
        this.idleMillis = idleMillis;
        source.handler(buffer -> {
            queue.add(buffer);
            if (queue.size() > HIGH_WATER && !paused) {
                paused = true;
                source.pause();
            }
        });
        source.endHandler(v -> queue.add(END));
        source.exceptionHandler(e -> queue.add(e));
    }

    /** Drops whatever else arrives, so a refused request's remaining body drains instead of stalling the connection. */
    public void discardRest() {
        ended = true;
        context.runOnContext(v -> {
            try {
                source.handler(ignored -> { });
                source.resume();
            } catch (IllegalStateException alreadyRead) {
                // The body had ended: nothing left to drain.
            }
        });
        queue.clear();
    }

    /** Ends the stream with a failure from outside (the request was reset, say). */
    public void fail(Throwable cause) {
        queue.add(cause);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || position >= current.length()) {
            if (ended) {
                return -1;
            }
            Object next;
            try {
                next = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request");
            }
            if (next == null) {
                throw new IOException("no data for " + idleMillis + " ms: the upload was abandoned");
            }
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof Throwable failure) {
                ended = true;
                throw new IOException("the upload failed: " + failure.getMessage(), failure);
            }
            current = (Buffer) next;
            position = 0;
            if (paused && queue.size() < HIGH_WATER / 2) {
                paused = false;
                context.runOnContext(v -> source.resume());
            }
        }
        int n = Math.min(len, current.length() - position);
        current.getBytes(position, position + n, b, off);
        position += n;
        return n;
    }
}
