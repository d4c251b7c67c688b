"""Functions measuring reputation: the tone of what is said about the brand, over time and by whom.

Tables written by ``liens analyze`` (analysis ``reputation``):

``event_tone``
    one row per event with text: ``event_id``, ``lang``, ``tone_label`` (negative, neutral,
    positive or NULL when the language is not modelled), ``tone_score`` (P(positive) −
    P(negative), in [-1, 1]), ``attack_score`` (probability of hostility, [0, 1]),
    ``is_attack``, ``complaint_score`` (a complaint addressed to a brand, [0, 1], see
    :mod:`liens.analysis.complaints`), ``is_complaint``. Incremental: events already scored
    are not scored again.
``reputation_daily``
    one row per (day, dimension, key): ``dimension`` is ``all``, ``account`` (the owned
    account talked about), ``community`` (the speaker's community, when ``members.community``
    exists) or ``hashtag``; columns ``mentions`` (scored texts), ``positive``, ``neutral``,
    ``negative``, ``attacks``, ``complaints``, ``negative_share``, ``weighted_negative_share``,
    ``complaint_share``, ``net_tone``.
``reputation_accounts``
    one row per speaker: ``platform``, ``account``, ``mentions``, ``positive``, ``neutral``,
    ``negative``, ``attacks``, ``complaints`` (the top complainers have the most),
    ``net_tone``, ``role`` (``detractor``, ``defender`` or ``neutral``), ``first_at``,
    ``last_at``.

What is "said about the brand": events whose text was scored, made by an account that is not
owned, addressed to an owned account (``target``) or naming one (``mentions``); when the
workspace has no owned account, every scored event (the community's talk as a whole).
Owned accounts are ``accounts.owned`` plus the ids or handles given in
``params.options["owned"]``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query
from liens.store.workspace import sql_literal

__all__ = [
    "NEGATIVE_WEIGHT",
    "Scorer",
    "brand_mentions_query",
    "event_tone",
    "reputation_accounts",
    "reputation_daily",
    "run",
    "store_event_tone",
    "tone_scorer",
    "update_event_tone",
]

#: How much more a negative voice weighs than a positive one. Seed 003 (a comment on Latin
#: culture): a reproach is believed far more readily than a compliment. Psychology measures
#: the same asymmetry ("bad is stronger than good", Baumeister et al. 2001), of the order of
#: two to one; 2 is the default, ``options["negative_weight"]`` changes it.
NEGATIVE_WEIGHT = 2.0

#: Smallest number of texts for an account to be called a detractor or a defender.
MIN_MENTIONS = 2

EVENT_TONE_COLUMNS = {
    "event_id": "VARCHAR",
    "lang": "VARCHAR",
    "tone_label": "VARCHAR",
    "tone_score": "DOUBLE",
    "attack_score": "DOUBLE",
    "is_attack": "BOOLEAN",
    "complaint_score": "DOUBLE",
    "is_complaint": "BOOLEAN",
}

Scorer = Callable[[Sequence[str], Sequence[str | None] | None], pd.DataFrame]


def tone_scorer(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> pd.DataFrame:
    """Score texts with the tone and attack models of :mod:`liens.analysis.tone`.

    Returns the columns ``lang``, ``tone_label``, ``tone_score``, ``attack_score``,
    ``is_attack`` (one row per text, same order).
    """
    from liens.analysis.tone import score_tone_and_attack

    return score_tone_and_attack(texts, langs)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def event_tone(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    scorer: Scorer | None = None,
    batch: int = 20_000,
) -> pd.DataFrame:
    """Tone and hostility of every event with text, scoring only events not scored before.

    The new scores are added to the workspace's ``event_tone`` table first
    (:func:`update_event_tone`), then the whole table is returned.

    Parameters
    ----------
    con : duckdb connection to a workspace
    params : AnalysisParams, optional
        The time window; events outside it are not scored (rows already scored are kept).
    scorer : callable, optional
        ``scorer(texts, langs) -> DataFrame(lang, tone_label, tone_score, attack_score,
        is_attack)``; default :func:`tone_scorer`. Tests and other models plug in here.
    batch : int
        Texts per call of the scorer.

    Returns
    -------
    pandas.DataFrame
        The whole ``event_tone`` table (previous rows plus new ones), columns as in the module
        docstring.
    """
    update_event_tone(con, params, scorer=scorer, batch=batch)
    out = con.execute(f"SELECT {', '.join(EVENT_TONE_COLUMNS)} FROM event_tone").df()
    if out.empty:
        return _empty(EVENT_TONE_COLUMNS)
    out["is_attack"] = out["is_attack"].astype("boolean")
    out["is_complaint"] = out["is_complaint"].astype("boolean")
    return out


def update_event_tone(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    scorer: Scorer | None = None,
    batch: int = 20_000,
) -> int:
    """Score the events with text not yet in ``event_tone`` and add them; returns rows added.

    The texts to score are staged in the workspace and read ``batch`` at a time, each batch
    written as soon as it is scored, so memory does not grow with the number of texts.
    Within a batch (texts in order, so repeats are neighbours) each distinct (text,
    language) pair is scored once: a retweet's text is the original's. The language given by
    the source (``events.lang``) is passed to the scorer; missing ones are detected, text by
    text. Events without text, or with only blanks, are not listed.
    """
    scorer = scorer or tone_scorer
    params = params or AnalysisParams()
    sql, args = events_query(params)
    if "event_tone" not in _tables(con):
        cols = ", ".join(f"{c} {t}" for c, t in EVENT_TONE_COLUMNS.items())
        con.execute(f"CREATE TABLE event_tone ({cols})")
    _complete_complaints(con, params, batch)
    # Stored in _n order, so that each batch's range reads only its own row groups (without
    # the ORDER BY every batch scanned the whole table: 75 ms a batch at 1M events).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _tone_todo AS
SELECT row_number() OVER (ORDER BY e.text, e.lang, e.event_id) - 1 AS _n,
  e.event_id, e.text, e.lang
FROM ({sql}) e
WHERE e.text IS NOT NULL AND trim(e.text) <> ''
  AND NOT EXISTS (SELECT 1 FROM event_tone t WHERE t.event_id = e.event_id)
ORDER BY _n""",
        args,
    )
    try:
        (total,) = con.execute("SELECT count(*) FROM _tone_todo").fetchone()
        for start in range(0, total, batch):
            chunk = con.execute(
                "SELECT event_id, text, lang FROM _tone_todo WHERE _n >= ? AND _n < ?",
                [start, start + batch],
            ).df()
            _store_scores(con, _score_batch(chunk, scorer, con, params))
    finally:
        con.execute("DROP TABLE IF EXISTS _tone_todo")
    return total


