package dev.parley.billing;

import dev.parley.account.Caller;
import dev.parley.common.Blocking;
import dev.parley.common.QueryParams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The account's billing: customer details and tax, devices with their subscriptions, invoices (billing on). */
@Path("/v1/billing")
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {

    private final BillingOverview overview;
    private final CustomerTaxes taxes;
    private final Caller caller;

    public BillingResource(BillingOverview overview, CustomerTaxes taxes, Caller caller) {
        this.overview = overview;
        this.taxes = taxes;
        this.caller = caller;
    }

    // Not @Blocking: the token filter must run on the event loop; Stripe calls go to a worker through offLoop.

    /** The customer, and each billed device with its plan, status, period end and next invoice's amount. */
    @GET
    public Uni<BillingOverview.View> get() {
        String account = caller.accountId();
        return Blocking.offLoop(() -> overview.of(account));
    }

    /** Sets country, address and VAT number; the tax they decide applies from each subscription's next invoice. */
    @PUT
    @Path("customer")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<BillingOverview.Customer> customer(CustomerTaxes.CustomerRequest body) {
        String account = caller.accountId();
        return Blocking.offLoop(() -> BillingOverview.customer(taxes.update(account, body)));
    }

    /** The account's invoices from Stripe, newest first, with links to their PDF and hosted page. */
    @GET
    @Path("invoices")
    public Uni<List<BillingGateway.Invoice>> invoices(@QueryParam("size") String size) {
        String account = caller.accountId();
        int limit = QueryParams.size(size, 20, 100);
        return Blocking.offLoop(() -> overview.invoices(account, limit));
    }
}
