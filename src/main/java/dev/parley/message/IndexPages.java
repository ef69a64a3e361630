package dev.parley.message;

import dev.parley.common.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The one way the jobs and the connector walk a sparse index of waiting messages ({@link MessageStore#dueScheduled},
 * {@link MessageStore#unconfirmedBefore}, {@link MessageStore#heldFor}). Each page is read from the start of the
 * index, since handling an id normally takes it out; the caller states when to stop. Blocking: for worker
 * threads only.
 */
public final class IndexPages {

    /** Ids read per page. */
    public static final int PAGE_SIZE = 100;

    private IndexPages() {
    }

    /** When a walk stops. */
    public enum Stop {
        /**
         * After the first page: for handlers that may leave an id in the index (a queue write that failed
         * again), which a second read would only find again.
         */
        AFTER_ONE_PAGE,
        /** Once a page comes back short: for handlers that take every id they see out of the index. */
        AT_SHORT_PAGE
    }

    /**
     * Reads pages with {@code page} (given the page size) and hands every id to {@code handle}; answers how
     * many ids it handled successfully (returned true).
     */
    public static int forEach(IntFunction<Uni<List<String>>> page, Stop stop, Predicate<String> handle) {
        int handled = 0;
        while (true) {
            List<String> ids = Blocking.await(page.apply(PAGE_SIZE));
            for (String id : ids) {
                if (handle.test(id)) {
                    handled++;
                }
            }
            if (stop == Stop.AFTER_ONE_PAGE || ids.size() < PAGE_SIZE) {
                return handled;
            }
        }
    }
}
