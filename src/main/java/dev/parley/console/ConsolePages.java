package dev.parley.console;

import dev.parley.account.Access;
import dev.parley.billing.BillingConfig;
import dev.parley.common.Blocking;
import dev.parley.error.ApiException;
import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** What every console page shares: its template with the session's form token, errors shown by field. */
@ApplicationScoped
public class ConsolePages {

    private final Engine engine;
    private final Signed signed;
    private final ConsoleConfig config;
    private final BillingConfig billing;

    public ConsolePages(Engine engine, Signed signed, ConsoleConfig config, BillingConfig billing) {
        this.engine = engine;
        this.signed = signed;
        this.config = config;
        this.billing = billing;
    }

    /**
     * The page's template with what the layout needs; {@code error} and {@code field} come from a failed form
     * (see {@link #failed}), so the page shows the API's words next to the field they name.
     */
    public TemplateInstance page(String name, String error, String field) {
        return engine.getTemplate("console/" + name).instance()
                .data("csrf", signed.csrf())
                .data("page", name)
                .data("billing", billing.enabled())
                .data("refreshMillis", config.refresh().toMillis())
                .data("error", error)
                .data("field", field == null ? "" : field);
    }

    /** The signed-in account's full access: the console acts as the account's owner. */
    public Access access() {
        return Access.full(signed.accountId());
    }

    public String accountId() {
        return signed.accountId();
    }

    /** Runs a service call on its context and waits: console resources run on worker threads. */
    public <T> T call(Supplier<Uni<T>> work) {
        return Blocking.onContext(work);
    }

    public void checkCsrf(String csrf) {
        signed.checkCsrf(csrf);
    }

    /** Checks the form token, runs the action and goes to {@code next}; an API error goes back to {@code back}. */
    public Response post(String csrf, String back, Supplier<String> action) {
        signed.checkCsrf(csrf);
        try {
            return Response.seeOther(URI.create(action.get())).build();
        } catch (ApiException e) {
            return failed(back, e);
        }
    }

    /** Back to the form's page with the problem's detail and field in the query, shown by the page. */
    public static Response failed(String back, ApiException e) {
        String sep = back.contains("?") ? "&" : "?";
        return Response.seeOther(URI.create(back + sep + "error=" + enc(e.getMessage())
                + (e.field() == null ? "" : "&field=" + enc(e.field())))).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
