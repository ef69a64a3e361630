package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback webhook receiver: notes when each event arrived, in arrival order, and answers 200. */
final class WebhookCatcher implements AutoCloseable {

    /** An event as received: its id, its createdAt stamp, the message it is about, and when it arrived. */
    record Arrival(String eventId, Instant createdAt, String messageId, Instant arrivedAt) {
    }

    private final HttpServer server;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

    WebhookCatcher() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            Instant arrived = Instant.now();
            try (exchange) {
                JsonNode body = Api.JSON.readTree(exchange.getRequestBody());
                for (JsonNode event : body.path("events")) {
                    arrivals.add(new Arrival(event.path("id").asText(), Api.instant(event.path("createdAt")),
                            event.path("data").path("id").asText(), arrived));
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