def _score_batch(
    chunk: pd.DataFrame, scorer: Scorer, con: duckdb.DuckDBPyConnection, params: AnalysisParams
) -> pd.DataFrame:
    """Scores of one batch of ``event_id, text, lang`` rows, each distinct pair scored once."""
    langs = pd.Series(
        [la if isinstance(la, str) and la else None for la in chunk["lang"]], dtype=object
    )
    missing = langs.isna().to_numpy()
    if missing.any():
        from liens.analysis.language import detect_language
        from liens.analysis.tone import MAX_CHARS

        # on the opening the scorer reads, so that detecting here changes nothing
        langs[missing] = detect_language([t[:MAX_CHARS] for t in chunk["text"][missing]])
    key = pd.MultiIndex.from_arrays([chunk["text"], langs.fillna("")])
    first, distinct = pd.factorize(key)
    texts = [t for t, _ in distinct]
    given = [la or None for _, la in distinct]
    scored = scorer(texts, given if any(given) else None).reset_index(drop=True)
    if "complaint_score" not in scored.columns:  # a tone-only scorer (tests, plug-ins)
        found = _complaints(texts, list(scored["lang"]), scored["tone_score"], con, params)
        scored["complaint_score"] = found["complaint_score"].to_numpy()
        scored["is_complaint"] = found["is_complaint"].to_numpy()
    out = scored.iloc[first].reset_index(drop=True)
    out.insert(0, "event_id", chunk["event_id"].to_numpy())
    return out[list(EVENT_TONE_COLUMNS)]


