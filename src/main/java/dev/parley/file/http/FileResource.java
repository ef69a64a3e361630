package dev.parley.file.http;

import dev.parley.account.Caller;
import dev.parley.error.ApiException;
import dev.parley.file.FilePage;
import dev.parley.file.FileService;
import dev.parley.file.FileUsage;
import dev.parley.file.FileView;
import dev.parley.file.UrlFetcher;
import dev.parley.file.store.FileStore.ByteRange;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files of the caller's account: listing, metadata, download (with ranges), deletion, usage, and upload by
 * URL. Uploads of bytes ({@code POST /v1/files}) stream through {@link FileUploadRoute}; the method here only
 * documents them in the OpenAPI document.
 */
@Path("/v1/files")
@Produces(MediaType.APPLICATION_JSON)
public class FileResource {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final FileService files;
    private final UrlFetcher fetcher;
    private final Caller caller;

    public FileResource(FileService files, UrlFetcher fetcher, Caller caller) {
        this.files = files;
        this.fetcher = fetcher;
        this.caller = caller;
    }

    /** The multipart form of an upload, for the OpenAPI document. */
    @Schema(name = "FileUpload", properties = {
            @SchemaProperty(name = "file", type = SchemaType.STRING, format = "binary", description = "The file's bytes"),
            @SchemaProperty(name = "filename", type = SchemaType.STRING, description = "Name to list; default the part's filename"),
            @SchemaProperty(name = "expiresAt", type = SchemaType.STRING, format = "date-time", description = "When it is deleted, or never; default 30 days"),
            @SchemaProperty(name = "expiration", type = SchemaType.STRING, description = "Alternative to expiresAt: a duration such as 7d"),
            @SchemaProperty(name = "reference", type = SchemaType.STRING, description = "Your own label, up to 200 characters")},
            requiredProperties = "file")
    public static final class UploadForm {
    }

    /**
     * Documentation only: the request is served by {@link FileUploadRoute} before it reaches this resource.
     */
    @POST
    @Consumes({MediaType.MULTIPART_FORM_DATA, MediaType.APPLICATION_OCTET_STREAM, "*/*"})
    @ResponseStatus(201)
    @Operation(summary = "Upload a file", description = "multipart/form-data with a file part, or the raw bytes as the "
            + "body with ?filename=. The type is detected from the bytes; a declared type contradicting them is 415.")
    @RequestBody(content = {
            @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = UploadForm.class)),
            @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    public FileView upload(InputStream ignored) {
        throw new ApiException(500, "internal", "Uploads are served by the streaming route", null);
    }

    /** Body of an upload by URL. */
    public record UrlUpload(String url, String filename, String expiresAt, String expiration, String reference) {
    }

    @POST
    @Path("url")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Operation(summary = "Store the file at a URL", description = "Fetched once under the SSRF rules of webhooks.")
    public Uni<FileView> uploadUrl(UrlUpload body) {
        if (body == null) {
            throw ApiException.invalid("url", "url is required");
        }
        String account = caller.accountId();
        var meta = UploadParams.parse(body.filename(), body.expiresAt(), body.expiration(), body.reference(), null,
                java.time.Clock.systemUTC());
        return blocking(() -> fetcher.fetch(account, body.url(), meta));
    }

    @GET
    public Uni<FilePage> list(@QueryParam("type") String type, @QueryParam("kind") String kind,
                         @QueryParam("name") String name, @QueryParam("reference") String reference,
                         @QueryParam("size") String size, @QueryParam("cursor") String cursor) {
        String account = caller.accountId();
        return blocking(() -> files.list(account, new FileService.ListQuery(type != null ? type : kind, name, reference,
                size, cursor)));
    }

    @GET
    @Path("usage")
    public Uni<FileUsage> usage() {
        String account = caller.accountId();
        return blocking(() -> files.usage(account));
    }

    @GET
    @Path("{id}")
    public Uni<FileView> get(@PathParam("id") String id) {
        String account = caller.accountId();
        return blocking(() -> files.get(account, id));
    }

    /** Documentation only: served by {@link FileUploadRoute}, which streams from the store. */
    @GET
    @Path("{id}/download")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "Download a file", description = "Streams the bytes; honours a single Range header (206).")
    public Response download(@PathParam("id") String id, @HeaderParam("Range") String range) {
        throw new ApiException(500, "internal", "Downloads are served by the streaming route", null);
    }

    @DELETE
    @Path("{id}")
    public Uni<FileView> delete(@PathParam("id") String id) {
        String account = caller.accountId();
        return blocking(() -> files.delete(account, id));
    }

    /**
     * The file service blocks (store and database calls); the REST layer stays on the event loop, where the
     * authentication filter's session must run, and the work runs on a virtual thread.
     */
    static <T> Uni<T> blocking(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(VIRTUAL);
    }

    private static final java.util.concurrent.ExecutorService VIRTUAL =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /** One satisfiable range of a {@code bytes=} header, null for none; 416 when it cannot be satisfied. */
    static ByteRange range(String header, long size) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw new ApiException(416, "range-not-satisfiable", "Range must be one bytes=first-last range", "Range");
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        }
        if (first >= size || last < first) {
            throw new ApiException(416, "range-not-satisfiable", "Range " + header + " is outside the file's "
                    + size + " bytes", "Range");
        }
        return new ByteRange(first, last);
    }
}
