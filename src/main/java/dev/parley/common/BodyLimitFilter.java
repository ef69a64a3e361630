package dev.parley.common;

import dev.parley.config.ParleyConfig;
import dev.parley.error.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses bodies larger than {@code parley.api.max-body-bytes} with a 413 problem before they are read.
 * Bodies without a declared length are capped by {@code quarkus.http.limits.max-body-size} instead.
 */
public class BodyLimitFilter {

    private final long maxBytes;

    public BodyLimitFilter(ParleyConfig config) {
        this.maxBytes = config.api().maxBodyBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public void limit(ContainerRequestContext request) {
        if (request.getLength() > maxBytes) {
            throw new ApiException(413, "body-too-large",
                    "Request body is " + request.getLength() + " bytes; the limit is " + maxBytes, null);
        }
    }
}