def _store_scores(con: duckdb.DuckDBPyConnection, scores: pd.DataFrame) -> None:
    scores = scores.astype({"is_attack": "boolean", "is_complaint": "boolean"})
    con.register("_liens_tone", scores)
    try:
        names = ", ".join(EVENT_TONE_COLUMNS)
        con.execute(f"INSERT INTO event_tone SELECT {names} FROM _liens_tone")
    finally:
        con.unregister("_liens_tone")


def _complaints(texts, langs, tones, con, params: AnalysisParams) -> pd.DataFrame:
    """Complaint scores of texts whose language is known, the brand's names as targets and
    the tone scores already computed as the model's tone feature."""
    from liens.analysis.complaints import score_complaints

    owned = owned_accounts(con, params.options.get("owned", ()))
    targets = [*owned["handle"].dropna().astype(str), *params.options.get("terms", ())]
    return score_complaints(
        texts,
        [la if isinstance(la, str) else "" for la in langs],
        targets=targets,
        tone_scores=np.asarray(tones, dtype=float),
    )


def _complete_complaints(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, batch: int = 20_000
) -> None:
    """Give complaint scores to cached ``event_tone`` rows that lack them or whose scores came
    from another complaint scorer.

    The cache outlives versions of liens. ``event_tone.complaint_score`` carries the scorer's
    :data:`~liens.analysis.complaints.MODEL_ID` as its column comment; when it differs (or the
    columns predate complaints) the complaint columns are cleared and filled again in place,
    ``batch`` rows at a time, from the text, the stored language and the stored tone: the
    tone model is not called again.
    """
    from liens.analysis.complaints import MODEL_ID

    have = {r[0] for r in con.execute("DESCRIBE event_tone").fetchall()}
    for column in ("complaint_score", "is_complaint"):
        if column not in have:
            con.execute(f"ALTER TABLE event_tone ADD COLUMN {column} {EVENT_TONE_COLUMNS[column]}")
    (stored,) = con.execute(
        """SELECT comment FROM duckdb_columns() WHERE table_name = 'event_tone'
           AND column_name = 'complaint_score' AND schema_name = current_schema()"""
    ).fetchone()
    if stored == MODEL_ID:
        return
    con.execute("UPDATE event_tone SET complaint_score = NULL, is_complaint = NULL")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _complaint_todo AS
SELECT row_number() OVER (ORDER BY t.event_id) - 1 AS _n, t.event_id, e.text, t.lang,
  t.tone_score
FROM event_tone t JOIN events e USING (event_id)
WHERE t.lang IN ('fr', 'en')
ORDER BY _n"""
    )
    try:
        (total,) = con.execute("SELECT count(*) FROM _complaint_todo").fetchone()
        for start in range(0, total, batch):
            todo = con.execute(
                """SELECT event_id, text, lang, tone_score FROM _complaint_todo
                   WHERE _n >= ? AND _n < ?""",
                [start, start + batch],
            ).df()
            found = _complaints(
                list(todo["text"]), list(todo["lang"]), todo["tone_score"], con, params
            )
            found.insert(0, "event_id", todo["event_id"].to_numpy())
            con.register(
                "_liens_complaints", found[["event_id", "complaint_score", "is_complaint"]]
            )
            try:
                con.execute(
                    """UPDATE event_tone SET complaint_score = c.complaint_score,
                         is_complaint = CAST(c.is_complaint AS BOOLEAN)
                       FROM _liens_complaints c WHERE event_tone.event_id = c.event_id"""
                )
            finally:
                con.unregister("_liens_complaints")
    finally:
        con.execute("DROP TABLE IF EXISTS _complaint_todo")
    # set last: a run stopped half way clears and scores again next time
    con.execute(f"COMMENT ON COLUMN event_tone.complaint_score IS {sql_literal(MODEL_ID)}")


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    kinds = {"VARCHAR": "string", "DOUBLE": "float64", "BOOLEAN": "boolean", "BIGINT": "int64"}
    return pd.DataFrame({c: pd.Series(dtype=kinds.get(t, "object")) for c, t in columns.items()})


def owned_accounts(con: duckdb.DuckDBPyConnection, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Owned accounts: ``accounts.owned`` plus ids or handles listed in ``extra``.

    Returns ``platform, account_id, handle`` (one row per account found).
    """
    names = [str(x).lstrip("@").lower() for x in extra]
    return con.execute(
        """SELECT DISTINCT platform, account_id, handle FROM accounts
           WHERE owned OR lower(account_id) IN (SELECT unnest(?::VARCHAR[]))
              OR lower(ltrim(handle, '@')) IN (SELECT unnest(?::VARCHAR[]))""",
        [names, names],
    ).df()


