package dev.parley.account;

import dev.parley.error.ApiException;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated account of the current request, set by {@link ApiAuthFilter}. */
@RequestScoped
public class Caller {

    private String accountId;

    void authenticate(String accountId) {
        this.accountId = accountId;
    }

    /** The caller's account id; 401 when the request carried no valid token. */
    public String accountId() {
        if (accountId == null) {
            throw ApiException.unauthorized("Send a valid API token in the Token header or the token query parameter");
        }
        return accountId;
    }
}
