package dev.parley.message;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The stop rules of the one sparse-index walk: nothing read twice without need, nothing left behind. */
class IndexPagesTest {

    /** A sparse index whose handled ids leave it, unless the handler keeps them. */
    private static final class FakeIndex {
        final List<String> ids = new ArrayList<>();
        int reads;

        FakeIndex(int size) {
            IntStream.range(0, size).forEach(i -> ids.add("m" + i));
        }

        Uni<List<String>> page(int limit) {
            reads++;
            return Uni.createFrom().item(List.copyOf(ids.subList(0, Math.min(limit, ids.size()))));
        }
    }

    @Test
    void reading_until_a_short_page_drains_an_index_larger_than_a_page() {
        FakeIndex index = new FakeIndex(IndexPages.PAGE_SIZE * 2 + 5);

        int handled = IndexPages.forEach(index::page, IndexPages.Stop.AT_SHORT_PAGE, index.ids::remove);

        assertThat(handled).isEqualTo(IndexPages.PAGE_SIZE * 2 + 5);
        assertThat(index.ids).isEmpty();
        assertThat(index.reads).isEqualTo(3);
    }

    @Test
    void one_page_is_read_once_even_when_the_handler_leaves_every_id_in_the_index() {
        FakeIndex index = new FakeIndex(IndexPages.PAGE_SIZE * 2);

        int handled = IndexPages.forEach(index::page, IndexPages.Stop.AFTER_ONE_PAGE, id -> true);

        assertThat(handled).isEqualTo(IndexPages.PAGE_SIZE);
        assertThat(index.reads).isEqualTo(1);
    }

    @Test
    void only_ids_the_handler_accepts_are_counted() {
        FakeIndex index = new FakeIndex(10);

        int handled = IndexPages.forEach(index::page, IndexPages.Stop.AT_SHORT_PAGE,
                id -> index.ids.remove(id) && id.endsWith("1"));

        assertThat(handled).isEqualTo(1);
        assertThat(index.reads).isEqualTo(1);
    }
}