def brand_mentions_query(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams,
    *,
    terms: Sequence[str] = (),
) -> tuple[str, list, str]:
    """SQL selecting what is said about the brand, with the owned account it concerns.

    Returns ``(sql, args, scope)``: the query's columns are every ``events`` column plus
    ``about`` (the owned account addressed or named, or the tracked term matched); ``scope``
    is ``owned`` (mentions of owned accounts, and tracked terms), ``terms`` (tracked terms
    only) or ``all`` (no owned account and no term: every event, ``about`` NULL).

    An event addressing several owned accounts is listed once, under the first (by id).
    Events made by owned accounts are left out: the brand does not mention itself.
    """
    owned = owned_accounts(con, params.options.get("owned", ()))
    terms = [t.lower() for t in terms or params.options.get("terms", ()) if t]
    sql, args = events_query(params)
    if owned.empty and not terms:
        return f"SELECT *, CAST(NULL AS VARCHAR) AS about FROM ({sql})", args, "all"
    con.register("_owned", owned)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _liens_owned AS SELECT CAST(platform AS VARCHAR) AS
           platform, CAST(account_id AS VARCHAR) AS account_id, CAST(handle AS VARCHAR) AS handle
           FROM _owned"""
    )
    con.unregister("_owned")
    term_sql = (
        "(SELECT min(t) FROM unnest(?::VARCHAR[]) AS u(t) WHERE contains(lower(e.text), t))"
        if terms
        else "CAST(NULL AS VARCHAR)"
    )
    query = f"""
SELECT * EXCLUDE (_by_owned) FROM (
  SELECT e.*,
    coalesce(
      (SELECT min(o.account_id) FROM _liens_owned o
        WHERE o.platform = e.platform AND (o.account_id = e.target
          OR list_has_any(list_transform(coalesce(e.mentions, []), m -> lower(ltrim(m, '@'))),
                          [lower(o.account_id), lower(ltrim(coalesce(o.handle, ''), '@'))]))),
      {term_sql}) AS about,
    EXISTS (SELECT 1 FROM _liens_owned o
            WHERE o.platform = e.platform AND o.account_id = e.actor) AS _by_owned
  FROM ({sql}) e)
WHERE about IS NOT NULL AND NOT _by_owned"""
    return query, [*([terms] if terms else []), *args], ("owned" if not owned.empty else "terms")


def _said(con, params, weight: float, tone_table: str) -> tuple[str, list, str]:
    """Scored brand mentions with the columns used by the reputation tables."""
    sql, args, scope = brand_mentions_query(con, params)
    query = f"""
SELECT m.event_id, m.platform, m.actor, m.about, m.created_at, m.hashtags,
  t.tone_label, t.tone_score, coalesce(t.is_attack, false) AS is_attack,
  coalesce(t.is_complaint, false) AS is_complaint,
  CASE t.tone_label WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -{float(weight)} ELSE 0.0 END
    AS weighted
