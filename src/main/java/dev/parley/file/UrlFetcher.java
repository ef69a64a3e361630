package dev.parley.file;

import dev.parley.webhook.WebhooksConfig;
import dev.parley.error.ApiException;
import dev.parley.file.http.ReadStreamInputStream;
import dev.parley.webhook.WebhookTargets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stores the file at a URL, fetched once under the webhooks' SSRF rules ({@link WebhookTargets}): http(s)
 * only (https unless {@code parley.files.fetch.require-https} is off), every address of the host public unless
 * {@code parley.webhooks.allowed-private-cidrs}, the connection made to exactly the checked address, each
 * redirect checked the same way, the body streamed under the kind's size limit and the whole fetch under
 * {@code parley.files.fetch.timeout}. Blocking; call from worker threads.
 */
@ApplicationScoped
public class UrlFetcher {

    private final WebhookTargets targets;
    private final FileService files;
    private final FilesConfig config;
    private final Vertx vertx;
    private final HttpClient client;

    @Inject
    public UrlFetcher(FileService files, FilesConfig config, WebhooksConfig webhooks, Vertx vertx) {
        this(new WebhookTargets(config.fetch().requireHttps(), WebhookTargets.allowed(webhooks),
                InetAddress::getAllByName), files, config, vertx);
    }

    public UrlFetcher(WebhookTargets targets, FileService files, FilesConfig config, Vertx vertx) {
        this.targets = targets;
        this.files = files;
        this.config = config;
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setName("parley-file-fetch")
                .setConnectTimeout((int) config.fetch().connectTimeout().toMillis())
                .setMaxPoolSize(8).setVerifyHost(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Fetches {@code url} and stores it as a file of the account; problems name {@code url}. */
    public FileView fetch(String accountId, String url, FileService.UploadRequest request) {
        long deadline = System.nanoTime() + config.fetch().timeout().toNanos();
        URI uri = targets.parse(url);
        for (int redirects = 0; ; redirects++) {
            HttpClientResponse response = open(uri, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.getHeader("Location") != null) {
                response.request().reset();
                if (redirects >= config.fetch().maxRedirects()) {
                    throw ApiException.invalid("url", "url redirects more than " + config.fetch().maxRedirects() + " times");
                }
                uri = targets.parse(uri.resolve(response.getHeader("Location")).toString());
                continue;
            }
            if (status != 200) {
                response.request().reset();
                throw new ApiException(422, "url-fetch-failed", "Fetching url answered HTTP " + status, "url");
            }
            String name = request.name() != null ? request.name() : lastSegment(uri);
            long length = parseLength(response.getHeader("Content-Length"));
            try {
                files.checkDeclaredLength(accountId, length, null, "url");
                long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                long timer = vertx.setTimer(remaining, t -> response.request().reset());
                ReadStreamInputStream body = new ReadStreamInputStream(response, vertx.getOrCreateContext(), remaining);
                response.resume();
                FileService.Staged staged;
                try {
                    staged = files.stage(accountId, body, name, null, "url");
                } finally {
                    vertx.cancelTimer(timer);
                }
                return files.commit(accountId, staged, new FileService.UploadRequest(name, null, request.expiresAt(),
                        request.neverExpires(), request.reference()));
            } catch (IOException e) {
                throw new ApiException(422, "url-fetch-failed", "Fetching url failed: " + e.getMessage(), "url");
            } catch (RuntimeException e) {
                response.request().reset();
                throw e;
            }
        }
    }

    private HttpClientResponse open(URI uri, long deadline) {
        InetAddress address;
        try {
            address = targets.resolve(uri).getFirst();
        } catch (WebhookTargets.RefusedTarget e) {
            throw ApiException.invalid("url", "url targets a non-public address: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw ApiException.invalid("url", "url host " + WebhookTargets.host(uri) + " does not resolve");
        }
        int port = WebhookTargets.port(uri);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(WebhookTargets.host(uri)).setPort(port)
                .setSsl("https".equalsIgnoreCase(uri.getScheme()))
                .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
                .setFollowRedirects(false)
                .setConnectTimeout(config.fetch().connectTimeout().toMillis())
                .setIdleTimeout(remaining)
                .putHeader("User-Agent", "Parley-Files/1");
        CompletableFuture<HttpClientResponse> answer = new CompletableFuture<>();
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                answer.completeExceptionally(opened.cause());
                return;
            }
            opened.result().send().onComplete(sent -> {
                if (sent.failed()) {
                    answer.completeExceptionally(sent.cause());
                } else {
                    sent.result().pause();
                    answer.complete(sent.result());
                }
            });
        });
        try {
            return answer.get(remaining, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(422, "url-fetch-failed", "url did not answer within the fetch timeout", "url");
        } catch (ExecutionException e) {
            throw new ApiException(422, "url-fetch-failed", "Fetching url failed: " + e.getCause().getMessage(), "url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted", "Interrupted while fetching url", "url");
        }
    }

    private static String lastSegment(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? "file" : last;
    }

    private static long parseLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
