package dev.parley.file;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of file storage: the bucket, quotas, per-kind size limits, URL fetching and the cleanup job. */
@ConfigMapping(prefix = "parley.files")
public interface FilesConfig {

    /** S3 bucket holding every account's files (the MediaBucket of template.yaml on AWS). */
    @WithDefault("parley-files")
    String bucket();

    /** Size of each part of a multipart upload to S3, in bytes (S3's minimum is 5 MiB); also the heap one upload holds. */
    @WithDefault("8388608")
    int partSizeBytes();

    /** How long an uploaded file is kept when the upload names no expiry. */
    @WithDefault("30d")
    Duration defaultExpiry();

    /**
     * How long a file fetched for a message's {@code media.url} is kept; the cleanup job keeps it longer while
     * the message waits (scheduled or queued).
     */
    @WithDefault("1d")
    Duration mediaUrlExpiry();

    /** Latest expiry an upload may ask for, from now. */
    @WithDefault("3650d")
    Duration maxExpiry();

    /** Bytes of stored files an account may hold unless the operator set its own quota. */
    @WithDefault("1073741824")
    long quotaBytes();

    /** Largest file of each kind, in bytes (WhatsApp's own limits by default). */
    Limits limits();

    /** Per-kind size limits, in bytes. */
    interface Limits {
        /** Images (jpeg, png, bmp, webp). */
        @WithDefault("5242880")
        long imageBytes();

        /** Audio (mp3, ogg). */
        @WithDefault("16777216")
        long audioBytes();

        /** Video and gif (mp4). */
        @WithDefault("16777216")
        long videoBytes();

        /** Documents (pdf, doc, docx, xls, xlsx, epub, txt). */
        @WithDefault("104857600")
        long documentBytes();

        /** Archives (zip, tar, gzip, rar). */
        @WithDefault("104857600")
        long archiveBytes();
    }

    /** Fetching files from URLs; private targets follow {@code parley.webhooks.allowed-private-cidrs}. */
    Fetch fetch();

    /** Fetching files from URLs. */
    interface Fetch {
        /** Whether fetched URLs (and every redirect) must use https. */
        @WithDefault("true")
        boolean requireHttps();

        /** Connect timeout of one fetch. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest a whole fetch (all redirects and the body) may take. */
        @WithDefault("60s")
        Duration timeout();

        /** Most redirects followed, each re-checked. */
        @WithDefault("5")
        int maxRedirects();
    }

    /** The expired-file cleanup job. */
    Cleanup cleanup();

    /** The expired-file cleanup job. */
    interface Cleanup {
        /** How often the scheduler runs it locally (a daily EventBridge schedule on AWS). */
        @WithDefault("24h")
        Duration every();

        /** Expired files handled per page. */
        @WithDefault("100")
        int pageSize();
    }

    /** Largest page of a file listing. */
    @WithDefault("100")
    int maxPageSize();

}
