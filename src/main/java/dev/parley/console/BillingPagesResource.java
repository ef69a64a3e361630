package dev.parley.console;

import dev.parley.billing.BillingConfig;
import dev.parley.billing.BillingGateway;
import dev.parley.billing.BillingOverview;
import dev.parley.billing.CustomerTaxes;
import dev.parley.billing.PlanChanges;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
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

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The console's billing page when billing is on: each device's plan, status and next amount, the customer's VAT
 * details, the invoices with their PDFs, and a plan change previewed (the prorated amount, or the date a downgrade
 * becomes possible) before it is made. The same services as {@code /v1/billing} answer, so the rules are the API's.
 */
@Path("/console/billing")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class BillingPagesResource {

    /** A device's billing as the page shows it: amounts in the currency's units. */
    public record DeviceRow(String id, String name, String plan, String status, String periodEnd, String nextAmount) {
    }

    /** An invoice as the page shows it. */
    public record InvoiceRow(String id, String created, String status, String total, String tax, String pdfUrl,
                             String hostedUrl) {
    }

    /** A previewed plan change as the page shows it. */
    public record ChangeView(String device, String name, String from, String to, boolean upgrade, boolean allowed,
                             String allowedFrom, String prorationDate, String amount, String amountDue) {
    }

    private static final int INVOICES = 24;

    private final ConsolePages pages;
    private final BillingConfig config;
    private final BillingOverview overview;
    private final CustomerTaxes taxes;
    private final PlanChanges changes;
    private final DeviceService devices;

    public BillingPagesResource(ConsolePages pages, BillingConfig config, BillingOverview overview,
                                CustomerTaxes taxes, PlanChanges changes, DeviceService devices) {
        this.devices = devices;
        this.pages = pages;
        this.config = config;
        this.overview = overview;
        this.taxes = taxes;
        this.changes = changes;
    }

    @GET
    public TemplateInstance billing(@QueryParam("error") String error, @QueryParam("field") String field,
                                    @QueryParam("changed") String changed) {
        TemplateInstance page = pages.page("billing", error, field).data("enabled", config.enabled())
                .data("plans", pages.call(devices::plans).keySet().stream().sorted().toList()).data("changed", changed);
        if (!config.enabled()) {
            return page;
        }
        BillingOverview.View view = overview.of(pages.accountId());
        List<DeviceRow> devices = view.devices().stream().map(d -> new DeviceRow(d.id(), d.name(), d.plan(),
                d.billingStatus() == null ? "" : d.billingStatus().name(), day(d.periodEnd()),
                d.nextAmount() == null ? "" : money(d.nextAmount(), d.currency()))).toList();
        List<InvoiceRow> invoices = overview.invoices(pages.accountId(), INVOICES).stream().map(this::row).toList();
        BillingOverview.Customer c = view.customer();
        String tax = c.vatRate() != null ? c.vatRate().stripTrailingZeros().toPlainString() + " % VAT of " + c.country()
                : "reverse".equals(c.taxExempt()) ? "Reverse charge (verified VAT number)"
                : c.country() == null ? "Set your country to see the tax that applies" : "No VAT (outside the EU)";
        return page.data("customer", c).data("tax", tax).data("devices", devices).data("invoices", invoices);
    }

    /** Country and VAT number; Stripe verifies the number and future invoices follow the tax they decide. */
    @POST
    @Path("customer")
    public Response customer(@RestForm String csrf, @RestForm String country, @RestForm String vatNumber) {
        return pages.post(csrf, "/console/billing", () -> {
            taxes.update(pages.accountId(), new CustomerTaxes.CustomerRequest(country, null,
                    vatNumber == null || vatNumber.isBlank() ? null : vatNumber));
            return "/console/billing";
        });
    }

    /** What moving a device to {@code plan} would cost now, or when a downgrade becomes possible. */
    @GET
    @Path("devices/{id}/plan-change")
    public Response preview(@PathParam("id") String id, @QueryParam("plan") String plan) {
        try {
            PlanChanges.Outcome o = changes.preview(pages.accountId(), id, plan);
            String name = pages.call(() -> devices.get(pages.accountId(), id)).name;
            ChangeView view = new ChangeView(o.device(), name, o.fromPlan(), o.toPlan(), o.upgrade(), o.allowed(),
                    day(o.allowedFrom()), day(o.prorationDate()), money(o.amount(), o.currency()),
                    money(o.amountDue(), o.currency()));
            return Response.ok(pages.page("billing-change", null, null).data("change", view)).build();
        } catch (ApiException e) {
            return ConsolePages.failed("/console/billing", e);
        }
    }

    @POST
    @Path("devices/{id}/plan-change")
    public Response change(@PathParam("id") String id, @RestForm String csrf, @RestForm String plan) {
        return pages.post(csrf, "/console/billing", () -> {
            PlanChanges.Outcome o = changes.change(pages.accountId(), id, plan);
            return "/console/billing?changed=" + URLEncoder.encode(o.device() + " is now on " + o.toPlan(),
                    StandardCharsets.UTF_8);
        });
    }

    private InvoiceRow row(BillingGateway.Invoice i) {
        return new InvoiceRow(i.id(), day(i.created()), i.status(), money(i.total(), i.currency()),
                money(i.tax(), i.currency()), safe(i.pdfUrl()), safe(i.hostedUrl()));
    }

    /** Only web links are shown as links: the page never renders a {@code javascript:} or other scheme. */
    private static String safe(String url) {
        if (url == null) {
            return null;
        }
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            return null;
        }
        return "https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme) ? url : null;
    }

    /** Stripe's amounts are in the currency's smallest unit; every plan currency here has two decimals. */
    static String money(long amount, String currency) {
        return BigDecimal.valueOf(amount, 2).toPlainString() + " "
                + (currency == null ? "" : currency.toUpperCase(Locale.ROOT));
    }

    private static String day(Instant at) {
        return at == null ? "" : at.toString().substring(0, 10);
    }
}
