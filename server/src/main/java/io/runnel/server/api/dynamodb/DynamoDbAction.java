package io.runnel.server.api.dynamodb;

import io.runnel.server.api.ApiAction;

/** One operation of the DynamoDB API: the shape of its input and what it does with a valid request. */
interface DynamoDbAction extends ApiAction<DynamoDb> {
}
