package dev.parley.support;

import dev.parley.driver.OutboundMessage;
import dev.parley.driver.PastSend;
import dev.parley.driver.SendResult;
import dev.parley.driver.sandbox.SandboxConfig;
import dev.parley.driver.sandbox.SandboxDriver;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox network in tests (it replaces the sandbox bean, so the operator endpoints and every test see this
 * one), except that tests can make one device's sends fail the ways a real engine may: throw after or before the
 * network took the message, hang until interrupted, or forget what it sent. A singleton: a subclass of a
 * constructor-injected bean cannot be proxied.
 */
@Alternative
@Priority(1)
@Singleton
// Not a WhatsAppDriver bean of its own: DriverSelection hands it out when the sandbox is chosen, and a test
// profile that chooses Baileys gets Baileys.
@Typed({FaultyDriver.class, SandboxDriver.class})
public class FaultyDriver extends SandboxDriver {

    /** What the next send of a device does wrong. */
    public enum Fault {
        /** The network takes the message, then the driver throws (a lost answer). */
        THROW_AFTER_SENDING,
        /** The driver throws before the message reaches the network. */
        THROW_BEFORE_SENDING,
        /** The network takes the message, and the driver's answer waits until the thread is interrupted. */
        HANG_UNTIL_INTERRUPTED
    }

    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Set<String> forgetful = ConcurrentHashMap.newKeySet();

    public FaultyDriver(SandboxConfig config, Clock clock) {
        super(config, clock);
    }

    /** The next send of {@code deviceId} goes wrong as {@code fault}; later ones work. */
    public void failNextSend(String deviceId, Fault fault) {
        faults.put(deviceId, fault);
    }

    /** Lookups of {@code deviceId}'s past sends answer unknown, as an engine without a send journal would. */
    public void forgetSends(String deviceId) {
        forgetful.add(deviceId);
    }

    @Override
    public SendResult send(String deviceId, OutboundMessage message) {
        Fault fault = faults.remove(deviceId);
        if (fault == Fault.THROW_BEFORE_SENDING) {
            throw new IllegalStateException("simulated engine failure before sending");
        }
        SendResult result = super.send(deviceId, message);
        if (fault == Fault.THROW_AFTER_SENDING) {
            throw new IllegalStateException("simulated engine failure after sending");
        }
        if (fault == Fault.HANG_UNTIL_INTERRUPTED) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // answer late, as a slow engine would, with the interrupt kept
            }
        }
        return result;
    }

    @Override
    public PastSend lookUpSend(String deviceId, String messageId, Instant since) {
        return forgetful.contains(deviceId) ? new PastSend.Unknown() : super.lookUpSend(deviceId, messageId, since);
    }
}
