"""Functions computing ties: who interacts with whom, how, how often and how strongly.

A *tie* is an ordered pair of accounts (source -> target) on one platform with at least one
event whose ``actor`` is the source and whose ``target`` is the target, inside the window and
layers of :class:`~liens.analysis.AnalysisParams`. Events without both ends (a post, an
anonymous vote) and self-interactions are not ties.

Two views are returned:

``ties`` (directed)
    one row per (platform, source, target): counts per kind, time span, orientation and
    multiplexity of that direction, plus the strength of the pair it belongs to.
``ties_undirected``
    one row per unordered pair (platform, a, b) with a < b: the two directions together, the
    Granovetter components and the composite ``strength``.

Tie strength is a property of the pair (Granovetter 1973 treats it as symmetric), so both
directed rows of a pair carry the same strength; the orientation columns say how one-sided
the pair is (Lemieux 1982).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb
import igraph as ig
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query
from liens.store.workspace import memory_lent, sql_literal

__all__ = [
    "COMPONENTS",
    "DEFAULT_COMPONENT_WEIGHTS",
    "DEFAULT_KIND_WEIGHTS",
    "directed_ties",
    "pair_ties",
    "strength_components",
    "ties",
]

# Interaction weight per kind for the "frequency/intensity" dimension: writing to someone
# (message, reply, comment) costs more than reacting (Granovetter's "amount of time").
DEFAULT_KIND_WEIGHTS: dict[str, float] = {
    "message": 3.0,
    "reply": 3.0,
    "comment": 3.0,
    "quote": 2.0,
    "share": 1.5,
    "mention": 1.5,
    "rating": 1.0,
    "follow": 1.0,
    "accept": 1.0,
    "reaction": 0.5,
    "vote": 0.5,
}
_OTHER_KIND_WEIGHT = 1.0
INTIMATE_KINDS = ("message", "reply")  # private messages and direct answers
AMPLIFYING_KINDS = ("share", "quote", "mention")  # services: making the other visible

# Components of tie strength, each in [0, 1], in the order of the columns.
COMPONENTS = (
    "frequency",
    "duration",
    "recency",
    "intimacy",
    "mutuality",
    "services",
    "structural",
    "emotional",
)
# Frequency, duration, recency, mutuality, structural and the half-life were tuned on
# CollegeMsg (observe before the median message time, label = active again before the 70th
# percentile) and reported on a later split (bench/eval_tie_strength.py). Intimacy, services
# and emotional are constant or absent there: their weight 1 is a prior, not a measurement.
# Components absent from the data (emotional without tone) drop out of the weighted mean.
DEFAULT_COMPONENT_WEIGHTS: dict[str, float] = {
    "frequency": 1.0,
    "duration": 0.5,
    "recency": 2.0,
    "intimacy": 1.0,
    "mutuality": 0.0,
    "services": 1.0,
    "structural": 2.0,
    "emotional": 1.0,
}
DEFAULT_RECENCY_HALF_LIFE_DAYS = 7.0
DEFAULT_STRONG_QUANTILE = 0.8


def _option(params: AnalysisParams, name: str, default: Any) -> Any:
    return params.options.get(name, default) if params.options else default


def _kind_weights(params: AnalysisParams) -> dict[str, float]:
    return {**DEFAULT_KIND_WEIGHTS, **_option(params, "kind_weights", {})}


def _tie_events(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> tuple[str, list, bool]:
    """SQL of the events that are ties, with their kind weight; and whether tone is present."""
    sql, args = events_query(params, layered=True)
    cols = {r[0] for r in con.execute("DESCRIBE events").fetchall()}
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    join = ""
    if "tone" in cols:
        tone = "CAST(e.tone AS DOUBLE)"
    elif "event_tone" in tables:  # scores of the tone analysis, when it ran before
        tone, join = "t.tone_score", "LEFT JOIN event_tone t ON t.event_id = e.event_id"
    else:
        tone = "CAST(NULL AS DOUBLE)"
    has_tone = bool(join) or "tone" in cols
    weights = _kind_weights(params)
    cases = " ".join(f"WHEN '{k}' THEN {float(w)!r}" for k, w in weights.items())
    return (
        f"""SELECT e.platform, e.actor, e.target, e.kind, e.created_at, e.context,
  CASE e.kind {cases} ELSE {_OTHER_KIND_WEIGHT} END AS w, {tone} AS tone
