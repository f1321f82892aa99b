package io.runnel.server.api.kinesis;

import io.runnel.server.api.ApiAction;

/** One operation of the Kinesis API: the shape of its input and what it does with a valid request. */
public interface KinesisAction extends ApiAction<Kinesis> {
}
