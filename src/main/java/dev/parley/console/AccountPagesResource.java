package dev.parley.console;

import dev.parley.account.TokenService;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import dev.parley.file.FileService;
import dev.parley.file.FileUsage;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The console's account-wide pages: API tokens, and files with the quota. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class AccountPagesResource {

    private final ConsolePages pages;
    private final TokenService tokens;
    private final FileService files;
    private final DeviceService devices;

    public AccountPagesResource(ConsolePages pages, TokenService tokens, FileService files,
                                DeviceService devices) {
        this.pages = pages;
        this.tokens = tokens;
        this.files = files;
        this.devices = devices;
    }

    @GET
    @Path("tokens")
    public TemplateInstance tokens(@QueryParam("error") String error, @QueryParam("field") String field) {
        return tokensPage(error, field, null);
    }

    /** Creates a token and shows it this once, in the answer itself: it is never stored or shown again. */
    @POST
    @Path("tokens")
    public Response createToken(@RestForm String csrf, @RestForm String name, @RestForm("devices") List<String> limit,
                                @RestForm String readOnly) {
        pages.checkCsrf(csrf);
        try {
            TokenService.Limits limits = new TokenService.Limits(limit == null || limit.isEmpty() ? null : limit,
                    readOnly != null);
            TokenService.IssuedToken issued = pages.call(() -> tokens.issue(pages.accountId(), name, limits));
            return Response.ok(tokensPage(null, null, issued.plain())).build();
        } catch (ApiException e) {
            return ConsolePages.failed("/console/tokens", e);
        }
    }

    @POST
    @Path("tokens/{id}/revoke")
    public Response revokeToken(@PathParam("id") String id, @RestForm String csrf) {
        return pages.post(csrf, "/console/tokens", () -> {
            pages.call(() -> tokens.revoke(pages.accountId(), id));
            return "/console/tokens";
        });
    }

    @GET
    @Path("files")
    public TemplateInstance files(@QueryParam("error") String error, @QueryParam("field") String field) {
        FileUsage usage = files.usage(pages.accountId());
        long percent = usage.quotaBytes() == 0 ? 100 : Math.min(100, usage.usedBytes() * 100 / usage.quotaBytes());
        return pages.page("files", error, field).data("usage", usage).data("percent", percent)
                .data("files", files.list(pages.accountId(), new FileService.ListQuery(null, null, null, "100", null))
                        .data());
    }

    @POST
    @Path("files")
    public Response upload(@RestForm String csrf, @RestForm("file") FileUpload file) {
        return pages.post(csrf, "/console/files", () -> {
            if (file == null || file.uploadedFile() == null) {
                throw ApiException.invalid("file", "Choose a file to upload");
            }
            String account = pages.accountId();
            try (InputStream in = Files.newInputStream(file.uploadedFile())) {
                FileService.Staged staged = files.stage(account, in, file.fileName(), null, "file");
                files.commit(account, staged, new FileService.UploadRequest(file.fileName(), null, null, true, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return "/console/files";
        });
    }

    @POST
    @Path("files/{id}/delete")
    public Response deleteFile(@PathParam("id") String id, @RestForm String csrf) {
        return pages.post(csrf, "/console/files", () -> {
            files.delete(pages.accountId(), id);
            return "/console/files";
        });
    }

    private TemplateInstance tokensPage(String error, String field, String created) {
        return pages.page("tokens", error, field).data("created", created)
                .data("tokens", pages.call(() -> tokens.list(pages.accountId())))
                .data("devices", pages.call(() -> devices.list(pages.access())));
    }
}
