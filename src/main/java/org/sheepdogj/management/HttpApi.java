package org.sheepdogj.management;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The routes of the management port besides Pekko Management's own: {@code /v1/...} (JSON), {@code /metrics}
 * (Prometheus) and the status page ({@code /}, its files under {@code /status/}). All read-only.
 */
final class HttpApi {
    private static final String PAGE = "org/sheepdogj/management/status";

    private final StatusQueries queries;
    private final NodeMetrics metrics;
    private final Executor blocking;
    private final Marshaller<Object, RequestEntity> json = Jackson.marshaller(new ObjectMapper());
    private final ContentType metricsType;

    HttpApi(StatusQueries queries, NodeMetrics metrics, Executor blocking) {
        this.queries = queries;
        this.metrics = metrics;
        this.blocking = blocking;
        this.metricsType = ContentTypes.parse(metrics.contentType());
    }

    Route routes() {
        return get(() -> concat(
                pathPrefix("v1", () -> concat(
                        path("cluster", () -> json(() -> CompletableFuture.completedFuture(queries.cluster()))),
                        path("nodes", () -> json(queries::nodes)),
                        path("vdis", () -> json(queries::vdis)),
                        path("recovery", () -> json(queries::recovery)))),
                // a scrape reads the disk's free space and the JVM's figures: off the Pekko threads
                path("metrics", () -> onSuccess(() -> CompletableFuture.supplyAsync(metrics::scrape, blocking),
                        text -> complete(HttpEntities.create(metricsType, text)))),
                pathSingleSlash(() -> getFromResource(PAGE + "/index.html")),
                pathPrefix("status", () -> getFromResourceDirectory(PAGE))));
    }

    /** The answer as JSON; a failure (a VDI's inode unreadable, say) as 503 with what went wrong. */
    private <T> Route json(Supplier<CompletionStage<T>> answer) {
        return onComplete(answer, t -> t.isSuccess() ? completeOK((Object) t.get(), json)
                : complete(StatusCodes.SERVICE_UNAVAILABLE, new Api.Error(why(t.failed().get())), json));
    }

    /** What went wrong, without the wrapper that a failed stage puts around it. */
    private static String why(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }
}
