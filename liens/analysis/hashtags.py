"""Functions for hashtags: variants merged, co-occurrence, trends, user-generated content.

``#allez_la_france``, ``#allezlafrance`` and ``#AllezLaFrance`` are one hashtag (seed 004):
:func:`hashtag_key` folds case, accents and separators, and the most frequent spelling is
kept as the label.

Tables written by ``liens analyze``:

``hashtags``
    one row per merged hashtag (:func:`hashtag_table`).
``hashtag_pairs``
    co-occurrence network: pairs used in the same publication (:func:`hashtag_pairs`).
``hashtags_daily``
    uses per day and rank (:func:`hashtags_daily`).
``hashtags_by_community``
    uses per community when ``members`` has a ``community`` column from an earlier run.
``hashtag_ugc``
    when ``options["brand_hashtags"]`` is given: publications carrying them by accounts that
    are not owned (:func:`brand_ugc`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query
from liens.model import CONTENT_KINDS

__all__ = [
    "brand_ugc",
    "hashtag_key",
    "hashtag_pairs",
    "hashtag_table",
    "hashtags_daily",
    "run",
    "uses_sql",
]

# Characters that only separate words inside a hashtag: dropped from the key.
_SEPARATORS = r"[_\-\.·’'‐–]"


def hashtag_key(col: str = "tag") -> str:
    """SQL expression of the merge key of a hashtag column.

    :math:`key(t) = \\mathrm{strip\\_separators}(\\mathrm{strip\\_accents}(\\mathrm{lower}(t)))`
    after removing a leading ``#``: ``#Allez_la_Frânce`` → ``allezlafrance``.

    Notes
    -----
    ``lower`` is Unicode-aware (``É`` → ``é``); ``strip_accents`` removes combining marks,
    so ``café`` and ``cafe`` merge. Scripts without case or accents (Arabic, CJK) are kept as
    they are. A hashtag made only of separators has an empty key and is dropped.
    """
    seps = _SEPARATORS.replace("'", "''")
    return f"regexp_replace(strip_accents(lower(ltrim({col}, '#＃'))), '{seps}', '', 'g')"


def uses_sql(params: AnalysisParams) -> tuple[str, list]:
    """SQL of hashtag uses: one row per (publication, hashtag key), duplicates removed.

    Columns: ``platform, post_id, actor, created_at, tag`` (as written), ``key``. Only events
    creating a publication (post, reply, comment, quote, share) count: a hashtag is used when
    it is published.
    """
    sql, args = events_query(params)
    kinds = ", ".join(f"'{k}'" for k in CONTENT_KINDS)
    return (
        f"""SELECT DISTINCT ON (platform, coalesce(post_id, event_id), key)
  platform, coalesce(post_id, event_id) AS post_id, actor, created_at, tag, key
FROM (
  SELECT platform, post_id, event_id, actor, created_at, tag, {hashtag_key("tag")} AS key
  FROM (SELECT *, unnest(hashtags) AS tag FROM ({sql})
        WHERE kind IN ({kinds}) AND len(hashtags) > 0))
WHERE key <> ''""",
        args,
    )


def hashtag_table(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame:
    """Every merged hashtag with its label, variants and use.

    Returns
    -------
    DataFrame sorted by uses: ``key``, ``label`` (the most used spelling; ties: the first in
    alphabetical order), ``variants`` (every spelling seen, most used first), ``uses``
    (publications carrying it), ``accounts`` (distinct), ``first_seen``, ``last_seen``.
    """
    sql, args = uses_sql(params)
    return con.execute(
        f"""
WITH u AS ({sql}),
sp AS (SELECT key, tag, count(*) AS n FROM u GROUP BY ALL)
SELECT u.key,
  (SELECT tag FROM sp WHERE sp.key = u.key ORDER BY n DESC, tag LIMIT 1) AS label,
  (SELECT list(tag ORDER BY n DESC, tag) FROM sp WHERE sp.key = u.key) AS variants,
  count(*) AS uses, count(DISTINCT u.actor) AS accounts,
  min(u.created_at) AS first_seen, max(u.created_at) AS last_seen
