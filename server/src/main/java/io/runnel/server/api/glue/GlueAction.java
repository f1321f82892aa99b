package io.runnel.server.api.glue;

import io.runnel.server.api.ApiAction;

/** One operation of the Glue Data Catalog API: the shape of its input and what it does with a valid request. */
interface GlueAction extends ApiAction<Glue> {
}
