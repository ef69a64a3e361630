package dev.parley.connector;

import dev.parley.driver.WhatsAppDriver;
import dev.parley.linking.DeviceCommandStore;
import dev.parley.queue.OutboundQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The process-wide services a connector works with. A second connector in one process (a test of shard
 * sharing) is given its own driver and a sender that sends through it; everything else is shared.
 */
record ConnectorServices(OutboundQueue queue, MessageSender sender, HeldMessages held, DeviceDirectory directory,
                         DeviceEventRecorder recorder, WhatsAppDriver driver, DeviceCommandStore commands, Clock clock) {

    /** The application connector's services. */
    @ApplicationScoped
    static class Producer {

        @Produces
        @Singleton
        ConnectorServices services(OutboundQueue queue, MessageSender sender, HeldMessages held,
                                   DeviceDirectory directory, DeviceEventRecorder recorder, WhatsAppDriver driver,
                                   DeviceCommandStore commands, Clock clock) {
            return new ConnectorServices(queue, sender, held, directory, recorder, driver, commands, clock);
        }
    }
}
