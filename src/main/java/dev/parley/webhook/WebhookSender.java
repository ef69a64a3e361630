package dev.parley.webhook;

import dev.parley.common.Blocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one webhook request and reports what it came to as an {@link AttemptResult}; it never throws.
 * The host is resolved and checked by {@link WebhookTargets} first, and the connection goes to exactly the
 * address that was checked (Host header and TLS name stay the URL's host). Redirects are not followed: a
 * 3xx answer is a failure. Blocks its caller (a virtual thread) for at most the connect and request timeouts,
 * plus DNS resolution.
 */
@ApplicationScoped
public class WebhookSender {

    private static final int MAX_ERROR_LENGTH = 300;

    private final WebhookTargets targets;
    private final Vertx vertx;
    private final long connectTimeoutMillis;
    private final long timeoutMillis;
    private final HttpClient client;

    public WebhookSender(WebhookTargets targets, Vertx vertx, WebhooksConfig config) {
        this.targets = targets;
        this.vertx = vertx;
        this.connectTimeoutMillis = config.connectTimeout().toMillis();
        this.timeoutMillis = config.timeout().toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setName("parley-webhooks")
                .setConnectTimeout((int) connectTimeoutMillis)
                .setKeepAlive(true)
                .setKeepAliveTimeout(30)
                .setMaxPoolSize(4)
                .setVerifyHost(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** POSTs {@code body} (JSON) to {@code url} with {@code headers}. */
    public AttemptResult post(URI url, Map<String, String> headers, byte[] body) {
        long start = System.nanoTime();
        InetAddress address;
        try {
            address = targets.resolve(url).getFirst();
        } catch (WebhookTargets.RefusedTarget e) {
            return AttemptResult.failed(null, millisSince(start), "refused: " + e.getMessage(), false);
        } catch (UnknownHostException e) {
            return AttemptResult.failed(null, millisSince(start), "host " + WebhookTargets.host(url)
                    + " does not resolve", true);
        }

        int port = WebhookTargets.port(url);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(WebhookTargets.host(url))
                .setPort(port)
                .setSsl("https".equalsIgnoreCase(url.getScheme()))
                .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeoutMillis)
                .setIdleTimeout(timeoutMillis)
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Parley-Webhooks/1");
        headers.forEach(options::putHeader);

        // Completed with a value either way, so that waiting for it only ever fails on the timeout.
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                answer.complete(Answer.failed(opened.cause()));
                return;
            }
            HttpClientRequest request = opened.result();
            sent.set(request);
            request.send(Buffer.buffer(body)).onComplete(answered -> {
                if (answered.failed()) {
                    answer.complete(Answer.failed(answered.cause()));
                    return;
                }
                HttpClientResponse response = answered.result();
                answer.complete(Answer.status(response.statusCode()));
                // The answer's body is not used: it is dropped as it arrives, and cut off if it never ends.
                long cutOff = vertx.setTimer(timeoutMillis, t -> request.reset());
                response.exceptionHandler(ignored -> { });
                response.end().onComplete(ended -> vertx.cancelTimer(cutOff));
            });
        });

        Answer answered;
        try {
            answered = Blocking.await(answer, Duration.ofMillis(timeoutMillis));
        } catch (Blocking.BlockingTimeoutException e) {
            HttpClientRequest request = sent.get();
            if (request != null) {
                request.reset();
            }
            return AttemptResult.failed(null, millisSince(start), "no answer within " + timeoutMillis + " ms", true);
        } catch (RuntimeException e) {
            // The future never fails, so only an interruption of this thread (a stopping dispatcher) gets here.
            return AttemptResult.failed(null, millisSince(start), "interrupted", true);
        }
        long latency = millisSince(start);
        if (answered.failure() != null) {
            // The client's idle timeout equals ours, so either may end a silent receiver: one wording for both.
            String error = answered.failure().getClass().getSimpleName().contains("Timeout")
                    ? "no answer within " + timeoutMillis + " ms" : describe(answered.failure());
            return AttemptResult.failed(null, latency, error, true);
        }
        int code = answered.status();
        if (code >= 200 && code < 300) {
            return AttemptResult.delivered(code, latency);
        }
        String error = code >= 300 && code < 400 ? "HTTP " + code + ": redirects are not followed" : "HTTP " + code;
        return AttemptResult.failed(code, latency, error, true);
    }

    /** What the receiver answered: a status, or why no answer came. */
    private record Answer(int status, Throwable failure) {
        static Answer status(int status) {
            return new Answer(status, null);
        }

        static Answer failed(Throwable failure) {
            return new Answer(0, failure);
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? "" : ": " + failure.getMessage();
        String text = failure.getClass().getSimpleName() + message;
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