FROM ({sql}) m JOIN {tone_table} t ON t.event_id = m.event_id
WHERE t.tone_label IS NOT NULL"""
    return query, args, scope


_MEASURES = """
  count(*) AS mentions,
  count(*) FILTER (WHERE tone_label = 'positive') AS positive,
  count(*) FILTER (WHERE tone_label = 'neutral') AS neutral,
  count(*) FILTER (WHERE tone_label = 'negative') AS negative,
  count(*) FILTER (WHERE is_attack) AS attacks,
  count(*) FILTER (WHERE is_complaint) AS complaints,
  count(*) FILTER (WHERE tone_label = 'negative') / count(*) AS negative_share,
  count(*) FILTER (WHERE is_complaint) / count(*) AS complaint_share,
  {w} * count(*) FILTER (WHERE tone_label = 'negative')
    / ({w} * count(*) FILTER (WHERE tone_label = 'negative')
       + count(*) FILTER (WHERE tone_label <> 'negative')) AS weighted_negative_share,
  avg(weighted) AS net_tone"""


def reputation_daily(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams,
    *,
    negative_weight: float = NEGATIVE_WEIGHT,
    tone_table: str = "event_tone",
) -> pd.DataFrame:
    """Share of negative and tone-weighted volume of what is said about the brand, per day.

    With ``n_+``, ``n_0``, ``n_-`` the positive, neutral and negative texts of a day and ``w``
    the negative weight:

    .. math::
        \\text{negative\\_share} = \\frac{n_-}{n_+ + n_0 + n_-}, \\quad
        \\text{weighted\\_negative\\_share} = \\frac{w n_-}{w n_- + n_+ + n_0}, \\quad
        \\text{net\\_tone} = \\frac{n_+ - w n_-}{n_+ + n_0 + n_-} \\in [-w, 1]

    and ``complaint_share`` the complaints (:mod:`liens.analysis.complaints`) among the day's
    scored texts, in [0, 1]: complaints over time.

    computed for the whole brand (``dimension = 'all'``, ``key = 'all'``), per owned account
    talked about (``account``), per community of the speaker (``community``, when
    ``members.community`` exists) and per hashtag (``hashtag``, lower-cased).

    Parameters
    ----------
    con : duckdb connection to a workspace holding ``event_tone``
    params : AnalysisParams
        Time window and ``options["owned"]``.
    negative_weight : float
        ``w`` >= 1: a negative text counts ``w`` times (seed 003; default 2).
    tone_table : str
        The table of tones (``event_tone`` or one with its columns).

    Returns
    -------
    pandas.DataFrame
        ``day, dimension, key, mentions, positive, neutral, negative, attacks, complaints,
        negative_share, complaint_share, weighted_negative_share, net_tone, scope`` (``scope`` as in
        :func:`brand_mentions_query`).

    Notes
    -----
    Texts whose tone is unknown (language not modelled) are not counted. Days without a scored
    text have no row (a share is undefined there, not zero).

    References
    ----------
    R. F. Baumeister, E. Bratslavsky, C. Finkenauer, K. D. Vohs, "Bad is stronger than good",
    Review of General Psychology 5(4), 2001.

    Examples
    --------
    One positive, one neutral and one negative text with ``w = 2``: negative share 1/3,
    weighted share 2/4 = 0.5, net tone (1 - 2) / 3 = -1/3.
    """
    if negative_weight < 1:
        raise ValueError("negative_weight must be >= 1")
    said, args, scope = _said(con, params, negative_weight, tone_table)
    measures = _MEASURES.format(w=float(negative_weight))
    has_community = "members" in _tables(con) and "community" in {
        r[0] for r in con.execute("DESCRIBE members").fetchall()
    }
    community = (
        f"""UNION ALL
SELECT day, 'community' AS dimension, CAST(mb.community AS VARCHAR) AS key, {measures}
FROM s JOIN members mb ON mb.platform = s.platform AND mb.account = s.actor
WHERE mb.community IS NOT NULL GROUP BY ALL"""
        if has_community
        else ""
    )
    df = con.execute(
        f"""
