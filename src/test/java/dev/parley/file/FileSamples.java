package dev.parley.file;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Tiny valid samples of every accepted type, made in the test (magic numbers where a full file is impractical). */
public final class FileSamples {

    private FileSamples() {
    }

    public static byte[] image(String format) {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] webp() {
        return concat("RIFF".getBytes(StandardCharsets.US_ASCII), new byte[]{26, 0, 0, 0},
                "WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), new byte[]{14, 0, 0, 0, 0x30, 1, 0, (byte) 0x9d, 1, 0x2a,
                        1, 0, 1, 0, 2, 0, 0x34, 0x25});
    }

    static byte[] mp3() {
        byte[] frame = new byte[417];
        frame[0] = (byte) 0xff;
        frame[1] = (byte) 0xfb;
        frame[2] = (byte) 0x90;
        frame[3] = 0x64;
        return concat("ID3".getBytes(StandardCharsets.US_ASCII), new byte[]{3, 0, 0, 0, 0, 0, 0}, frame, frame);
    }

    static byte[] ogg() {
        byte[] page = new byte[58];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, page, 0, 4);
        page[5] = 2;
        page[26] = 1;
        page[27] = 30;
        page[28] = 1;
        System.arraycopy("vorbis".getBytes(StandardCharsets.US_ASCII), 0, page, 29, 6);
        return page;
    }

    public static byte[] mp4() {
        return concat(new byte[]{0, 0, 0, 0x18}, "ftypisom".getBytes(StandardCharsets.US_ASCII), new byte[]{0, 0, 2, 0},
                "isomiso2".getBytes(StandardCharsets.US_ASCII), new byte[]{0, 0, 0, 8},
                "free".getBytes(StandardCharsets.US_ASCII), new byte[]{0, 0, 0, 8},
                "mdat".getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] pdf() {
        return ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                + "trailer<</Root 1 0 R>>\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** An OLE2 compound file header: Tika narrows it to doc or xls by the name. */
    static byte[] ole2() {
        byte[] header = new byte[1024];
        byte[] magic = {(byte) 0xd0, (byte) 0xcf, 0x11, (byte) 0xe0, (byte) 0xa1, (byte) 0xb1, 0x1a, (byte) 0xe1};
        System.arraycopy(magic, 0, header, 0, magic.length);
        header[0x18] = 0x3e;
        header[0x1a] = 3;
        header[0x1c] = (byte) 0xfe;
        header[0x1d] = (byte) 0xff;
        header[0x1e] = 9;
        return header;
    }

    static byte[] docx() {
        return zip(false, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>");
    }

    static byte[] xlsx() {
        return zip(false, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>");
    }

    static byte[] epub() {
        return zip(true, "mimetype", "application/epub+zip", "META-INF/container.xml", "<container/>");
    }

    public static byte[] zip() {
        return zip(false, "a.txt", "hello", "b.txt", "world");
    }

    static byte[] txt() {
        return "Hello from Parley.\nA plain text file.\n".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(txt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] tar() {
        byte[] tar = new byte[2048];
        byte[] name = "hello.txt".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, tar, 0, name.length);
        put(tar, 100, "0000644\0");
        put(tar, 108, "0000000\0");
        put(tar, 116, "0000000\0");
        put(tar, 124, "00000000005\0");
        put(tar, 136, "00000000000\0");
        put(tar, 156, "0");
        put(tar, 257, "ustar\0");
        put(tar, 263, "00");
        for (int i = 148; i < 156; i++) {
            tar[i] = ' ';
        }
        int sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[i] & 0xff;
        }
        put(tar, 148, String.format("%06o\0 ", sum));
        put(tar, 512, "hello");
        return tar;
    }

    static byte[] rar() {
        return concat(new byte[]{0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00, (byte) 0xcf, (byte) 0x90, 0x73, 0, 0, 0x0d,
                0, 0, 0, 0, 0, 0, 0}, new byte[64]);
    }

    /** A Windows executable's start: what a renamed .exe posing as a .pdf looks like. */
    static byte[] executable() {
        byte[] exe = new byte[512];
        exe[0] = 'M';
        exe[1] = 'Z';
        exe[0x3c] = (byte) 0x80;
        put(exe, 0x80, "PE\0\0");
        put(exe, 0x4e, "This program cannot be run in DOS mode.");
        return exe;
    }

    private static void put(byte[] target, int offset, String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, target, offset, b.length);
    }

    private static byte[] zip(boolean firstStored, String... namesAndContents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                byte[] content = namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
                ZipEntry entry = new ZipEntry(namesAndContents[i]);
                if (firstStored && i == 0) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
