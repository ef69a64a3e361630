package dev.parley.operator;

import dev.parley.account.AccountResource.AccountView;
import dev.parley.account.AccountResource.TokenView;
import dev.parley.account.AccountService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Operator-only account administration, authorized by the Operator-Key header. */
@Path("/v1/operator/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OperatorAccountResource {

    private final AccountService accounts;

    public OperatorAccountResource(AccountService accounts) {
        this.accounts = accounts;
    }

    /** Body of an account creation. */
    public record CreateAccount(String name, String email) {
    }

    /** A created account with its first token, shown in plain text this once. */
    public record CreatedAccountView(AccountView account, TokenView token) {
    }

    @POST
    @ResponseStatus(201)
    public Uni<CreatedAccountView> create(CreateAccount body) {
        if (body == null) {
            throw dev.parley.error.ApiException.invalid("name", "name is required");
        }
        return accounts.create(body.name(), body.email()).map(created ->
                new CreatedAccountView(AccountView.of(created.account()), TokenView.issued(created.token())));
    }

    /** Body of a console password change. */
    public record ConsolePassword(String password) {
    }

    /** Sets the account's console password: its owner then signs in at /console with the account's email. */
    @PUT
    @Path("{id}/console-password")
    public Uni<AccountView> setConsolePassword(@PathParam("id") String id, ConsolePassword body) {
        return accounts.setConsolePassword(id, body == null ? null : body.password()).map(AccountView::of);
    }
}
