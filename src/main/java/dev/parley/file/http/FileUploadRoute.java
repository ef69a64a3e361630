package dev.parley.file.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.account.Access;
import dev.parley.account.TokenService;
import dev.parley.common.Blocking;
import dev.parley.error.ApiException;
import dev.parley.error.Problem;
import dev.parley.file.FileService;
import dev.parley.file.FileService.Staged;
import dev.parley.file.FileService.UploadRequest;
import dev.parley.file.FileView;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/files}: an upload by multipart form ({@code file} part; {@code filename}, {@code expiresAt} or
 * {@code expiration}, {@code reference} fields) or by raw body ({@code ?filename=}, the same other parameters
 * in the query). A Vert.x route ahead of the REST layer, because the body must stream: the REST layer's body
 * limits ({@code parley.api.max-body-bytes}, {@code quarkus.http.limits.max-body-size}) are for JSON and would
 * refuse or buffer a file. It authenticates by API token itself, as {@code ApiAuthFilter} does for resources,
 * and answers problems in the same {@link Problem} shape.
 */
@ApplicationScoped
public class FileUploadRoute {

    private static final Logger LOG = Logger.getLogger(FileUploadRoute.class);
    /** Before Quarkus's own body-size check (order -2), which would answer an oversize body as plain text. */
    private static final int ORDER = -3;
    private static final long IDLE_MILLIS = 30_000;
    private static final String CURRENT = "parley.upload.stream";

    private final FileService files;
    private final TokenService tokens;
    private final ObjectMapper json;
    private final Clock clock;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    public FileUploadRoute(FileService files, TokenService tokens, ObjectMapper json, Clock clock) {
        this.files = files;
        this.tokens = tokens;
        this.json = json;
        this.clock = clock;
    }

    void register(@Observes Router router) {
        router.post("/v1/files").order(ORDER).handler(this::upload);
        router.get("/v1/files/:id/download").order(ORDER).handler(this::download);
    }

    /**
     * {@code GET /v1/files/{id}/download}: the bytes streamed from the store with back-pressure, a single
     * {@code Range} answered with 206. Here rather than in {@link FileResource} because the REST layer would
     * write a stream from the event loop.
     */
    private void download(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Context context = Vertx.currentContext();
        String token = request.getHeader("Token") != null ? request.getHeader("Token") : request.getParam("token");
        String id = ctx.pathParam("id");
        String rangeHeader = request.getHeader("Range");
        workers.submit(() -> {
            try {
                String account = authenticate(token);
                var file = files.find(account, id);
                var range = FileResource.range(rangeHeader, file.size);
                InputStream in = files.open(file, range);
                String disposition = "attachment; filename=\"" + file.name.replaceAll("[^\\x20-\\x7e]|[\\\\\"]", "_")
                        + "\"; filename*=UTF-8''" + URLEncoder.encode(file.name, StandardCharsets.UTF_8).replace("+", "%20");
                HttpServerResponse response = ctx.response();
                CompletableFuture<Void> headers = new CompletableFuture<>();
                context.runOnContext(v -> {
                    response.setStatusCode(range == null ? 200 : 206)
                            .putHeader("Content-Type", file.mimeType)
                            .putHeader("Content-Disposition", disposition)
                            .putHeader("Accept-Ranges", "bytes")
                            .putHeader("ETag", "\"" + file.sha256 + "\"")
                            .putHeader("Content-Length", Long.toString(range == null ? file.size : range.length()));
                    if (range != null) {
                        response.putHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + file.size);
                    }
                    headers.complete(null);
                });
                headers.get(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                try (in) {
                    byte[] chunk = new byte[64 * 1024];
                    for (int n; (n = in.read(chunk)) != -1; ) {
                        io.vertx.core.buffer.Buffer buffer = io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOf(chunk, n));
                        CompletableFuture<Void> written = new CompletableFuture<>();
                        context.runOnContext(v -> {
                            response.write(buffer);
                            if (response.writeQueueFull()) {
                                response.drainHandler(d -> written.complete(null));
                            } else {
                                written.complete(null);
                            }
                        });
                        written.get(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                    }
                }
                context.runOnContext(v -> response.end());
            } catch (ApiException e) {
                fail(ctx, context, e);
            } catch (Exception e) {
                LOG.warnf("Download of %s failed: %s", id, e.getMessage());
                context.runOnContext(v -> {
                    if (!ctx.response().headWritten()) {
                        fail(ctx, context, new ApiException(500, "internal", "An unexpected error occurred; it has been logged", null));
                    } else {
                        ctx.request().connection().close();
                    }
                });
            }
        });
    }

