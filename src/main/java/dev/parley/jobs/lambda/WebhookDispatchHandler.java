package dev.parley.jobs.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.webhook.WebhookDispatcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Map;

/**
 * Lambda entry point of the webhook dispatcher. On AWS it fires twice over: from the events table's
 * DynamoDB stream (batches of new events, so receivers hear within seconds) and from a one-minute
 * EventBridge schedule (retries, and endpoints enabled again). Either way it runs one sweep, which is
 * idempotent: endpoint cursors only move after a batch was delivered.
 */
@ApplicationScoped
@Named(JobHandlers.WEBHOOK_DISPATCH)
public class WebhookDispatchHandler implements RequestHandler<Map<String, Object>, JobResult> {

    private final WebhookDispatcher dispatcher;

    public WebhookDispatchHandler(WebhookDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public JobResult handleRequest(Map<String, Object> streamOrScheduledEvent, Context context) {
        return new JobResult(JobHandlers.WEBHOOK_DISPATCH, dispatcher.run());
    }
}