FROM ({sql}) e {join}
WHERE e.actor IS NOT NULL AND e.target IS NOT NULL AND e.actor <> e.target""",
        args,
        has_tone,
    )


def _kinds(con: duckdb.DuckDBPyConnection, sql: str, args: list) -> list[str]:
    return [
        r[0] for r in con.execute(f"SELECT DISTINCT kind FROM ({sql}) ORDER BY 1", args).fetchall()
    ]


def _window(con: duckdb.DuckDBPyConnection, sql: str, args: list, params: AnalysisParams):
    lo, hi = con.execute(f"SELECT min(created_at), max(created_at) FROM ({sql})", args).fetchone()
    start = pd.Timestamp(params.start) if params.start else lo
    end = pd.Timestamp(params.end) if params.end else hi
    return start, end


def _aggregate_sql(kinds: list[str], directed: bool) -> str:
    """Per-pair aggregation on integer account ids (``_tn``), shared by both views."""
    a, b = ("s", "t") if directed else ("least(s, t)", "greatest(s, t)")
    per_kind = "".join(
        f"CAST(coalesce(sum(c) FILTER (WHERE kind = '{k}'), 0) AS BIGINT) AS n_{k},\n    "
        for k in kinds
    )  # empty when the window holds no tie
    intimate = ", ".join(f"'{k}'" for k in INTIMATE_KINDS)
    return f"""
WITH e AS (SELECT *, {a} AS _a, {b} AS _b FROM te),
pk AS (
  SELECT _a, _b, kind, count(*) AS c, sum(w) AS sw, min(created_at) AS lo,
    max(created_at) AS hi, sum(abs(tone)) AS tone_sum, count(tone) AS tone_n
  FROM e GROUP BY ALL),
p AS (
  SELECT _a, _b, CAST(sum(c) AS DOUBLE) AS n_events, CAST(sum(sw) AS DOUBLE) AS weighted_count,
    {per_kind}min(lo) AS first_at, max(hi) AS last_at, count(*) AS n_kinds,
    greatest(ln(sum(c)) - sum(c * ln(c)) / sum(c), 0.0) AS kind_entropy,
    CAST(coalesce(sum(c) FILTER (WHERE kind IN ({intimate})), 0) AS DOUBLE) AS n_intimate,
    sum(tone_sum) / nullif(sum(tone_n), 0) AS tone_intensity
  FROM pk GROUP BY ALL),
d AS (
  SELECT _a, _b, count(DISTINCT day) AS active_days, count(DISTINCT context) AS n_contexts
  FROM e GROUP BY ALL)
