package dev.parley.connector;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ShardShareTest {

    @Test
    void shares_add_up_to_the_shard_count_and_differ_by_at_most_one() {
        List<String> members = List.of("d", "a", "c", "b", "e");
        for (int shards = 1; shards <= 17; shards++) {
            for (int k = 1; k <= members.size(); k++) {
                List<String> live = members.subList(0, k);
                int total = 0;
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (String member : live) {
                    int share = ShardLeases.share(shards, member, live);
                    total += share;
                    min = Math.min(min, share);
                    max = Math.max(max, share);
                }
                assertThat(total).as("%d shards over %d members", shards, k).isEqualTo(shards);
                assertThat(max - min).isLessThanOrEqualTo(1);
                assertThat(max).isEqualTo((shards + k - 1) / k);
            }
        }
    }

    @Test
    void the_larger_shares_go_to_the_first_owner_ids_so_every_connector_computes_the_same() {
        Set<String> live = Set.of("connector-9", "b-1", "c-5");
        assertThat(ShardLeases.share(4, "b-1", live)).isEqualTo(2);
        assertThat(ShardLeases.share(4, "c-5", live)).isEqualTo(1);
        assertThat(ShardLeases.share(4, "connector-9", live)).isEqualTo(1);
        assertThat(ShardLeases.share(4, "gone", live)).isZero();
    }
}
