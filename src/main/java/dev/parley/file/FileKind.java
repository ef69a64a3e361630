package dev.parley.file;

/** What a file is for WhatsApp: decides how a media message shows it and which size limit applies. */
public enum FileKind {
    image, audio, video, gif, document, archive;

    /** The kind's size limit, in bytes. */
    public long limit(FilesConfig.Limits limits) {
        return switch (this) {
            case image -> limits.imageBytes();
            case audio -> limits.audioBytes();
            case video, gif -> limits.videoBytes();
            case document -> limits.documentBytes();
            case archive -> limits.archiveBytes();
        };
    }

    /** Largest limit of any kind: no upload may exceed it, whatever it turns out to be. */
    public static long largestLimit(FilesConfig.Limits limits) {
        long max = 0;
        for (FileKind kind : values()) {
            max = Math.max(max, kind.limit(limits));
        }
        return max;
    }
}