SELECT p.*, d.active_days, d.n_contexts FROM p JOIN d USING (_a, _b)"""


def pair_ties(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame:
    """Undirected ties with Granovetter's strength: one row per unordered pair of accounts.

    Two accounts are tied when at least one event goes from one to the other (``actor`` to
    ``target``) in the window and layers. The pair's *strength* is a weighted mean of
    components in [0, 1], one per dimension of Granovetter (1973) observable in logs:

    .. math::

        s_{ab} = \\frac{\\sum_c \\omega_c x_c}{\\sum_c \\omega_c}

    over the components :math:`x_c` that are defined for the data (see
    :func:`strength_components`), with weights :math:`\\omega_c` from
    ``params.options["component_weights"]`` (default :data:`DEFAULT_COMPONENT_WEIGHTS`).

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window (``start``/``end``), ``layers`` (kinds kept) and ``options``:
        ``kind_weights`` (dict kind -> weight, merged over :data:`DEFAULT_KIND_WEIGHTS`),
        ``component_weights``, ``recency_half_life_days`` (default 7),
        ``strong_quantile`` (default 0.8), ``reciprocity_threshold`` (default 1 event).

    Returns
    -------
    DataFrame with columns ``platform, a, b`` (a < b), ``n_events``, ``weighted_count``
    (events weighted by kind), ``n_<kind>`` per kind present, ``first_at``, ``last_at``,
    ``active_days`` (distinct UTC days with an event), ``duration_days`` (last - first),
    ``recency_days`` (window end - last), ``n_kinds``, ``n_contexts``, ``kind_entropy``
    (Shannon entropy in nats of the kinds' shares), ``w_ab``, ``w_ba`` (weighted counts each
    way), ``reciprocated``, ``orientation`` (``bilateral``/``unilateral``), ``balance``
    (min/max of the two weighted counts), the components ``c_<name>`` for each name in
    :data:`COMPONENTS`, ``strength`` and ``strength_class`` (``strong``/``weak``).

    Notes
    -----
    ``c_emotional`` is NaN when events have no tone (neither a ``tone`` column nor the
    ``event_tone`` table of the tone analysis; the dimension is then absent
    from the mean and the docs say so). ``strength_class`` is ``strong`` when the strength is
    at or above the ``strong_quantile`` quantile of the platform's pairs: a relative split,
    as Granovetter's strong/weak is relative to the network.

    References
    ----------
    Granovetter, M. S. (1973). The strength of weak ties. American Journal of Sociology,
    78(6), 1360-1380. Lemieux, V. (1982). Réseaux et appareils. Maloine.
    Gilbert, E., & Karahalios, K. (2009). Predicting tie strength with social media. CHI.

    Examples
    --------
    >>> pairs = pair_ties(con, AnalysisParams())  # doctest: +SKIP
    >>> pairs.nlargest(5, "strength")[["a", "b", "strength"]]  # doctest: +SKIP
    """
    return ties(con, params)[1]


def directed_ties(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame:
    """Directed ties: one row per ordered pair (platform, source, target).

    Columns as :func:`pair_ties` for one direction (``n_events``, ``weighted_count``,
    ``n_<kind>``, times, multiplexity), plus the orientation of the direction:
    ``w_back`` (weighted count target -> source), ``reciprocated``, ``orientation``,
    ``balance`` = min(w_ij, w_ji) / max(w_ij, w_ji) and
    ``dominance`` = (w_ij - w_ji) / (w_ij + w_ji) in [-1, 1] (1 = entirely one way from the
    source), and the pair's ``strength``, ``strength_class`` and components.
    """
    return ties(con, params)[0]


def ties(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both views at once: ``(directed, undirected)``; see :func:`pair_ties`."""
    tie_tables(con, params)
    try:
        directed = _fetch(con, tie_rows(TIE_TABLES[0]))
        con.execute(f"DROP TABLE {TIE_TABLES[0]}")
        undirected = _fetch(con, tie_rows(TIE_TABLES[1]))
    finally:
        for t in TIE_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    return directed, undirected


TIE_TABLES = ("_ties_d", "_ties_u")  # temp tables written by tie_tables


def tie_rows(table: str, columns: str = "* EXCLUDE (_a, _b)") -> str:
    """SQL reading ``columns`` of a table of :func:`tie_tables` in the order of the frames
    of :func:`ties` (by account ids; the workspace does not keep the insertion order)."""
    return f"SELECT {columns} FROM {table} ORDER BY _a, _b"


