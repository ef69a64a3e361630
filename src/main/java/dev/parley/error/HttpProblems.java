package dev.parley.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.RoutingContext;

/** Writes a problem document from a Vert.x route, for the few answers given below the REST layer. */
public final class HttpProblems {

    private HttpProblems() {
    }

    public static void send(RoutingContext ctx, ObjectMapper json, int status, String type, String detail,
                            String field) {
        Problem body = Problem.of(status, type, detail, field, ctx.request().path());
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"status\":" + status + "}";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(text);
    }
}
