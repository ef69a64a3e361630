package dev.parley.file.http;

import dev.parley.error.ApiException;
import dev.parley.file.FileService;
import dev.parley.file.FileUsage;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operator-only: an account's file quota (authorized by the Operator-Key header like every /v1/operator path). */
@Path("/v1/operator/files/quotas/{accountId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OperatorFileQuotaResource {

    private final FileService files;

    public OperatorFileQuotaResource(FileService files) {
        this.files = files;
    }

    /** Body: the account's quota in bytes, or null for the default {@code parley.files.quota-bytes}. */
    public record QuotaUpdate(Long quotaBytes) {
    }

    @GET
    public Uni<FileUsage> get(@PathParam("accountId") String accountId) {
        return FileResource.blocking(() -> files.usage(accountId));
    }

    @PUT
    public Uni<FileUsage> set(@PathParam("accountId") String accountId, QuotaUpdate body) {
        if (body == null) {
            throw ApiException.invalid("quotaBytes", "quotaBytes is required (null for the default)");
        }
        return FileResource.blocking(() -> {
            try {
                return files.setQuota(accountId, body.quotaBytes());
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("foreign key")
                        || String.valueOf(e.getCause()).contains("foreign key")) {
                    throw ApiException.notFound("Account " + accountId, "accountId");
                }
                throw e;
            }
        });
    }
}