def tie_tables(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> None:
    """:func:`ties` left in DuckDB, for data too large to hold twice in Python: the temp
    tables ``_ties_d`` (directed) and ``_ties_u`` (undirected) of :data:`TIE_TABLES` get the
    rows and columns of the two frames, plus the account ids ``_a, _b`` last (read them in
    order with :func:`tie_rows`). Only the columns that the strength
    components are computed from pass through pandas (:func:`strength_components`); the
    rest is joined back in SQL."""
    sql, args, _ = _tie_events(con, params)
    kinds = _kinds(con, sql, args)
    start, end = _window(con, sql, args, params)
    threshold = float(_option(params, "reciprocity_threshold", 1.0))
    try:
        _stage(con, sql, args)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _td AS {_aggregate_sql(kinds, True)}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tu AS {_aggregate_sql(kinds, False)}")
        # Each temp table is dropped as soon as read for the last time: on 10M synthetic
        # events the tables and pandas copies of the pairs held about 5 GB more than needed.
        con.execute("DROP TABLE te")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tp AS {_pairs_sql(threshold, kinds)}")
        con.execute("DROP TABLE _tu")
        # in the order of the frames (the strength's matrix product can differ in the last
        # bit with the position of a row)
        slim = _fetch(con, tie_rows("_tp", ", ".join(_COMPONENT_INPUTS)))
        with memory_lent(con):  # DuckDB waits: its tables go to disk, not beside pandas
            slim = strength_components(slim, params, start=start, end=end, copy=False)
        added = [c for c in slim.columns if c not in _COMPONENT_INPUTS]
        for c in slim.columns:  # keep the join keys and the new columns only
            if c not in ["_a", "_b", *added]:
                del slim[c]
        # Through a Parquet file, not a registered frame: DuckDB holds what a query scanned
        # from Python until the end of the transaction (about 1 GB on 10M synthetic events).
        with tempfile.TemporaryDirectory(prefix="liens-") as tmp:
            path = Path(tmp) / "strength.parquet"
            pq.write_table(pa.Table.from_pandas(slim, preserve_index=False), path)
            del slim
            con.execute(
                "CREATE OR REPLACE TEMP VIEW _strength AS SELECT * FROM read_parquet("
                + sql_literal(str(path))
                + ")"
            )
            new = ", ".join(f"st.{c}" for c in added)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE {TIE_TABLES[1]} AS
SELECT p.* EXCLUDE (_a, _b, {", ".join(_COMPONENT_ONLY)}), {new}, p._a, p._b
FROM _tp p JOIN _strength st ON st._a = p._a AND st._b = p._b""")
            con.execute("DROP TABLE _tp")
            end_us = con.execute("SELECT epoch_us(CAST(? AS TIMESTAMP))", [str(end)]).fetchone()[0]
            directed = _directed_sql(threshold, end_us)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {TIE_TABLES[0]} AS {directed}")
            con.execute("DROP VIEW _strength")
    except BaseException:
        for t in TIE_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {t}")
        raise
    finally:
        for t in ("te", "_tn", "_td", "_tu", "_tp"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute("DROP VIEW IF EXISTS _strength")


# columns of the pairs read by strength_components; the second list is read only there
_COMPONENT_INPUTS = ["platform", "_a", "_b", "n_events", "weighted_count", "first_at",
                     "last_at", "w_ab", "w_ba", "reciprocated", "n_intimate", "m_ab", "m_ba",
                     "tone_intensity"]  # fmt: skip
_COMPONENT_ONLY = ["n_intimate", "tone_intensity", "m_ab", "m_ba"]


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Result as a DataFrame through Arrow: the text columns arrive as Arrow strings, where
    ``.df()`` builds one Python object per value and pandas converts them back (Higgs ties:
    1.5 s -> 0.6 s CPU). Sums are cast to DOUBLE in SQL (HUGEINT would arrive as Python
    decimals), so the column types are those ``.df()`` gives. Each Arrow column is freed as
    it is converted (``self_destruct``), so both copies are never held whole."""
    table = con.execute(sql).fetch_arrow_table()
    return table.to_pandas(split_blocks=True, self_destruct=True)


_STRENGTH_COLUMNS = ["_a", "_b", "strength", "strength_class"] + [f"c_{c}" for c in COMPONENTS]


def _stage(con: duckdb.DuckDBPyConnection, sql: str, args: list) -> None:
    """Materialise the slice once with integer account ids (``_tn``) ordered like the names.

    Ids are unique across platforms, so pairs never mix platforms, and ordered by (platform,
    account) so that ``a < b`` by id is also ``a < b`` by name.
    """
    # One text key per (platform, account): the two lookups below then share no join
    # condition, so the optimizer cannot pair them into a cross product. Inside the analysis
    # transaction, fresh temp tables have no statistics (estimated at ~1 row) and the
    # two-column form ``platform = platform AND account = actor`` was planned as _tn x _tn on
    # platform: 92 billion rows on Higgs.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ev AS
SELECT *, platform || chr(31) || actor AS _ka, platform || chr(31) || target AS _kt
FROM ({sql})""",
        args,
    )
    con.execute("""CREATE OR REPLACE TEMP TABLE _tn AS
SELECT platform, account, platform || chr(31) || account AS _k,
  CAST(row_number() OVER (ORDER BY platform, account) - 1 AS INTEGER) AS id
FROM (SELECT platform, actor AS account FROM _ev UNION SELECT platform, target FROM _ev)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE te AS
SELECT ns.id AS s, nt.id AS t, kind, created_at, CAST(created_at AS DATE) AS day, context, w,
  tone
FROM _ev e JOIN _tn ns ON ns._k = e._ka
JOIN _tn nt ON nt._k = e._kt""")
    con.execute("DROP TABLE _ev")


def _pairs_sql(threshold: float, kinds: list[str]) -> str:
    """Undirected rows with both directions' weighted counts and amplification.

    The amplifications each way (shares, quotes, mentions) are read from the directed
    rows' per-kind counts rather than from another pass over the events.
    """
    amp = [f"n_{k}" for k in AMPLIFYING_KINDS if k in kinds]

    def m(side: str) -> str:
        return f"coalesce({' + '.join(f'{side}.{c}' for c in amp)}, 0)" if amp else "0"

    return f"""
SELECT na.platform, na.account AS a, nb.account AS b, u.* EXCLUDE (_a, _b),
  coalesce(f.weighted_count, 0) AS w_ab, coalesce(r.weighted_count, 0) AS w_ba,
  coalesce(f.n_events, 0) >= {threshold} AND coalesce(r.n_events, 0) >= {threshold}
    AS reciprocated,
  {m("f")} AS m_ab, {m("r")} AS m_ba, u._a, u._b
FROM _tu u
JOIN _tn na ON na.id = u._a JOIN _tn nb ON nb.id = u._b
LEFT JOIN _td f ON f._a = u._a AND f._b = u._b
LEFT JOIN _td r ON r._a = u._b AND r._b = u._a"""


def _directed_sql(threshold: float, end_us: int) -> str:
    """Directed rows; ``duration_days`` and ``recency_days`` (end of the window ``end_us``
    in microseconds) as :func:`_times` computes them: a difference of microseconds turned
    into a float, then divided by the microseconds of a day."""
    back = "coalesce(r.weighted_count, 0)"
    day = 86_400_000_000
    recip = f"d.n_events >= {threshold} AND coalesce(r.n_events, 0) >= {threshold}"
    return f"""
SELECT ns.platform, ns.account AS source, nt.account AS target,
  d.* EXCLUDE (_a, _b, n_intimate, tone_intensity),
  {back} AS w_back, {recip} AS reciprocated,
  CASE WHEN {recip} THEN 'bilateral' ELSE 'unilateral' END AS orientation,
  least(d.weighted_count, {back}) / greatest(d.weighted_count, {back}) AS balance,
  (d.weighted_count - {back}) / (d.weighted_count + {back}) AS dominance,
  {", ".join(f"st.{c}" for c in _STRENGTH_COLUMNS[2:])},
  CAST(epoch_us(d.last_at) - epoch_us(d.first_at) AS DOUBLE) / {day} AS duration_days,
  CAST({end_us} - epoch_us(d.last_at) AS DOUBLE) / {day} AS recency_days, d._a, d._b
FROM _td d
JOIN _tn ns ON ns.id = d._a JOIN _tn nt ON nt.id = d._b
LEFT JOIN _td r ON r._a = d._b AND r._b = d._a
JOIN _strength st ON st._a = least(d._a, d._b) AND st._b = greatest(d._a, d._b)"""


def _times(df: pd.DataFrame, end) -> None:
    day = pd.Timedelta(days=1)
    df["duration_days"] = (df["last_at"] - df["first_at"]) / day
    df["recency_days"] = (pd.Timestamp(end) - df["last_at"]) / day


def strength_components(
    pairs: pd.DataFrame,
    params: AnalysisParams,
    *,
    start,
    end,
    copy: bool = True,
) -> pd.DataFrame:
    """Add the Granovetter components ``c_<name>``, ``strength`` and ``strength_class``.

    Each component is in [0, 1]:

    - ``c_frequency`` = ln(1 + W) / ln(1 + max W), W the pair's kind-weighted event count,
      max over the platform's pairs (frequency and intensity);
    - ``c_duration`` = duration_days / window length in days (how long the tie has lasted);
    - ``c_recency`` = 2^(-recency_days / h), h = ``recency_half_life_days`` (default 7);
    - ``c_intimacy`` = share of the pair's events that are private messages or replies;
    - ``c_mutuality`` = min(w_ab, w_ba) / max(w_ab, w_ba) (the exchange goes both ways);
    - ``c_services`` = min(m_ab, m_ba) / max(m_ab, m_ba), m the shares, quotes and mentions
      each way (mutual amplification; 0 when neither amplifies the other);
    - ``c_structural`` = |N(a) ∩ N(b)| / |N(a) ∪ N(b)| on the undirected graph of the pairs
      (Jaccard of neighbourhoods, as ``networkx.jaccard_coefficient``);
    - ``c_emotional`` = mean absolute ``tone`` of the pair's events, clipped to [0, 1]; NaN
      when events carry no tone.

    The composite is the weighted mean over the components that are not NaN; the strong
    class is the top ``1 - strong_quantile`` share of the platform's pairs by strength.

    With ``copy=False`` the columns are added to ``pairs`` itself (and the ones read only to
    compute them, ``n_intimate, m_ab, m_ba, tone_intensity``, removed from it).
    """
    out = pairs.copy() if copy else pairs
    _times(out, end)
    wab, wba = out["w_ab"].to_numpy(float), out["w_ba"].to_numpy(float)
    out["orientation"] = np.where(out["reciprocated"], "bilateral", "unilateral")
    out["balance"] = np.minimum(wab, wba) / np.maximum(wab, wba)
    window_days = max((pd.Timestamp(end) - pd.Timestamp(start)) / pd.Timedelta(days=1), 1e-9)
    half_life = float(_option(params, "recency_half_life_days", DEFAULT_RECENCY_HALF_LIFE_DAYS))
    wmax = out.groupby("platform")["weighted_count"].transform("max")
    out["c_frequency"] = np.log1p(out["weighted_count"]) / np.log1p(wmax)
    out["c_duration"] = (out["duration_days"] / window_days).clip(0.0, 1.0)
    out["c_recency"] = np.exp2(-out["recency_days"].clip(lower=0.0) / half_life)
    out["c_intimacy"] = out.pop("n_intimate") / out["n_events"]
    out["c_mutuality"] = out["balance"]
    mab, mba = out.pop("m_ab").to_numpy(float), out.pop("m_ba").to_numpy(float)
    out["c_services"] = np.divide(
        np.minimum(mab, mba), np.maximum(mab, mba), out=np.zeros(len(out)), where=(mab + mba) > 0
    )
    out["c_structural"] = _jaccard(out)
    out["c_emotional"] = out.pop("tone_intensity").clip(0.0, 1.0)
    weights = {**DEFAULT_COMPONENT_WEIGHTS, **_option(params, "component_weights", {})}
    comp = out[[f"c_{c}" for c in COMPONENTS]].to_numpy(dtype=float)
    w = np.array([float(weights.get(c, 0.0)) for c in COMPONENTS])
    present = ~np.isnan(comp)
    num = np.where(present, comp, 0.0) @ w
    den = present.astype(float) @ w
    out["strength"] = np.divide(num, den, out=np.full(len(out), np.nan), where=den > 0)
    q = float(_option(params, "strong_quantile", DEFAULT_STRONG_QUANTILE))
    cut = out.groupby("platform")["strength"].transform(lambda s: s.quantile(q))
    out["strength_class"] = np.where(out["strength"] >= cut, "strong", "weak")
    return out


def _jaccard(pairs: pd.DataFrame) -> np.ndarray:
    """Jaccard similarity of the two ends' neighbourhoods, computed by igraph in C.

    ``_a``/``_b`` are account ids unique across platforms: one graph holds every platform.
    """
    edges = pairs[["_a", "_b"]].to_numpy(dtype=np.int64)
    n = int(edges.max()) + 1 if len(edges) else 0
    g = ig.Graph(n=n, edges=edges, directed=False)
    return np.asarray(g.similarity_jaccard(pairs=edges, loops=False))
