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
    /** The signature errors of the JSON services, under the codes Query services give them (with status 403). */
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

    /**
     * Whether a request is one of ours: form-encoded and signed for a Query service Runnel serves. Any other form
     * post is left to be refused as Kinesis refuses it.
     */
    boolean handles(HttpServerRequest req, String contentType) {
        SigV4Authenticator.Scope scope = contentType.equals("application/x-www-form-urlencoded") ? SigV4Authenticator.scope(req) : null;
        return scope != null && services.containsKey(scope.service());
    }

    /** Answers a request {@link #handles} took. */
    void dispatch(HttpServerRequest req, byte[] body) {
        String requestId = req.response().headers().get("x-amzn-RequestId");
        QueryService service = null;
        try {
            SigV4Authenticator.Scope scope = SigV4Authenticator.scope(req);
            service = services.get(scope.service());
            authenticator.requireSigned(req, body);
            Map<String, String> form = form(new String(RequestCompression.inflated(req, body, "MalformedQueryString"), StandardCharsets.UTF_8));
            String action = form.get("Action");
            if (action == null || action.isEmpty()) {
                throw ApiException.badRequest("MissingAction", "Missing Action");
            }
            QueryService.Action operation = service.actions().get(action);
            if (operation == null) {
                throw ApiException.badRequest("InvalidAction", "Could not find operation " + action + " for version "
                        + form.getOrDefault("Version", "NO_VERSION_SPECIFIED"));
            }
            send(req, 200, response(service, action, operation.handle(tree(form), scope.accessKeyId()), requestId));
        } catch (ApiException e) {
            if (e.status() >= 500) {
                LOG.error("query request {} failed", requestId, e);
            }
            send(req, CODES.containsKey(e.type()) ? 403 : e.status(), error(e, service, requestId));
        } catch (RuntimeException e) {
            LOG.error("query request {} failed", requestId, e);
            send(req, 500, error(new ApiException("InternalFailure", 500, "An internal error occurred."), service, requestId));
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("MalformedQueryString", "The query string is malformed: " + e.getMessage());
            }
        }
        return form;
    }

    /**
     * The form's members as a tree: {@code MetricData.member.2.Dimensions.member.1.Name=x} is
     * {@code {"MetricData": [_, {"Dimensions": [{"Name": "x"}]}]}}. A list's members must be numbered 1, 2, 3… with no
     * gap, so that the tree holds no more than the form does.
     */
    static ObjectNode tree(Map<String, String> form) {
        Map<String, Object> root = new TreeMap<>();
        for (Map.Entry<String, String> field : form.entrySet()) {
            if (field.getKey().equals("Action") || field.getKey().equals("Version")) {
                continue;
            }
            String[] path = field.getKey().split("\\.");
            Object at = root;
            for (int i = 0; i < path.length; i++) {
                boolean member = path[i].equals("member") && i + 1 < path.length && path[i + 1].matches("[1-9][0-9]{0,8}");
                Object key = member ? Integer.valueOf(path[++i]) : path[i];
                boolean last = i == path.length - 1;
                boolean nextIsList = !last && path[i + 1].equals("member");
                @SuppressWarnings("unchecked")
                Map<Object, Object> container = at instanceof Map ? (Map<Object, Object>) at : null;
                if (container == null || (member != (container instanceof ListMembers))) {
                    throw invalidParameter(field.getKey());
                }
                if (last) {
                    if (container.get(key) instanceof Map) {
                        throw invalidParameter(field.getKey()); // both a value and a structure
                    }
                    container.put(key, field.getValue());
                    break;
                }
                at = container.computeIfAbsent(key, k -> nextIsList ? new ListMembers() : new TreeMap<>());
            }
        }
        return (ObjectNode) node(root, "");
    }

    /** A list's members by their number, while the tree is built. */
    private static final class ListMembers extends TreeMap<Object, Object> {
    }

    private static JsonNode node(Object value, String at) {
        if (value instanceof String text) {
            return JsonNodeFactory.instance.textNode(text);
        }
        if (value instanceof ListMembers members) {
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            for (Map.Entry<Object, Object> member : members.entrySet()) {
                if (!member.getKey().equals(list.size() + 1)) {
                    throw invalidParameter(at + ".member." + member.getKey());
                }
                list.add(node(member.getValue(), at + ".member." + member.getKey()));
            }
            return list;
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value;
        fields.forEach((name, v) -> object.set(name, node(v, at.isEmpty() ? name : at + "." + name)));
        return object;
    }

    private static ApiException invalidParameter(String name) {
        return ApiException.badRequest("InvalidParameterValue", "The parameter " + name + " is not valid.");
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

    private static String error(ApiException e, QueryService service, String requestId) {
        return document(w -> {
            w.writeStartElement("ErrorResponse");
            if (service != null) {
                w.writeDefaultNamespace(service.namespace());
            }
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
