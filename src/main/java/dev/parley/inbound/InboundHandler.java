package dev.parley.inbound;

import dev.parley.common.Blocking;
import dev.parley.common.Ids;
import dev.parley.common.MessageContent;
import dev.parley.device.Device;
import dev.parley.driver.IncomingMessage;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import dev.parley.plan.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * Stores what a device receives and raises {@code message:in:new}. Only plans with incoming (I/O) expose
 * incoming messages: on other plans they are counted ({@code inboundHidden} in the device's usage) and
 * dropped, so upgrading later does not reveal old conversations by surprise.
 */
@ApplicationScoped
public class InboundHandler {

    private static final Logger LOG = Logger.getLogger(InboundHandler.class);

    private final InboundStore store;
    private final EventOutbox outbox;
    private final Clock clock;

    public InboundHandler(InboundStore store, EventOutbox outbox, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Handles one incoming message of a device on the given plan (the caller knows both, so this
     * package needs no device lookup); blocking, for the connector's own threads.
     */
    public void handle(Device device, Plan plan, IncomingMessage incoming) {
        String deviceId = device.id;
        if (plan == null || !plan.incoming) {
            Blocking.await(store.countHidden(deviceId, incoming.at()));
            return;
        }
        InboundMessage message = new InboundMessage(
                // Derived from WhatsApp's id: a retried handling stores the same message, not a second one.
                Ids.derived(incoming.at(), deviceId + "#" + incoming.waId()), device.accountId, deviceId,
                incoming.chat(), incoming.from(), incoming.text(), incoming.waId(), incoming.quotedWaId(),
                incoming.at(), media(incoming));
        Blocking.await(store.insert(message));
        Blocking.await(store.countShown(deviceId, incoming.at()));
        Blocking.await(outbox.append(outbox.create(EventTypes.MESSAGE_IN_NEW, device.accountId, deviceId, message)));
        LOG.debugf("Incoming message=%s device=%s", message.id(), deviceId);
    }

    private static InboundMessage.Media media(IncomingMessage incoming) {
        MessageContent.Media m = incoming.content() == null ? null : incoming.content().media();
        return m == null ? null : new InboundMessage.Media(m.type() == null ? null : m.type().name(), m.file(),
                m.filename());
    }
}
