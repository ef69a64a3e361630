package dev.parley.account;

import dev.parley.error.ApiException;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated account of the current request and what its token may do, set by {@link ApiAuthFilter}. */
@RequestScoped
public class Caller {

    private Access access;

    void authenticate(Access access) {
        this.access = access;
    }

    /** The caller's account id; 401 when the request carried no valid token. */
    public String accountId() {
        return access().accountId();
    }

    /** The caller's account, device limit and read-only flag; 401 when the request carried no valid token. */
    public Access access() {
        if (access == null) {
            throw ApiException.unauthorized("Send a valid API token in the Token header or the token query parameter");
        }
        return access;
    }
}
