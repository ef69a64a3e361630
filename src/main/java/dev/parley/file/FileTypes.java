package dev.parley.file;

import dev.parley.error.ApiException;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Decides a file's type from its first bytes with Apache Tika's magic-number detector, and maps it onto the
 * types Parley accepts. The name is only a hint Tika may use to narrow a container it recognised (an OLE2
 * file named {@code .doc}), never to contradict the bytes; OOXML is told apart by the entry names in the zip.
 */
public final class FileTypes {

    /** Bytes of a file's start that detection reads. */
    public static final int PREFIX_BYTES = 64 * 1024;

    /** A type Parley accepts: its canonical MIME type and kind. */
    public record Detected(String mimeType, FileKind kind) {
    }

    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static final Map<String, Detected> ACCEPTED = Map.ofEntries(
            accept("image/jpeg", FileKind.image),
            accept("image/png", FileKind.image),
            accept("image/bmp", FileKind.image),
            Map.entry("image/x-ms-bmp", new Detected("image/bmp", FileKind.image)),
            accept("image/webp", FileKind.image),
            accept("audio/mpeg", FileKind.audio),
            accept("audio/ogg", FileKind.audio),
            Map.entry("audio/vorbis", new Detected("audio/ogg", FileKind.audio)),
            Map.entry("audio/opus", new Detected("audio/ogg", FileKind.audio)),
            Map.entry("application/ogg", new Detected("audio/ogg", FileKind.audio)),
            accept("video/mp4", FileKind.video),
            Map.entry("video/quicktime", new Detected("video/mp4", FileKind.video)),
            accept("application/pdf", FileKind.document),
            accept("application/msword", FileKind.document),
            accept(DOCX, FileKind.document),
            accept("application/vnd.ms-excel", FileKind.document),
            accept(XLSX, FileKind.document),
            accept("application/epub+zip", FileKind.document),
            accept("text/plain", FileKind.document),
            accept("application/zip", FileKind.archive),
            accept("application/x-tar", FileKind.archive),
            accept("application/gzip", FileKind.archive),
            Map.entry("application/x-gzip", new Detected("application/gzip", FileKind.archive)),
            accept("application/vnd.rar", FileKind.archive),
            Map.entry("application/x-rar-compressed", new Detected("application/vnd.rar", FileKind.archive)),
            Map.entry("application/x-rar", new Detected("application/vnd.rar", FileKind.archive)));

    private static final Detector TIKA = MimeTypes.getDefaultMimeTypes();

    private FileTypes() {
    }

    private static Map.Entry<String, Detected> accept(String mime, FileKind kind) {
        return Map.entry(mime, new Detected(mime, kind));
    }

    /** The canonical form of a declared MIME type, or null for none (or application/octet-stream, which declares nothing). */
    public static String canonicalDeclared(String declared) {
        if (declared == null || declared.isBlank()) {
            return null;
        }
        String bare = declared.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (bare.isEmpty() || bare.equals("application/octet-stream")) {
            return null;
        }
        Detected known = ACCEPTED.get(bare);
        return known != null ? known.mimeType() : bare;
    }

    /** The kind a declared MIME type stands for, or null when it is not one Parley accepts. */
    public static FileKind kindOfDeclared(String declared) {
        String canonical = canonicalDeclared(declared);
        if (canonical == null) {
            return null;
        }
        if (canonical.equals("image/gif")) {
            return FileKind.gif;
        }
        Detected known = ACCEPTED.get(canonical);
        return known == null ? null : known.kind();
    }

    /**
     * The accepted type of content starting with {@code prefix}: 415 naming {@code field} when the bytes are
     * of no accepted type, or of another type than {@code declared} (a gif declared for mp4 content is accepted
     * and makes the file a gif).
     */
    public static Detected detect(byte[] prefix, int length, String name, String declared, String field) {
        String detected = tika(prefix, length, name);
        if (!ACCEPTED.containsKey(detected) && name != null) {
            detected = tika(prefix, length, null);
        }
        if (detected.equals("application/zip") || detected.equals("application/x-tika-ooxml")) {
            detected = zipFlavour(prefix, length, detected);
        }
        Detected accepted = ACCEPTED.get(detected);
        if (accepted == null) {
            throw unsupported("Content is " + detected + ", which is not an accepted file type (images: jpeg, png, "
                    + "bmp, webp; audio: mp3, ogg; video and gif: mp4; documents: pdf, doc, docx, xls, xlsx, epub, txt; "
                    + "archives: zip, tar, gzip, rar)", field);
        }
        String wanted = canonicalDeclared(declared);
        if (wanted == null || wanted.equals(accepted.mimeType())) {
            return accepted;
        }
        if (wanted.equals("image/gif") && accepted.kind() == FileKind.video) {
            return new Detected(accepted.mimeType(), FileKind.gif);
        }
        throw unsupported("Declared type " + wanted + " contradicts the content, which is " + accepted.mimeType(), field);
    }

    private static ApiException unsupported(String detail, String field) {
        return new ApiException(415, "unsupported-file-type", detail, field);
    }

    private static String tika(byte[] prefix, int length, String name) {
        Metadata metadata = new Metadata();
        if (name != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        }
        try (InputStream in = new ByteArrayInputStream(prefix, 0, length)) {
            MediaType type = TIKA.detect(in, metadata);
            return type.getBaseType().toString();
        } catch (IOException e) {
            throw new IllegalStateException("Reading an in-memory prefix cannot fail", e);
        }
    }

    /** Tells docx, xlsx and epub from a plain zip by the entry names in the prefix (local headers come first). */
    private static String zipFlavour(byte[] prefix, int length, String fallback) {
        boolean contentTypes = false;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(prefix, 0, length))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String entryName = entry.getName();
                if (entryName.startsWith("word/")) {
                    return DOCX;
                }
                if (entryName.startsWith("xl/")) {
                    return XLSX;
                }
                if (entryName.equals("[Content_Types].xml")) {
                    contentTypes = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The prefix ends inside an entry: decide on the names seen so far.
        }
        return contentTypes ? "application/x-tika-ooxml" : fallback.equals("application/x-tika-ooxml")
                ? fallback : "application/zip";
    }
}
