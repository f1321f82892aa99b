package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.SequenceNumber;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;
import io.runnel.server.streams.ShardReader;
import io.runnel.server.streams.Streams;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live SubscribeToShard subscriptions of this server. Each pushes its shard's records down its response as
 * {@code SubscribeToShardEvent}s, one read after another while records are there; once it has caught up it waits
 * for this server to append to the shard, or for a short poll to find what other writers appended. A
 * subscription ends after five minutes, at its shard's end (with the child shards), or when its consumer goes.
 */
public final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    static final long LIFETIME_MS = 300_000;
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    /** A second subscription of one consumer to one shard this soon after the first is refused, as on Kinesis. */
    static final long RESUBSCRIBE_MS = 5_000;
    /** How often a caught-up subscription looks for records appended through other servers or by Flink jobs. */
    private static final long IDLE_POLL_MS = 100;
    /** A caught-up subscription still sends an empty event this often, so its consumer knows it is alive. */
    private static final long HEARTBEAT_MS = 1_000;
    private static final int MAX_RECORDS = 10_000;
    /** How long a subscription that ends waits for an event being written before it cuts its consumer off. */
    private static final long WRITE_GRACE_MS = 2_000;
    /** An event carries about this much record data at most. */
    public static final int MAX_EVENT_BYTES = 1024 * 1024;

    private final ShardReader reader;
    private final io.runnel.server.metrics.RunnelMetrics metrics;
    private final Streams streams;
    /** The ARNs of a stream's registered consumers now. */
    private final java.util.function.Function<StreamMetadata, List<String>> consumers;
    private final Map<String, Subscription> live = new ConcurrentHashMap<>();
    /** The subscriptions waiting for records of a topic partition ("topic/partition"). */
    private final Map<String, Set<Subscription>> waiting = new ConcurrentHashMap<>();

    Subscriptions(ShardReader reader, Streams streams, io.runnel.server.metrics.RunnelMetrics metrics,
                  java.util.function.Function<StreamMetadata, List<String>> consumers) {
        this.reader = reader;
        this.metrics = metrics;
        this.streams = streams;
        this.consumers = consumers;
    }

    /**
     * Starts pushing the shard's records from {@code offset} down the request's response.
     *
     * @throws ApiException ResourceInUseException when the consumer subscribed to this shard under five seconds ago
     */
    void subscribe(String consumerArn, StreamMetadata stream, Shard shard, long offset, Request request, Context context) {
        String key = consumerArn + "#" + shard.index();
        Subscription next = new Subscription(key, consumerArn, stream, shard, offset, request.format(), request.response(), context);
        Subscription[] replaced = {null};
        live.compute(key, (k, previous) -> {
            if (previous != null && next.startedAt - previous.startedAt < RESUBSCRIBE_MS) {
                throw ApiException.resourceInUse("Another active subscription exists for consumer " + consumerArn
                        + " and shard " + shard.shardId() + ".");
            }
            replaced[0] = previous;
            return next;
        });
        if (replaced[0] != null) {
            // As on Kinesis, a subscription made five seconds or more after another takes over, and the other fails.
            replaced[0].end(replaced[0].exception("ResourceInUseException", "Another subscription for consumer " + consumerArn
                    + " and shard " + shard.shardId() + " has taken over this one."));
        }
        context.runOnContext(v -> next.begin());
    }

    /** Ends every subscription of a consumer, as when it is deregistered. */
    void endAll(String consumerArn) {
        live.values().stream().filter(s -> s.consumerArn.equals(consumerArn)).forEach(s -> s.end(null));
    }

    /** Tells the subscriptions waiting on a partition that this server appended to it. Called for every put. */
    void appended(String topic, int partition) {
        if (waiting.isEmpty()) {
            return;
        }
        Set<Subscription> subscribers = waiting.get(topic + "/" + partition);
        if (subscribers != null) {
            subscribers.forEach(Subscription::wake);
        }
    }

    /** What a read found, and the event that tells it (null when there is nothing to tell yet). */
    private record Delivery(ShardReader.Batch batch, Buffer event) {
    }

    private final class Subscription {
        private final String key;
        private final String consumerArn;
        /** The consumer's name, from its ARN ({@code .../consumer/NAME:creation}). */
        private final String consumerName;
        private final StreamMetadata stream;
        private final Shard shard;
        private final WireFormat format;
        private final HttpServerResponse response;
        private final Context context;
        private final String partitionKey;
        private final long startedAt = System.currentTimeMillis();
        private long offset;
        private long lastEventAt;
        private long consumerCheckedAt;
        /** This server appended to the shard while a read or a write was under way: the read may have missed it. */
        private boolean woken;
        /** A wake is on its way to the context: puts that come meanwhile need not send another. */
        private final java.util.concurrent.atomic.AtomicBoolean wakePending = new java.util.concurrent.atomic.AtomicBoolean();
        /** An event is being written; a consumer that reads no more leaves it so. */
        private boolean writing;
        /** The last event of a subscription that ended while an event was being written. */
        private Buffer lastEventAfterWrite;
        private boolean ended;
        private long timer = -1;
        private long lifetimeTimer = -1;

        Subscription(String key, String consumerArn, StreamMetadata stream, Shard shard, long offset, WireFormat format,
                     HttpServerResponse response, Context context) {
            this.key = key;
            this.consumerArn = consumerArn;
            this.consumerName = consumerArn.replaceFirst("^.*/consumer/", "").replaceFirst(":\\d+$", "");
            this.stream = stream;
            this.shard = shard;
            this.offset = offset;
            this.format = format;
            this.response = response;
            this.context = context;
            this.partitionKey = stream.topic() + "/" + shard.index();
        }

        /** Writes the head and the initial response, then the first read. On the response's context. */
        void begin() {
            if (ended) {
                return; // ended (its consumer deregistered) before it began
            }
            // Added inside the map's own operation, so that an end emptying the set at this moment cannot drop it.
            waiting.compute(partitionKey, (k, set) -> {
                Set<Subscription> subscribers = set == null ? ConcurrentHashMap.newKeySet() : set;
                subscribers.add(this);
                return subscribers;
            });
            // The lifetime ends the subscription even while a write waits on a consumer that stopped reading.
            lifetimeTimer = context.owner().setTimer(LIFETIME_MS, id -> end(null));
            response.closeHandler(v -> end(null));
            response.exceptionHandler(e -> end(null));
            response.setStatusCode(200).putHeader("Content-Type", EVENT_STREAM).setChunked(true);
            write(message("initial-response", Kinesis.object()));
            lastEventAt = System.currentTimeMillis();
            read();
        }

        /** Wakes a waiting subscription: its shard has new records. Any thread. */
        void wake() {
            if (!wakePending.compareAndSet(false, true)) {
                return;
            }
            context.runOnContext(v -> {
                wakePending.set(false);
                if (timer >= 0) {
                    cancelTimer();
                    read();
                } else {
                    woken = true;
                }
            });
        }

        private void read() {
            if (ended) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now - startedAt >= LIFETIME_MS) {
                end(null);
                return;
            }
            // The shard's end is known only once it ends, which may be after the subscription began.
            StreamMetadata current = streams.find(stream.name()).filter(s -> s.createdAt() == stream.createdAt()).orElse(null);
            if (current == null) {
                end(exception("ResourceNotFoundException", "Stream " + stream.name() + " was deleted."));
                return;
            }
            // Looking the consumer up scans the metadata's documents: once a second is soon enough to notice its end.
            if (now - consumerCheckedAt >= HEARTBEAT_MS) {
                consumerCheckedAt = now;
                if (!consumers.apply(current).contains(consumerArn)) {
                    end(exception("ResourceNotFoundException", "Consumer " + consumerArn + " is not registered."));
                    return;
                }
            }
            Shard currentShard = current.shard(shard.index());
            boolean heartbeatDue = now - lastEventAt >= HEARTBEAT_MS;
            woken = false;
            // The event is built where the read ran, off the event loop: ten thousand records take a while to encode.
            reader.read(stream.topic(), shard.index(), offset, currentShard.endOffset(), MAX_RECORDS, MAX_EVENT_BYTES)
                    .thenApply(batch -> new Delivery(batch, batch.records().isEmpty() && !batch.shardEndReached() && !heartbeatDue
                            ? null : message("SubscribeToShardEvent", event(current, batch))))
                    .whenComplete((delivery, error) -> context.runOnContext(v -> {
                        if (error != null) {
                            LOG.warn("subscription of {} to {} of stream {} could not read; ending it", consumerArn,
                                    shard.shardId(), stream.name(), error);
                            end(exception("InternalFailureException", "Internal service failure."));
                        } else {
                            deliver(delivery);
                        }
                    }));
        }

        private ObjectNode event(StreamMetadata current, ShardReader.Batch batch) {
            ObjectNode event = Kinesis.object();
            ArrayNode records = event.putArray("Records");
            for (ConsumerRecord<byte[], byte[]> r : batch.records()) {
                records.add(Kinesis.recordNode(shard, r));
            }
            event.put("MillisBehindLatest", Kinesis.millisBehindLatest(batch));
            metrics.subscriptionRead(stream.name(), consumerName, shard.shardId(), Kinesis.millisBehindLatest(batch));
            if (batch.shardEndReached()) {
                event.set("ChildShards", Kinesis.childShardsNode(current, shard));
            } else {
                event.put("ContinuationSequenceNumber", SequenceNumber.of(shard.createdAt(), shard.index(), batch.nextOffset(),
                        System.currentTimeMillis()));
            }
            return event;
        }

        /**
         * Sends a read's event, if it made one, and reads on once the event is written: a consumer that reads slowly
         * holds the subscription back, rather than events piling up in the server.
         */
        private void deliver(Delivery delivery) {
            if (ended) {
                return;
            }
            ShardReader.Batch batch = delivery.batch();
            offset = batch.nextOffset();
            if (delivery.event() == null) {
                next(batch);
                return;
            }
            lastEventAt = System.currentTimeMillis();
            if (response.ended() || response.closed()) {
                end(null);
                return;
            }
            writing = true;
            response.write(delivery.event()).onComplete(written -> {
                writing = false;
                if (ended) {
                    finish(lastEventAfterWrite); // ended while this was written
                    return;
                }
                if (written.failed()) {
                    end(null);
                } else {
                    next(batch);
                }
            });
        }

        private void next(ShardReader.Batch batch) {
            if (batch.shardEndReached()) {
                end(null);
            } else if (!batch.records().isEmpty() || woken) {
                read();
            } else {
                timer = context.owner().setTimer(IDLE_POLL_MS, id -> {
                    timer = -1;
                    read();
                });
            }
        }

        private void cancelTimer() {
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
                timer = -1;
            }
        }

        /** Ends the subscription, after a last exception event if one is given. Any thread. */
        void end(Buffer lastEvent) {
            context.runOnContext(v -> {
                if (ended) {
                    return;
                }
                ended = true;
                cancelTimer();
                if (lifetimeTimer >= 0) {
                    context.owner().cancelTimer(lifetimeTimer);
                }
                live.remove(key, this);
                waiting.computeIfPresent(partitionKey, (k, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
                if (writing) {
                    // The last event follows the write under way once it is done; a consumer that reads no more is
                    // cut off instead, as nothing more can reach it.
                    lastEventAfterWrite = lastEvent;
                    context.owner().setTimer(WRITE_GRACE_MS, id -> {
                        if (writing) {
                            response.reset();
                        }
                    });
                    return;
                }
                finish(lastEvent);
            });
        }

        /** Ends the response of an ended subscription, with its last event. */
        private void finish(Buffer lastEvent) {
            if (response.ended() || response.closed()) {
                return;
            }
            if (!response.headWritten()) {
                // Ended before it began: the answer is the last event alone.
                response.setStatusCode(200).putHeader("Content-Type", EVENT_STREAM)
                        .end(lastEvent == null ? Buffer.buffer() : lastEvent);
                return;
            }
            if (lastEvent != null) {
                write(lastEvent);
            }
            response.end();
        }

        private void write(Buffer message) {
            if (!response.ended() && !response.closed()) {
                response.write(message);
            }
        }

        private Buffer message(String eventType, JsonNode payload) {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":message-type", HeaderValue.fromString("event"));
            headers.put(":event-type", HeaderValue.fromString(eventType));
            headers.put(":content-type", HeaderValue.fromString(format.contentType()));
            return encode(headers, format.write(payload));
        }

        private Buffer exception(String type, String text) {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":message-type", HeaderValue.fromString("exception"));
            headers.put(":exception-type", HeaderValue.fromString(type));
            headers.put(":content-type", HeaderValue.fromString(format.contentType()));
            return encode(headers, format.write(Kinesis.object().put("message", text)));
        }
    }

    private static Buffer encode(Map<String, HeaderValue> headers, byte[] payload) {
        ByteBuffer bytes = new Message(headers, payload).toByteBuffer();
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return Buffer.buffer(array);
    }
}