FROM u GROUP BY u.key ORDER BY uses DESC, u.key""",
        args,
    ).df()


def hashtag_pairs(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, labels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Co-occurrence network of hashtags: pairs used together in a publication.

    For keys :math:`a < b`, :math:`n_{ab}` is the number of publications carrying both;
    :math:`jaccard = n_{ab} / (n_a + n_b - n_{ab})`.

    Returns
    -------
    DataFrame ``key_a, key_b, label_a, label_b, together, jaccard``; pairs seen once are
    kept (filter on ``together``).
    """
    sql, args = uses_sql(params)
    df = con.execute(
        f"""
WITH u AS ({sql}),
n AS (SELECT key, count(*) AS n FROM u GROUP BY key),
p AS (
  SELECT a.key AS key_a, b.key AS key_b, count(*) AS together
  FROM u a JOIN u b ON a.platform = b.platform AND a.post_id = b.post_id AND a.key < b.key
  GROUP BY ALL)
SELECT p.key_a, p.key_b, p.together,
  p.together / (na.n + nb.n - p.together) AS jaccard
FROM p JOIN n na ON na.key = p.key_a JOIN n nb ON nb.key = p.key_b
ORDER BY together DESC, key_a, key_b""",
        args,
    ).df()
    if labels is not None:
        lab = labels.set_index("key")["label"]
        df.insert(2, "label_a", df["key_a"].map(lab))
        df.insert(3, "label_b", df["key_b"].map(lab))
    return df


def hashtags_daily(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, top: int = 20
) -> pd.DataFrame:
    """Uses per UTC day of each hashtag, with its rank that day (1 = most used).

    Only the ``top`` hashtags of each day are kept.
    """
    sql, args = uses_sql(params)
    return con.execute(
        f"""
WITH d AS (
  SELECT CAST(created_at AS DATE) AS day, key, count(*) AS uses FROM ({sql}) GROUP BY ALL),
r AS (SELECT *, rank() OVER (PARTITION BY day ORDER BY uses DESC, key) AS rank FROM d)
SELECT * FROM r WHERE rank <= {int(top)} ORDER BY day, rank""",
        args,
    ).df()


def _by_community(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame | None:
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "members" not in tables:
        return None
    if "community" not in {r[0] for r in con.execute("DESCRIBE members").fetchall()}:
        return None
    sql, args = uses_sql(params)
    return con.execute(
        f"""
WITH c AS (
  SELECT m.community, u.key, count(*) AS uses, count(DISTINCT u.actor) AS accounts
  FROM ({sql}) u JOIN members m ON m.platform = u.platform AND m.account = u.actor
  WHERE m.community IS NOT NULL GROUP BY ALL)
SELECT *, rank() OVER (PARTITION BY community ORDER BY uses DESC, key) AS rank FROM c
QUALIFY rank <= 20 ORDER BY community, rank""",
        args,
    ).df()


def brand_ugc(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, brand_hashtags: Sequence[str]
) -> pd.DataFrame:
    """User-generated content: publications with a brand hashtag by accounts not owned.

    The brand hashtags are matched by key (variants included).

    Returns
    -------
    DataFrame ``platform, post_id, actor, created_at, tag`` (as written), ``key``.
    """
    sql, args = uses_sql(params)
    keys = con.execute(
        f"SELECT DISTINCT {hashtag_key('t')} FROM unnest(?::VARCHAR[]) AS x(t)",
        [list(brand_hashtags)],
    ).fetchall()
    return con.execute(
        f"""SELECT u.* FROM ({sql}) u
WHERE u.key IN (SELECT unnest(?::VARCHAR[]))
  AND u.actor NOT IN (SELECT account_id FROM accounts WHERE owned AND platform = u.platform)
ORDER BY u.created_at""",
        [*args, [k[0] for k in keys]],
    ).df()


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    tags = hashtag_table(con, params)
    out = {
        "hashtags": tags,
        "hashtag_pairs": hashtag_pairs(con, params, tags),
        "hashtags_daily": hashtags_daily(con, params),
    }
    by_comm = _by_community(con, params)
    if by_comm is not None:
        out["hashtags_by_community"] = by_comm
    brand = params.options.get("brand_hashtags")
    if brand:
        out["hashtag_ugc"] = brand_ugc(con, params, brand)
    return out
