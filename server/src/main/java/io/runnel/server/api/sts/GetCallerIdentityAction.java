package io.runnel.server.api.sts;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.QueryService;

import java.util.LinkedHashMap;
import java.util.Map;

/** Who is calling: the account Runnel is configured with, and the caller's access key as its user. */
final class GetCallerIdentityAction implements QueryService.Action {

    private final String accountId;

    GetCallerIdentityAction(String accountId) {
        this.accountId = accountId;
    }

    @Override
    public Map<String, String> handle(JsonNode input, String accessKeyId) {
        Map<String, String> result = new LinkedHashMap<>();
        result.put("Arn", "arn:aws:iam::" + accountId + ":user/" + accessKeyId);
        result.put("UserId", accessKeyId);
        result.put("Account", accountId);
        return result;
    }
}
