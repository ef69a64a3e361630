package dev.parley.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's webhook endpoint: it records every request
 * and answers as the test tells it (a status, optionally after a delay), one virtual thread per request.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How to answer one request. */
    public record Reply(int status, Duration delay) {
        public static Reply status(int status) {
            return new Reply(status, Duration.ZERO);
        }

        public static Reply after(Duration delay, int status) {
            return new Reply(status, delay);
        }

        boolean accepts() {
            return status >= 200 && status < 300 && delay.isZero();
        }
    }

    /** One received request: when, its headers (lower-case names), raw body, and how it was answered. */
    public record Request(Instant receivedAt, Map<String, String> headers, byte[] body, Reply reply) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public List<JsonNode> events() {
            List<JsonNode> events = new ArrayList<>();
            json().get("events").forEach(events::add);
            return events;
        }

        public List<String> eventIds() {
            return events().stream().map(e -> e.get("id").asText()).toList();
        }

        /** Whether the receiver accepted it (a prompt 2xx), so the sender saw it delivered. */
        public boolean accepted() {
            return reply.accepts();
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntFunction<Reply> replies = n -> Reply.status(200);

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to register as the webhook. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answers the n-th request (0-based, counted from now on) as {@code replies} says. */
    public void replyWith(IntFunction<Reply> replies) {
        count.set(0);
        this.replies = replies;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests the receiver accepted, in arrival order. */
    public List<Request> accepted() {
        return requests.stream().filter(Request::accepted).toList();
    }

    /** Ids of the events in accepted requests, in arrival order. */
    public List<String> acceptedEventIds() {
        return accepted().stream().flatMap(r -> r.eventIds().stream()).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant at = Instant.now();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Reply reply = replies.apply(count.getAndIncrement());
        requests.add(new Request(at, headers, body, reply));
        try {
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay());
            }
            exchange.sendResponseHeaders(reply.status(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The sender gave up waiting and closed the connection.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
