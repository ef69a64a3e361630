package dev.parley.file;

/** An account's file storage: bytes stored (each distinct content once), its quota, what is free, and file count. */
public record FileUsage(long usedBytes, long quotaBytes, long freeBytes, long files) {
}
