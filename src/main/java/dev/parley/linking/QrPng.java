package dev.parley.linking;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Renders a linking QR code as a black-and-white PNG. ZXing lays out the modules; the PNG is written here (one
 * bit per pixel) rather than through AWT's ImageIO, which the native API build does not carry.
 */
public final class QrPng {

    /** Pixels per QR module: WhatsApp's codes are about 60 modules wide, so the image is about 550 px. */
    static final int SCALE = 8;
    private static final int QUIET_ZONE_MODULES = 4;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private QrPng() {
    }

    /** The PNG of {@code text} as a QR code with a quiet zone, {@link #SCALE} pixels per module. */
    public static byte[] render(String text) {
        BitMatrix modules;
        try {
            modules = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.MARGIN, QUIET_ZONE_MODULES,
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L,
                    EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name()));
        } catch (WriterException e) {
            throw new IllegalArgumentException("The linking code does not fit in a QR code", e);
        }
        int size = modules.getWidth() * SCALE;
        int rowBytes = (size + 7) / 8;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream zlib = new DeflaterOutputStream(raw)) {
            byte[] row = new byte[1 + rowBytes]; // filter type 0, then 1 bit per pixel, 1 = white
            for (int y = 0; y < size; y++) {
                java.util.Arrays.fill(row, (byte) 0);
                for (int x = 0; x < size; x++) {
                    if (!modules.get(x / SCALE, y / SCALE)) {
                        row[1 + x / 8] |= (byte) (0x80 >>> (x % 8));
                    }
                }
                zlib.write(row);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(SIGNATURE);
        // width, height, bit depth 1, grayscale, deflate, filter 0, no interlace
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(size).putInt(size).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", raw.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
