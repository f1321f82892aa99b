package io.runnel.server.api.analytics;

import io.runnel.server.api.ApiAction;

/** One operation of the Managed Flink API: the shape of its input and what it does with a valid request. */
interface AnalyticsAction extends ApiAction<Analytics> {
}
