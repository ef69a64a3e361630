package dev.parley.app;


import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types that Jackson reads or writes outside a REST signature (queue bodies, bulk items, idempotency
 * fingerprints, Lambda results, webhook bodies), registered for reflection so native executables can (de)serialize them.
 * REST request and response types are registered by Quarkus itself.
 */
@RegisterForReflection(targets = {
        dev.parley.queue.QueuedMessage.class,
        dev.parley.message.SendMessageRequest.class,
        dev.parley.message.SendMessageRequest.Expiration.class,
        dev.parley.message.SendMessageRequest.Media.class,
        dev.parley.message.SendMessageRequest.Location.class,
        dev.parley.common.MessageContent.class,
        dev.parley.common.MessageContent.Media.class,
        dev.parley.common.MessageContent.Location.class,
        dev.parley.message.MessageView.class,
        dev.parley.message.MessagePage.class,
        dev.parley.message.BulkService.BulkResult.class,
        dev.parley.message.BulkService.ItemResult.class,
        dev.parley.error.Problem.class,
        dev.parley.jobs.lambda.JobResult.class,
        dev.parley.driver.sandbox.SandboxDriver.SentMessage.class,
        dev.parley.event.Event.class
})
public final class NativeReflection {

    private NativeReflection() {
    }
}
