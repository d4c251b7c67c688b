"""The synthetic community of the benchmarks has the shape it promises, the same for a seed."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from bench.synthetic import KIND_SHARES, generate

N = 20_000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "s.parquet"
    generate(N, path, seed=7, batch_rows=6_000)  # several batches
    return path


def q(path, sql):
    return duckdb.sql(sql.replace("EV", f"read_parquet('{path}')")).fetchall()


def test_exactly_the_requested_events_with_unique_ids(synthetic):
    assert q(synthetic, "SELECT count(*), count(DISTINCT event_id) FROM EV") == [(N, N)]


def test_same_seed_same_file(synthetic, tmp_path):
    again = generate(N, tmp_path / "again.parquet", seed=7, batch_rows=6_000)
    assert pq.read_table(again).equals(pq.read_table(synthetic))


def test_every_kind_appears(synthetic):
    kinds = {k for (k,) in q(synthetic, "SELECT DISTINCT kind FROM EV")}
    assert kinds == set(KIND_SHARES)


def test_activity_is_heavy_tailed(synthetic):
    # the most active 1% of actors do far more than 1% of the acting
    ((share,),) = q(
        synthetic,
        """WITH a AS (SELECT actor, count(*) n FROM EV GROUP BY 1),
        r AS (SELECT n, row_number() OVER (ORDER BY n DESC) rk, count(*) OVER () c FROM a)
        SELECT sum(n) FILTER (WHERE rk <= c / 100) / sum(n) FROM r""",
    )
    assert share > 0.08


def test_some_ties_are_reciprocated(synthetic):
    ((share,),) = q(
        synthetic,
        """WITH p AS (SELECT DISTINCT actor a, target b FROM EV
        WHERE target IS NOT NULL AND actor <> target)
        SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM p r WHERE r.a = p.b AND r.b = p.a)
        THEN 1.0 ELSE 0.0 END) FROM p""",
    )
    assert 0.05 < share < 0.6


def test_time_is_ordered_within_batches_and_has_a_daily_rhythm(synthetic):
    rows = q(synthetic, "SELECT hour(created_at) h, count(*) FROM EV GROUP BY 1 ORDER BY 2")
    quiet, busy = rows[0][1], rows[-1][1]
    assert busy > 2 * quiet


def test_texts_carry_hashtags_and_mentions(synthetic):
    ((tags, mentions, texts),) = q(
        synthetic,
        """SELECT count(*) FILTER (text LIKE '%#%'),
        count(*) FILTER (text LIKE '%@u%'), count(text) FROM EV""",
    )
    assert tags == texts and 0.1 * texts < mentions < 0.5 * texts


def test_engagement_addresses_the_author_of_the_post(synthetic):
    ((bad,),) = q(
        synthetic,
        """SELECT count(*) FROM EV e JOIN EV p
        ON p.post_id = e.parent_post_id AND p.kind = 'post'
        WHERE e.kind IN ('comment', 'share', 'quote', 'reaction') AND e.target <> p.actor""",
    )
    assert bad == 0