WITH s AS (SELECT *, CAST(created_at AS DATE) AS day FROM ({said}))
SELECT * FROM (
SELECT day, 'all' AS dimension, 'all' AS key, {measures} FROM s GROUP BY ALL
UNION ALL
SELECT day, 'account' AS dimension, about AS key, {measures} FROM s
  WHERE about IS NOT NULL GROUP BY ALL
UNION ALL
SELECT day, 'hashtag' AS dimension, h AS key, {measures}
FROM (SELECT *, lower(unnest(hashtags)) AS h FROM s) GROUP BY ALL
{community})
ORDER BY day, dimension, key""",
        args,
    ).df()
    df["scope"] = scope
    return df


def reputation_accounts(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams,
    *,
    negative_weight: float = NEGATIVE_WEIGHT,
    min_mentions: int = MIN_MENTIONS,
    tone_table: str = "event_tone",
) -> pd.DataFrame:
    """Detractors and defenders: the accounts by the net tone of what they say about the brand.

    ``net_tone`` is the mean of +1 (positive), 0 (neutral) and ``-w`` (negative) over an
    account's scored texts about the brand, as in :func:`reputation_daily`. An account with at
    least ``min_mentions`` texts is a ``detractor`` when its net tone is below 0, a
    ``defender`` when above 0; every other account is ``neutral``.

    Parameters
    ----------
    con, params, negative_weight
        As in :func:`reputation_daily`.
    min_mentions : int
        Texts needed before a role is given (one remark does not make a detractor).

    Returns
    -------
    pandas.DataFrame
        ``platform, account, mentions, positive, neutral, negative, attacks, complaints,
        net_tone, role, first_at, last_at``, detractors first (most negative first), then defenders.

    Notes
    -----
    Texts by accounts the platform hides (``actor`` NULL) are not attributed.
    """
    said, args, _ = _said(con, params, negative_weight, tone_table)
    measures = _MEASURES.format(w=float(negative_weight))
    df = con.execute(
        f"""
SELECT platform, actor AS account, {measures}, min(created_at) AS first_at,
  max(created_at) AS last_at
FROM ({said}) WHERE actor IS NOT NULL GROUP BY ALL""",
        args,
    ).df()
    df = df.drop(columns=["negative_share", "weighted_negative_share", "complaint_share"])
    enough = df["mentions"] >= min_mentions
    df["role"] = np.select(
        [enough & (df["net_tone"] < 0), enough & (df["net_tone"] > 0)],
        ["detractor", "defender"],
        "neutral",
    )
    order = df["role"].map({"detractor": 0, "defender": 1, "neutral": 2})
    key = np.where(df["role"] == "defender", -df["net_tone"], df["net_tone"])
    df = df.assign(_o=order, _k=key).sort_values(["_o", "_k", "mentions", "account"])
    df = df.drop(columns=["_o", "_k"]).reset_index(drop=True)
    cols = ["platform", "account", "mentions", "positive", "neutral", "negative", "attacks"]
    cols.append("complaints")
    return df[[*cols, "net_tone", "role", "first_at", "last_at"]]


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    from liens.errors import LiensError

    try:
        update_event_tone(con, params, scorer=params.options.get("tone_scorer"))
    except LiensError as exc:
        # a missing tone model must not stop the other analyses; the report says "not computed"
        warnings.warn(f"reputation not computed: {exc}", stacklevel=2)
        return {}
    weight = float(params.options.get("negative_weight", NEGATIVE_WEIGHT))
    return {
        "reputation_daily": reputation_daily(con, params, negative_weight=weight),
        "reputation_accounts": reputation_accounts(con, params, negative_weight=weight),
    }


def store_event_tone(con: duckdb.DuckDBPyConnection, tone: pd.DataFrame) -> int:
    """Add the rows of ``tone`` not yet in the workspace's ``event_tone``; returns rows added.

    ``event_tone`` is a cache kept across runs (scoring is the slow part), so it is extended
    here rather than replaced by the runner; later analyses of the same run (crisis) read it.
    """
    cols = ", ".join(f"{c} {t}" for c, t in EVENT_TONE_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS event_tone ({cols})")
    con.register("_liens_tone", tone)
    try:
        before = con.execute("SELECT count(*) FROM event_tone").fetchone()[0]
        names = ", ".join(EVENT_TONE_COLUMNS)
        con.execute(
            f"""INSERT INTO event_tone SELECT {names} FROM _liens_tone
                WHERE event_id NOT IN (SELECT event_id FROM event_tone)"""
        )
        return con.execute("SELECT count(*) FROM event_tone").fetchone()[0] - before
    finally:
        con.unregister("_liens_tone")
