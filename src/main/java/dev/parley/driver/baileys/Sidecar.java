package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running sidecar process and its NDJSON channel (engine/baileys/PROTOCOL.md): requests with ids whose
 * answers complete futures, and everything else the sidecar writes (events and auth calls) handed to a
 * {@link Handler} on the reader thread, in the order written. stderr goes to the log.
 */
final class Sidecar {

    private static final Logger LOG = Logger.getLogger(Sidecar.class);
    private static final Logger NODE_LOG = Logger.getLogger("dev.parley.driver.baileys.node");

    /** What the sidecar says besides answers; called on the reader thread, so it must not block. */
    interface Handler {
        void onEvent(Sidecar sidecar, ObjectNode event);

        void onCall(Sidecar sidecar, ObjectNode call);

        /** The process ended (crash, kill or orderly exit); every pending request has failed already. */
        void onExit(Sidecar sidecar, int exitCode);
    }

    /** The sidecar is gone: no answer will come. */
    static final class SidecarGone extends RuntimeException {
        SidecarGone(String message) {
            super(message);
        }
    }

    private final ObjectMapper json;
    private final Handler handler;
    private final Process process;
    private final Writer stdin;
    private final Map<String, CompletableFuture<ObjectNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<ObjectNode> ready = new CompletableFuture<>();
    private final int generation;
    private volatile boolean gone;

    private Sidecar(ObjectMapper json, Handler handler, Process process, int generation) {
        this.json = json;
        this.handler = handler;
        this.process = process;
        this.generation = generation;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts {@code command} with {@code env} added to this process's environment. */
    static Sidecar start(List<String> command, Map<String, String> env, ObjectMapper json, Handler handler,
                         int generation) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Sidecar sidecar = new Sidecar(json, handler, builder.start(), generation);
        sidecar.startThreads();
        return sidecar;
    }

    private void startThreads() {
        String name = "baileys-sidecar-" + generation;
        Thread.ofPlatform().name(name + "-out").daemon().start(this::readStdout);
        Thread.ofPlatform().name(name + "-err").daemon().start(this::readStderr);
        process.onExit().thenRun(() -> {
            gone = true;
            SidecarGone cause = new SidecarGone("the sidecar (pid " + pid() + ") exited with " + process.exitValue());
            ready.completeExceptionally(cause);
            pending.values().forEach(f -> f.completeExceptionally(cause));
            pending.clear();
            handler.onExit(this, process.exitValue());
        });
    }

    long pid() {
        return process.pid();
    }

    int generation() {
        return generation;
    }

    boolean alive() {
        return !gone && process.isAlive();
    }

    /** Completes with the {@code ready} event. */
    CompletableFuture<ObjectNode> ready() {
        return ready;
    }

    /** Sends a request; the future completes with the response line ({@code ok} true or false). */
    CompletableFuture<ObjectNode> request(String op, ObjectNode fields) {
        String id = Long.toString(ids.incrementAndGet());
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        if (gone) {
            answer.completeExceptionally(new SidecarGone("the sidecar is gone"));
            return answer;
        }
        pending.put(id, answer);
        answer.whenComplete((r, e) -> pending.remove(id));
        ObjectNode line = json.createObjectNode().put("id", id).put("op", op);
        line.setAll(fields);
        if (!write(line)) {
            answer.completeExceptionally(new SidecarGone("cannot write to the sidecar"));
        }
        return answer;
    }

    /** Answers one of the sidecar's auth calls. */
    void answer(ObjectNode answer) {
        write(answer);
    }

    private boolean write(ObjectNode line) {
        try {
            String text = json.writeValueAsString(line) + "\n";
            synchronized (stdin) {
                stdin.write(text);
                stdin.flush();
            }
            return true;
        } catch (IOException e) {
            LOG.debugf("Cannot write to sidecar %d: %s", pid(), e.getMessage());
            return false;
        }
    }

    /** Closes stdin (the sidecar ends its sockets and exits), and kills it if it has not exited in {@code waitMillis}. */
    void stop(long waitMillis) {
        try {
            synchronized (stdin) {
                stdin.close();
            }
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    dispatch(line);
                }
            }
        } catch (IOException e) {
            LOG.debugf("Sidecar %d stdout closed: %s", pid(), e.getMessage());
        }
    }

    private void dispatch(String line) {
        ObjectNode msg;
        try {
            JsonNode node = json.readTree(line);
            if (!(node instanceof ObjectNode object)) {
                throw new IOException("not an object");
            }
            msg = object;
        } catch (IOException e) {
            LOG.warnf("Sidecar %d wrote a line that is not protocol JSON (%d chars); ignored", pid(), line.length());
            return;
        }
        try {
            if (msg.has("re")) {
                CompletableFuture<ObjectNode> answer = pending.remove(msg.get("re").asText());
                if (answer != null) {
                    answer.complete(msg);
                }
            } else if (msg.has("op")) {
                handler.onCall(this, msg);
            } else if (msg.has("ev")) {
                if ("ready".equals(msg.path("ev").asText())) {
                    ready.complete(msg);
                }
                handler.onEvent(this, msg);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Handling a line of sidecar %d failed", pid());
        }
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                // pino levels: 40 warn, 50 error, 60 fatal; console.* lines carry none
                int level = levelOf(line);
                if (level >= 40) {
                    NODE_LOG.warnf("[sidecar %d] %s", pid(), line);
                } else {
                    NODE_LOG.debugf("[sidecar %d] %s", pid(), line);
                }
            }
        } catch (IOException e) {
            LOG.debugf("Sidecar %d stderr closed: %s", pid(), e.getMessage());
        }
    }

    private static int levelOf(String line) {
        int at = line.indexOf("\"level\":");
        if (at < 0 || at + 10 > line.length()) {
            return 30;
        }
        char tens = line.charAt(at + 8);
        return Character.isDigit(tens) ? (tens - '0') * 10 : 30;
    }
}
