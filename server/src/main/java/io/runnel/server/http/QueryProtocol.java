package io.runnel.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.QueryService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers AWS Query-protocol requests: a form-encoded POST whose SigV4 credential scope names the service and whose
 * {@code Action} names the operation, answered in XML, errors as {@code <ErrorResponse>}.
 */
final class QueryProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(QueryProtocol.class);
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    /** The signature errors of the JSON services, under the codes Query services give them. */
    private static final Map<String, String> CODES = Map.of(
            "MissingAuthenticationTokenException", "MissingAuthenticationToken",
            "IncompleteSignatureException", "IncompleteSignature",
            "InvalidSignatureException", "SignatureDoesNotMatch",
            "UnrecognizedClientException", "InvalidClientTokenId");

    private final Map<String, QueryService> services;
    private final SigV4Authenticator authenticator;

    QueryProtocol(List<QueryService> services, SigV4Authenticator authenticator) {
        this.services = services.stream().collect(Collectors.toUnmodifiableMap(QueryService::signingName, Function.identity()));
        this.authenticator = authenticator;
    }

    static boolean isQuery(String contentType) {
        return contentType.equals("application/x-www-form-urlencoded");
    }

    void dispatch(HttpServerRequest req, byte[] body) {
        String requestId = req.response().headers().get("x-amzn-RequestId");
        try {
            authenticator.requireSigned(req, body);
            Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
            SigV4Authenticator.Scope scope = SigV4Authenticator.scope(req);
            QueryService service = scope == null ? null : services.get(scope.service());
            String action = form.get("Action");
            if (action == null || action.isEmpty()) {
                throw ApiException.badRequest("MissingAction", "Missing Action");
            }
            QueryService.Action operation = service == null ? null : service.actions().get(action);
            if (operation == null) {
                throw ApiException.badRequest("InvalidAction", "Could not find operation " + action + " for version "
                        + form.getOrDefault("Version", "NO_VERSION_SPECIFIED"));
            }
            send(req, 200, response(service, action, operation.handle(tree(form), scope.accessKeyId()), requestId));
        } catch (ApiException e) {
            if (e.status() >= 500) {
                LOG.error("query request {} failed", requestId, e);
            }
            send(req, e.status(), error(e, requestId));
        } catch (RuntimeException e) {
            LOG.error("query request {} failed", requestId, e);
            send(req, 500, error(new ApiException("InternalFailure", 500, "An internal error occurred."), requestId));
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    /**
     * The form's members as a tree: {@code MetricData.member.2.Dimensions.member.1.Name=x} is
     * {@code {"MetricData": [_, {"Dimensions": [{"Name": "x"}]}]}}; lists keep the order of their indexes.
     */
    static ObjectNode tree(Map<String, String> form) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, String> field : new TreeMap<>(form).entrySet()) {
            if (field.getKey().equals("Action") || field.getKey().equals("Version")) {
                continue;
            }
            String[] path = field.getKey().split("\\.");
            JsonNode at = root;
            for (int i = 0; i < path.length; i++) {
                boolean last = i == path.length - 1;
                if (path[i].equals("member") && !last && path[i + 1].matches("[1-9][0-9]{0,3}") && at instanceof ArrayNode list) {
                    int index = Integer.parseInt(path[++i]);
                    while (list.size() < index) {
                        list.addObject();
                    }
                    if (i == path.length - 1) {
                        list.set(index - 1, JsonNodeFactory.instance.textNode(field.getValue()));
                        break;
                    }
                    at = list.get(index - 1);
                    continue;
                }
                if (!(at instanceof ObjectNode object)) {
                    throw ApiException.badRequest("InvalidParameterValue", "The parameter " + field.getKey() + " is not valid.");
                }
                if (last) {
                    object.put(path[i], field.getValue());
                } else {
                    boolean list = path[i + 1].equals("member");
                    JsonNode next = object.get(path[i]);
                    if (next == null || next.isValueNode()) {
                        next = list ? object.putArray(path[i]) : object.putObject(path[i]);
                    }
                    at = next;
                }
            }
        }
        return root;
    }

    /** {@code <ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>} */
    private static String response(QueryService service, String action, Map<String, String> result, String requestId) {
        return document(w -> {
            w.writeStartElement(action + "Response");
            w.writeDefaultNamespace(service.namespace());
            if (result != null) {
                w.writeStartElement(action + "Result");
                for (Map.Entry<String, String> field : result.entrySet()) {
                    element(w, field.getKey(), field.getValue());
                }
                w.writeEndElement();
            }
            w.writeStartElement("ResponseMetadata");
            element(w, "RequestId", requestId);
            w.writeEndElement();
            w.writeEndElement();
        });
    }

    private static String error(ApiException e, String requestId) {
        return document(w -> {
            w.writeStartElement("ErrorResponse");
            w.writeStartElement("Error");
            element(w, "Type", e.status() >= 500 ? "Receiver" : "Sender");
            element(w, "Code", CODES.getOrDefault(e.type(), e.type()));
            element(w, "Message", e.getMessage());
            w.writeEndElement();
            element(w, "RequestId", requestId);
            w.writeEndElement();
        });
    }

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static String document(Body body) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out);
            body.write(w);
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
        return out + "\n";
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text == null ? "" : text);
        w.writeEndElement();
    }

    private static void send(HttpServerRequest req, int status, String xml) {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        req.response().setStatusCode(status).putHeader("Content-Type", "text/xml")
                .putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
    }
}
