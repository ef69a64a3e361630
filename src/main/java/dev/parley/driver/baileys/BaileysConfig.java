package dev.parley.driver.baileys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** Settings of the Baileys engine ({@code parley.driver.type=baileys}): its Node.js sidecar and its session store. */
@ConfigMapping(prefix = "parley.driver.baileys")
public interface BaileysConfig {

    /** The Node.js 20+ executable that runs the sidecar. */
    @WithDefault("node")
    String node();

    /** The sidecar's entry point (engine/baileys/src/sidecar.js; in the connector image, $PARLEY_BAILEYS_SIDECAR). */
    @WithDefault("${PARLEY_BAILEYS_SIDECAR:engine/baileys/src/sidecar.js}")
    String sidecar();

    /** Log level of the sidecar (pino: trace, debug, info, warn, error); its stderr reaches our log. */
    @WithDefault("warn")
    String logLevel();

    /** How long the sidecar may take from being started to saying {@code ready}. */
    @WithDefault("30s")
    Duration startTimeout();

    /** How long a request other than {@code send} may wait for its answer. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** How long a {@code send} may wait; longer than the sidecar's own 60 s send timeout. */
    @WithDefault("75s")
    Duration sendTimeout();

    /** Period of the {@code ping} heartbeat. */
    @WithDefault("5s")
    Duration heartbeatEvery();

    /** A sidecar that answered no ping for this long is hung: it is killed and restarted. */
    @WithDefault("15s")
    Duration heartbeatTimeout();

    /** First delay before restarting a dead sidecar; doubles per consecutive failure. */
    @WithDefault("1s")
    Duration restartBackoff();

    /** Longest delay between restarts of a sidecar that keeps dying. */
    @WithDefault("30s")
    Duration restartBackoffMax();

    /** The DynamoDB table holding every device's session (creds and signal keys), encrypted. */
    @WithDefault("${parley.aws.table-prefix:parley-}sessions")
    String sessionsTable();

    /**
     * The local data key that encrypts session values (32 random bytes, created with mode 0600 when missing).
     * Keep it with the data directory's backups: without it, every linked device must be linked again.
     */
    @WithDefault("${parley.data:data}/session.key")
    Path keyFile();

    /**
     * The AWS KMS key (id, ARN or alias) that wraps the data key of session values; when set, {@link #keyFile()} is
     * not used. The connector needs {@code kms:GenerateDataKey} and {@code kms:Decrypt} on it (template.yaml).
     */
    java.util.Optional<String> kmsKey();
}
