package dev.parley.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.account.AccountService;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operator-only changes to one account's limits, authorized by the Operator-Key header. */
@Path("/v1/operator/accounts/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OperatorAccountLimitsResource {

    private final AccountService accounts;

    public OperatorAccountLimitsResource(AccountService accounts) {
        this.accounts = accounts;
    }

    /** Body of a limits change: {@code maxDevices} null (or absent) returns the account to the default. */
    public record AccountLimits(Integer maxDevices) {
    }

    /** An account's limits; {@code maxDevices} is absent while the configured default applies. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccountLimitsView(String id, String name, Integer maxDevices) {
    }

    @PATCH
    public Uni<AccountLimitsView> update(@PathParam("id") String id, AccountLimits body) {
        if (body == null) {
            throw ApiException.invalid("maxDevices", "send {\"maxDevices\": n}, or null for the default");
        }
        return accounts.setMaxDevices(id, body.maxDevices())
                .map(account -> new AccountLimitsView(account.id, account.name, account.maxDevices));
    }
}
