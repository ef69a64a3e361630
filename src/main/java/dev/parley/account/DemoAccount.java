package dev.parley.account;

import dev.parley.common.Ids;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Creates a demo account and token on the first start of {@code make run} and prints how to send a
 * first message. The token is printed once: only its hash is stored. On a later start (the data was
 * kept) it says where the data lives and how to get a new token ({@code make token}).
 */
@ApplicationScoped
public class DemoAccount {

    private final AccountService accounts;
    private final int port;
    private final Optional<String> dataDir;

    public DemoAccount(AccountService accounts, @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port,
                       @ConfigProperty(name = "parley.data") Optional<String> dataDir) {
        this.accounts = accounts;
        this.port = port;
        this.dataDir = dataDir;
    }

    public void ensure() {
        try {
            long existing = VertxContextSupport.subscribeAndAwait(accounts::count);
            if (existing > 0) {
                Thread.ofVirtual().name("demo-banner").start(() -> {
                    awaitListening();
                    System.out.println(restartBanner(port, dataDir));
                });
                return;
            }
            AccountService.CreatedAccount created = VertxContextSupport.subscribeAndAwait(
                    () -> accounts.create("Demo", "demo@example.com"));
            String token = created.token().plain();
            // The console password is printed once, like the token; only its Argon2id hash is kept.
            String password = Ids.secret(12);
            VertxContextSupport.subscribeAndAwait(() -> accounts.setConsolePassword(created.account().id, password));
            // Start-up observers run before the HTTP server listens: print once it does, so the recipe works at once.
            Thread.ofVirtual().name("demo-banner").start(() -> {
                awaitListening();
                print(token, password);
            });
        } catch (Throwable t) {
            throw new IllegalStateException("Could not create the demo account", t);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** What a start on kept data prints: the token was shown on the first start only. */
    static String restartBanner(int port, Optional<String> dataDir) {
        String base = "http://localhost:" + port;
        String where = dataDir.filter(dir -> !dir.isBlank()).map(dir -> " in " + dir).orElse("");
        return """

                ================================================================================
                 Parley is running on %1$s  (sandbox WhatsApp network)
                 Data kept from an earlier run%2$s: accounts, tokens, devices and messages.
                 The demo token printed on the first start still works. Lost it? `make token`
                 prints a new one; `make reset` deletes the data and starts over.

                 OpenAPI: %1$s/q/openapi   Health: %1$s/q/health   Metrics: %1$s/q/metrics
                ================================================================================
                """.formatted(base, where);
    }

    private void print(String token, String password) {
        String base = "http://localhost:" + port;
        String banner = """

                ================================================================================
                 Parley is running on %1$s  (sandbox WhatsApp network)
                 Demo account created. Its API token and console password, shown only this once:

                   export TOKEN=%2$s
                   Console: %1$s/console  (email demo@example.com, password %3$s)

                 Add a device, send a first message, read its status:

                   curl -s -X POST %1$s/v1/devices -H "Token: $TOKEN" -H 'Content-Type: application/json' \\
                        -d '{"name":"Demo phone","phone":"+447911123456","plan":"business"}'
                   curl -s -X POST %1$s/v1/messages -H "Token: $TOKEN" -H 'Content-Type: application/json' \\
                        -d '{"phone":"+447911123001","message":"Hello from Parley"}'
                   curl -s %1$s/v1/messages -H "Token: $TOKEN"

                 OpenAPI: %1$s/q/openapi   Health: %1$s/q/health   Metrics: %1$s/q/metrics
                ================================================================================
                """.formatted(base, token, password);
        System.out.println(banner);
    }
}
