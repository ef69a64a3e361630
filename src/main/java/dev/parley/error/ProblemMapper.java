package dev.parley.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The one place where failures become {@code application/problem+json} responses. Resources throw
 * {@link ApiException}; everything else is translated here, and no stack trace reaches a client.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final Instance<FailureTranslator> translators;

    public ProblemMapper(Instance<FailureTranslator> translators) {
        this.translators = translators;
    }

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response response = respond(e.status(), e.type(), e.getMessage(), e.field(), uri);
        if (e.retryAfterSeconds() != null) {
            response.getHeaders().putSingle("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        return response;
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        String field = path(e);
        return respond(400, "unknown-field", "Unknown field '" + field + "'; this API rejects fields it does not define",
                field, uri);
    }

    @ServerExceptionMapper
    public Response badFormat(InvalidFormatException e, UriInfo uri) {
        String field = path(e);
        return respond(400, "invalid-field", "Field '" + field + "' has the wrong type or format", field, uri);
    }

    /** Declared for the exact type so it wins over Quarkus's built-in mapper of it, which answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper
    public Response badJson(JsonMappingException e, UriInfo uri) {
        String field = path(e);
        String detail = field.isEmpty() ? "Request body is not valid JSON for this endpoint"
                : "Field '" + field + "' has the wrong type or format";
        return respond(400, "invalid-body", detail, field.isEmpty() ? null : field, uri);
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e, UriInfo uri) {
        return respond(400, "invalid-body", "Request body is not well-formed JSON", null, uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonMappingException jme) {
            return badJson(jme, uri);
        }
        if (cause instanceof JsonProcessingException) {
            return malformed((JsonProcessingException) cause, uri);
        }
        String type = switch (e) {
            case NotFoundException nf -> "not-found";
            case NotAllowedException na -> "method-not-allowed";
            case NotSupportedException ns -> "unsupported-media-type";
            default -> "http-" + status;
        };
        String detail = switch (status) {
            case 404 -> "No such resource";
            case 405 -> "Method not allowed on this resource";
            case 415 -> "Send the body as application/json";
            case 400 -> "The request is malformed";
            default -> Response.Status.fromStatusCode(status) != null
                    ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Request failed";
        };
        return respond(status, type, detail, null, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ApiException api) {
            return api(api, uri);
        }
        for (FailureTranslator translator : translators) {
            var problem = translator.translate(cause);
            if (problem.isPresent()) {
                return api(problem.get(), uri);
            }
        }
        LOG.errorf(e, "Unhandled error on %s", uri.getPath());
        return respond(500, "internal", "An unexpected error occurred; it has been logged", null, uri);
    }

    private static Response respond(int status, String type, String detail, String field, UriInfo uri) {
        Problem body = Problem.of(status, type, detail, field, uri == null ? null : uri.getPath());
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
