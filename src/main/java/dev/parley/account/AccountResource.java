package dev.parley.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.time.Instant;
import java.util.List;

/** The caller's own account and its API tokens. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountService accounts;
    private final TokenService tokens;
    private final Caller caller;

    public AccountResource(AccountService accounts, TokenService tokens, Caller caller) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.caller = caller;
    }

    /** An account as the API shows it. */
    public record AccountView(String id, String name, String email, Instant createdAt) {
        public static AccountView of(Account a) {
            return new AccountView(a.id, a.name, a.email, a.createdAt);
        }
    }

    /** A token as the API shows it; {@code token} is present only in the answer that created it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenView(String id, String name, String prefix, List<String> devices, boolean readOnly,
                            Instant createdAt, String token) {
        public static TokenView of(ApiToken t) {
            return issued(t, null);
        }

        public static TokenView issued(TokenService.IssuedToken issued) {
            return issued(issued.token(), issued.plain());
        }

        private static TokenView issued(ApiToken t, String plain) {
            return new TokenView(t.id, t.name, t.prefix, t.devices == null ? null : List.of(t.devices), t.readOnly,
                    t.createdAt, plain);
        }
    }

    /**
     * Body of a token creation.
     *
     * @param devices  ids of the devices the token is limited to; absent for every device
     * @param readOnly whether the token may only read (GET)
     */
    public record CreateToken(String name, List<String> devices, Boolean readOnly) {
    }

    @GET
    @Path("account")
    public Uni<AccountView> account() {
        return accounts.get(caller.accountId()).map(AccountView::of);
    }

    @POST
    @Path("tokens")
    @ResponseStatus(201)
    public Uni<TokenView> createToken(CreateToken body) {
        TokenService.Limits limits = body == null ? TokenService.Limits.NONE
                : new TokenService.Limits(body.devices(), Boolean.TRUE.equals(body.readOnly()));
        return tokens.issue(caller.accountId(), body == null ? null : body.name(), limits).map(TokenView::issued);
    }

    @GET
    @Path("tokens")
    public Uni<List<TokenView>> listTokens() {
        return tokens.list(caller.accountId()).map(list -> list.stream().map(TokenView::of).toList());
    }

    @DELETE
    @Path("tokens/{id}")
    public Uni<Void> revokeToken(@PathParam("id") String id) {
        return tokens.revoke(caller.accountId(), id);
    }
}