    private void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        Context context = Vertx.currentContext();
        String contentType = request.getHeader("Content-Type");
        boolean multipart = contentType != null && contentType.toLowerCase().startsWith("multipart/form-data");
        long length = parseLength(request.getHeader("Content-Length"));
        String token = request.getHeader("Token");
        if (token == null || token.isBlank()) {
            token = request.getParam("token");
        }
        String presented = token;
        ReadStreamInputStream raw = multipart ? null : new ReadStreamInputStream(request, context, IDLE_MILLIS);
        java.util.concurrent.atomic.AtomicReference<ReadStreamInputStream> current = new java.util.concurrent.atomic.AtomicReference<>(raw);
        ctx.put(CURRENT, current);
        workers.submit(() -> {
            try {
                String account = authenticate(presented);
                FileView view = multipart ? multipart(ctx, context, account, length)
                        : raw(ctx, raw, account, length, contentType);
                respond(ctx, context, 201, "application/json", json.writeValueAsBytes(view));
            } catch (ApiException e) {
                fail(ctx, context, e);
            } catch (Exception e) {
                ApiException problem = e.getCause() instanceof ApiException api ? api : null;
                if (problem != null) {
                    fail(ctx, context, problem);
                } else if (e instanceof java.io.IOException) {
                    LOG.infof("Upload aborted: %s", e.getMessage());
                    fail(ctx, context, new ApiException(400, "upload-aborted",
                            "The upload did not complete: " + e.getMessage(), "file"));
                } else {
                    LOG.error("Upload failed", e);
                    fail(ctx, context, new ApiException(500, "internal",
                            "An unexpected error occurred; it has been logged", null));
                }
            }
        });
    }

    private FileView raw(RoutingContext ctx, ReadStreamInputStream body, String account, long length,
                         String contentType) throws Exception {
        HttpServerRequest request = ctx.request();
        UploadRequest meta = UploadParams.parse(request.getParam("filename"), request.getParam("expiresAt"),
                request.getParam("expiration"), request.getParam("reference"), contentType, clock);
        files.checkDeclaredLength(account, length, contentType, "file");
        ctx.vertx().runOnContext(v -> request.resume());
        Staged staged = files.stage(account, body, meta.name(), meta.declaredType(), "file");
        return files.commit(account, staged, meta);
    }

    private FileView multipart(RoutingContext ctx, Context context, String account, long length) throws Exception {
        HttpServerRequest request = ctx.request();
        // Multipart overhead: a file may be a little smaller than the body, never larger.
        files.checkDeclaredLength(account, length < 0 ? -1 : Math.max(0, length - 16 * 1024), null, "file");
        CompletableFuture<ReadStreamInputStream> part = new CompletableFuture<>();
        CompletableFuture<String[]> partInfo = new CompletableFuture<>();
        CompletableFuture<MultiMap> form = new CompletableFuture<>();
        AtomicBoolean seen = new AtomicBoolean();
        context.runOnContext(v -> {
            try {
                request.setExpectMultipart(true);
            } catch (RuntimeException e) {
                form.completeExceptionally(e);
                return;
            }
            request.uploadHandler(upload -> {
                if (!"file".equals(upload.name()) || !seen.compareAndSet(false, true)) {
                    upload.handler(ignored -> { });
                    return;
                }
                partInfo.complete(new String[]{upload.filename(), upload.contentType()});
                ReadStreamInputStream stream = new ReadStreamInputStream(upload, context, IDLE_MILLIS);
                ctx.<java.util.concurrent.atomic.AtomicReference<ReadStreamInputStream>>get(CURRENT).set(stream);
                part.complete(stream);
            });
            request.exceptionHandler(e -> {
                form.completeExceptionally(e);
                part.completeExceptionally(e);
            });
            request.endHandler(e -> {
                ReadStreamInputStream open = ctx.<java.util.concurrent.atomic.AtomicReference<ReadStreamInputStream>>get(CURRENT).get();
                if (open != null) {
                    // After a well-formed part's end this is never read; a body cut inside the part fails it.
                    open.fail(new java.io.IOException("the multipart body ended inside the file part"));
                }
                form.complete(request.formAttributes());
                part.complete(null);
            });
            request.resume();
        });
        ReadStreamInputStream body;
        try {
            body = part.get(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ApiException(400, "malformed-multipart", "The multipart body is malformed", "file");
        }
        if (body == null) {
            throw ApiException.invalid("file", "file is required: send the file as the multipart part named file");
        }
        String[] info = partInfo.getNow(new String[]{null, null});
        Staged staged = files.stage(account, body, info[0], info[1], "file");
        MultiMap attributes;
        try {
            attributes = form.get(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            files.discard(staged);
            throw new ApiException(400, "malformed-multipart", "The multipart body is malformed", "file");
        }
        UploadRequest meta;
        try {
            String name = attributes.get("filename") != null ? attributes.get("filename") : info[0];
            meta = UploadParams.parse(name, attributes.get("expiresAt"), attributes.get("expiration"),
                    attributes.get("reference"), info[1], clock);
        } catch (RuntimeException e) {
            files.discard(staged);
            throw e;
        }
        return files.commit(account, staged, meta);
    }

    /** The token's account; a read-only token may not upload (as {@code ApiAuthFilter} refuses its writes). */
    private String authenticate(String token) {
        Access access = Blocking.onContext(() -> tokens.accessOf(token));
        if (access.readOnly()) {
            throw ApiException.forbidden("This token is read-only: it cannot upload files", null);
        }
        return access.accountId();
    }

    private void fail(RoutingContext ctx, Context context, ApiException e) {
        try {
            byte[] body = json.writeValueAsBytes(Problem.of(e, ctx.request().path()));
            respond(ctx, context, e.status(), Problem.MEDIA_TYPE, body);
        } catch (Exception ex) {
            LOG.error("Could not write a problem", ex);
        }
    }

    private static void respond(RoutingContext ctx, Context context, int status, String type, byte[] body) {
        context.runOnContext(v -> {
            HttpServerResponse response = ctx.response();
            if (response.ended()) {
                return;
            }
            response.setStatusCode(status).putHeader("Content-Type", type);
            if (status >= 400) {
                // The answer goes out before the body is read; the rest is drained unread, then the connection closed.
                response.putHeader("Connection", "close");
                java.util.concurrent.atomic.AtomicReference<ReadStreamInputStream> stream = ctx.get(CURRENT);
                if (stream != null && stream.get() != null) {
                    stream.get().discardRest();
                }
                ctx.request().resume();
            }
            response.end(io.vertx.core.buffer.Buffer.buffer(body));
        });
    }

    private static long parseLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
