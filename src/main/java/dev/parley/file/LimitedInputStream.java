package dev.parley.file;

import dev.parley.error.ApiException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read and fails with a 413 problem the moment they pass a limit, so no oversize body is read whole. */
final class LimitedInputStream extends FilterInputStream {

    private final String field;
    private long limit;
    private String detail;
    private long count;

    LimitedInputStream(InputStream in, long limit, String field) {
        super(in);
        this.limit = limit;
        this.field = field;
        this.detail = "files may be at most " + limit + " bytes";
    }

    /** Narrows the limit once the file's kind is known. */
    void limit(long limit, String detail) {
        this.limit = limit;
        this.detail = detail;
        check();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b != -1) {
            count++;
            check();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported");
    }

    private void check() {
        if (count > limit) {
            throw FileService.tooLarge(detail + "; refused after " + count + " bytes", field);
        }
    }
}
