package dev.parley.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Blocking;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;

import java.util.UUID;

/** The SQS queue against ElasticMQ, on queues of its own that no connector polls. */
@QuarkusTest
class SqsOutboundQueueTest implements OutboundQueueContract {

    @Inject
    SqsAsyncClient sqs;
    @Inject
    ObjectMapper json;

    private String prefix;

    @Override
    public int maxReceives() {
        return 3;
    }

    @Override
    public OutboundQueue newQueue() {
        prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        SqsOutboundQueue queue = new SqsOutboundQueue(sqs, json, prefix, maxReceives());
        queue.provision(1);
        return queue;
    }

    @Override
    public void enqueueUnreadable(OutboundQueue queue, QueueAddress address, String body) {
        String url = Blocking.await(sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(address.name(prefix))
                .build())).queueUrl();
        Blocking.await(sqs.sendMessage(b -> b.queueUrl(url).messageBody(body)));
    }
}
