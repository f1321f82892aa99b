package io.runnel.server.api.firehose;

import io.runnel.server.api.ApiAction;

/** One operation of the Firehose API: the shape of its input and what it does with a valid request. */
interface FirehoseAction extends ApiAction<Firehose> {
}
