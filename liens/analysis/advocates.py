"""Functions finding a brand's advocates, defenders and detractors in its conversations.

A producteur "sera aussi plus critiqué. Il aura dès lors besoin d'un réseau de défenseurs
actifs" (seeds 000/001). Three roles, read from the structure of the brand's threads:

*advocates*
    engage early and reliably with the brand's publications (:func:`advocates`);
*critics* and *detractors*
    a critic act is a reply, comment or quote in a brand thread (or a mention of the brand)
    that is against the brand; a detractor repeats them;
*defenders*
    answer a critic act in the brand's favour.

"Against" and "in favour" come from a stance label when the source gives one
(``events.extra`` ``{"stance": "support" | "deny" | "query" | "comment"}``, as RumourEval
does), else from tone (:func:`liens.analysis.tone.score_tone`, or an ``event_tone`` table
written by the reputation analysis): a tone score below ``-tone_threshold`` is against, above
``+tone_threshold`` is in favour. Without either, acts are ``unknown`` and only advocates are
found.

Tables written by ``liens analyze`` (analysis ``roles``):

``brand_replies``
    one row per reply, comment, quote or mention in a brand thread: :func:`brand_replies`.
``advocates``
    one row per (brand, account) that engaged with the brand: :func:`advocates`.
``members`` (columns)
    ``advocate``, ``defender``, ``detractor`` (true for at least one brand).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.posture import brand_accounts
from liens.analysis.window import events_query

__all__ = ["DEFAULT_ROLE_RULES", "advocates", "brand_posts_sql", "brand_replies", "event_tone"]

DEFAULT_ROLE_RULES: dict[str, float] = {
    # |tone score| above which a reply is for or against. On RumourEval traindev
    # (bench/eval_stance.py) F1 against deny is flat from 0.05 to 0.4: 0.4 flags fewer critics.
    "tone_threshold": 0.4,
    "early_hours": 2.0,  # "if it has not taken off within two hours" (seed 004)
    "advocate_min_posts": 3,  # brand publications engaged with
    "advocate_min_early_share": 0.5,  # share of those engaged with within early_hours
    "defender_min_acts": 1,  # favourable answers to critics
    "detractor_min_acts": 2,  # critic acts ("repeated")
}


def _rules(params: AnalysisParams) -> dict[str, float]:
    return {**DEFAULT_ROLE_RULES, **{k: float(v) for k, v in
                                      params.options.get("role_rules", {}).items()}}  # fmt: skip


def brand_posts_sql(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams
) -> tuple[str, list, pd.DataFrame]:
    """SQL of the brand's publications: ``platform, post_id, brand, created_at``.

    The brand's publications are the posts of :func:`~liens.analysis.posture.brand_accounts`.
    With ``options["brand_roots"] = True`` every thread's first publication is treated as a
    brand post instead (``brand`` = its author, or the post id when the author is unknown):
    the setting for evaluating on threads such as RumourEval's, where the source tweet plays
    the brand.

    Returns ``(sql, args, brands)``.
    """
    if params.options.get("brand_roots"):
        return (
            "SELECT platform, post_id, coalesce(author, post_id) AS brand, created_at "
            "FROM posts WHERE parent_post_id IS NULL",
            [],
            pd.DataFrame(columns=["platform", "account", "handle", "basis"]),
        )
    brands = brand_accounts(con, params, top=int(params.options.get("brand_fallback_top", 5)))
    pairs = [[p, a] for p, a in zip(brands["platform"], brands["account"], strict=True)]
    return (
        "SELECT platform, post_id, author AS brand, created_at FROM posts "
        "WHERE list_contains(?, [platform, author])",
        [pairs],
        brands,
    )


def event_tone(con: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> pd.Series:
    """Tone score in [-1, 1] of each event of ``events`` (``event_id``, ``text``, ``lang``).

    Read from a numeric ``tone_score`` column of ``events``, else the ``event_tone`` table
    (reputation analysis), else computed with :func:`liens.analysis.tone.score_tone` on the
    texts; NaN when no tone can be had (no text, language not modelled, no model).
    """
    out = pd.Series(np.nan, index=events.index, dtype=float)
    if events.empty:
        return out
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    ev_cols = {r[0] for r in con.execute("DESCRIBE events").fetchall()}
    source = None
    if "tone_score" in ev_cols:
        source = "SELECT event_id, tone_score FROM events"
    elif "event_tone" in tables:
        source = "SELECT event_id, tone_score FROM event_tone"
    if source:
        con.register("_ids", events[["event_id"]])
        try:
            got = con.execute(
                f"SELECT i.event_id, t.tone_score FROM _ids i JOIN ({source}) t USING (event_id)"
            ).df()
        finally:
            con.unregister("_ids")
        m = events["event_id"].map(dict(zip(got["event_id"], got["tone_score"], strict=True)))
        out = m.astype(float)
    todo = out.isna() & events["text"].notna()
    if todo.any():
        try:
            from liens.analysis.tone import score_tone
        except ImportError:  # tone model not installed: stance labels only
            return out
        texts = events.loc[todo, "text"].tolist()
        langs = events.loc[todo, "lang"] if "lang" in events else None
        if langs is not None and langs.notna().any():
            # fill unknown languages by detection, keep the source's where it gave one
            from liens.analysis.language import detect_language

            detected = pd.Series(detect_language(texts), index=langs.index)
            langs = langs.where(langs.notna(), detected)
        scored = score_tone(texts, None if langs is None or langs.isna().all() else list(langs))
        out.loc[todo] = scored["tone_score"].to_numpy(dtype=float)
    return out


def brand_replies(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    use_stance: bool = True,
) -> pd.DataFrame:
    """Replies, comments, quotes and mentions in the brand's threads, each for or against.

    A reply is in a brand thread when its root (or, without a root, its parent) is a brand
    publication (:func:`brand_posts_sql`); a mention is a ``mention`` event addressed to a
    brand account. The brand's own events are left out. Each act gets

    - ``stance`` (the source's label, when ``use_stance`` and present), ``tone`` (score);
    - ``position``: ``against`` (stance ``deny``, else tone < -threshold), ``favour``
      (stance ``support``, else tone > threshold), ``neutral`` or ``unknown``
      (no stance and no tone); ``basis``: ``stance``, ``tone`` or ``none``;
    - ``critic``: position ``against``;
    - ``defence``: position ``favour`` and its parent publication is a critic act by
      another account.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window, ``options["role_rules"]`` (``tone_threshold``), ``brand_roots``.
    use_stance : read stance labels (False to classify by tone only, e.g. to evaluate tone
        against the labels).

    Returns
    -------
    DataFrame ``event_id, platform, kind, actor, brand, created_at, post_id,
    parent_post_id, parent_actor, stance, tone, position, basis, critic, defence``.

    Notes
    -----
    A stance label of a reply deeper in the thread is, in RumourEval, its stance towards the
    source's claim (the brand), which is what is needed here: a ``support`` answering a
    ``deny`` is a defence.

    References
    ----------
    L. Derczynski et al., "SemEval-2017 Task 8: RumourEval", 2017 (support, deny, query,
    comment); A. Zubiaga et al., "Analysing how people orient to and spread rumours in social
    media by looking at conversational threads", PLoS ONE 11(3), 2016.
    """
    params = params or AnalysisParams()
    rules = _rules(params)
    sql, args = events_query(params)
    bsql, bargs, _ = brand_posts_sql(con, params)
    df = con.execute(
        f"""
WITH ev AS ({sql}), bp AS ({bsql}),
ba AS (SELECT DISTINCT platform, brand FROM bp),
thread AS (
  SELECT e.*, bp.brand FROM ev e
  JOIN bp ON bp.platform = e.platform
    AND bp.post_id = coalesce(e.root_post_id, e.parent_post_id)
  WHERE e.kind IN ('reply', 'comment', 'quote')
    AND e.post_id IS DISTINCT FROM bp.post_id AND e.actor IS DISTINCT FROM bp.brand),
men AS (
  SELECT e.*, e.target AS brand FROM ev e
  JOIN ba ON ba.platform = e.platform AND ba.brand = e.target
  WHERE e.kind = 'mention' AND e.actor IS DISTINCT FROM e.target),
acts AS (SELECT * FROM thread UNION ALL BY NAME SELECT * FROM men)
SELECT a.event_id, a.platform, a.kind, a.actor, a.brand, a.created_at, a.post_id,
  a.parent_post_id, p.author AS parent_actor, a.text, a.lang,
  json_extract_string(a.extra, '$.stance') AS stance
FROM acts a LEFT JOIN posts p ON p.platform = a.platform AND p.post_id = a.parent_post_id
ORDER BY a.created_at, a.event_id""",
        [*bargs, *args],
    ).df()
    if not use_stance:
        df["stance"] = None
    df["tone"] = event_tone(con, df)
    th = rules["tone_threshold"]
    has_stance = df["stance"].notna()
    has_tone = df["tone"].notna()
    df["basis"] = np.select([has_stance, has_tone], ["stance", "tone"], "none")
    df["position"] = np.select(
        [
            has_stance & (df["stance"] == "deny"),
            has_stance & (df["stance"] == "support"),
            has_stance,
            has_tone & (df["tone"] < -th),
            has_tone & (df["tone"] > th),
            has_tone,
        ],
        ["against", "favour", "neutral", "against", "favour", "neutral"],
        "unknown",
    )
    df["critic"] = df["position"] == "against"
    critic_posts = df.loc[df["critic"] & df["post_id"].notna(), ["post_id", "actor"]]
    critic_actor = dict(zip(critic_posts["post_id"], critic_posts["actor"], strict=True))
    parent_is_critic = df["parent_post_id"].isin(critic_actor.keys())
    other = df["parent_post_id"].map(critic_actor).ne(df["actor"]) | df["actor"].isna()
    df["defence"] = (df["position"] == "favour") & parent_is_critic & other
    return df.drop(columns=["text", "lang"])


def advocates(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    replies: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Advocates, defenders and detractors of each brand account.

    For an account :math:`a` and a brand :math:`b` with :math:`P_b` publications in the window:

    - ``posts_engaged`` :math:`n_{ab}`: brand publications :math:`a` interacted with (any
      interaction anchored on the post, or a reply anywhere in its thread);
    - ``reliability`` :math:`= n_{ab} / |P_b|`;
    - ``early_share``: share of those whose first interaction by :math:`a` came within
      ``early_hours`` of publication (timed interactions only); ``median_delay_hours``;
    - ``advocate``: :math:`n_{ab} \\ge` ``advocate_min_posts`` and ``early_share`` :math:`\\ge`
      ``advocate_min_early_share`` and not a detractor;
    - ``defender``: ``defences`` :math:`\\ge` ``defender_min_acts`` (see :func:`brand_replies`);
    - ``detractor``: ``critic_acts`` :math:`\\ge` ``detractor_min_acts`` and more critic acts
      than favourable ones;
    - ``advocacy_score`` :math:`= reliability \\times early\\_share` in [0, 1].

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window and ``options["role_rules"]`` (:data:`DEFAULT_ROLE_RULES`).
    replies : precomputed :func:`brand_replies`.

    Returns
    -------
    DataFrame ``platform, brand, account, handle, posts_engaged, brand_posts, reliability,
    early_share, median_delay_hours, advocacy_score, replies_in_threads, favourable_acts,
    critic_acts, defences, advocate, defender, detractor, role`` (comma-separated roles or
    empty), for every non-anonymous account that engaged with a brand.

    Notes
    -----
    Anonymous acts (``actor`` NULL, e.g. RumourEval, whose data has no user ids) count in
    :func:`brand_replies` but cannot make anyone an advocate. Interactions known only to the
    day (Stack Exchange votes) are not timed.

    References
    ----------
    Seeds 000/001 ("un réseau de défenseurs actifs"); R. Rissoan, *Réseaux sociaux*, ENI.
    """
    params = params or AnalysisParams()
    rules = _rules(params)
    replies = brand_replies(con, params) if replies is None else replies
    sql, args = events_query(params)
    bsql, bargs, _ = brand_posts_sql(con, params)
    eng = con.execute(
        f"""
WITH ev AS ({sql}), bp AS ({bsql}),
n AS (SELECT platform, brand, count(*) AS brand_posts FROM bp GROUP BY ALL),
i AS (
  SELECT bp.platform, bp.brand, bp.post_id, e.actor,
    min(epoch(e.created_at - bp.created_at) / 3600.0)
      FILTER (WHERE NOT coalesce(e.extra LIKE '%"time_precision":"day"%', false)) AS delay_h
  FROM ev e JOIN bp ON bp.platform = e.platform AND bp.post_id = CASE
    WHEN e.kind IN ('reaction', 'vote', 'accept') THEN e.post_id
    ELSE coalesce(e.root_post_id, e.parent_post_id) END
  WHERE e.kind IN ('reply', 'comment', 'share', 'quote', 'reaction', 'vote', 'accept')
    AND e.actor IS NOT NULL AND e.actor <> bp.brand AND e.post_id IS DISTINCT FROM bp.post_id
  GROUP BY ALL)
SELECT i.platform, i.brand, i.actor AS account, a.handle,
  count(*) AS posts_engaged, any_value(n.brand_posts) AS brand_posts,
  count(*) FILTER (WHERE i.delay_h <= ?) / nullif(count(i.delay_h), 0) AS early_share,
  median(i.delay_h) AS median_delay_hours
FROM i JOIN n USING (platform, brand)
LEFT JOIN accounts a ON a.platform = i.platform AND a.account_id = i.actor
GROUP BY ALL""",
        [*bargs, *args, rules["early_hours"]],
    ).df()
    named = replies[replies["actor"].notna()]
    acts = (
        named.assign(
            fav=named["position"] == "favour",
            crit=named["critic"],
            dfn=named["defence"],
        )
        .groupby(["platform", "brand", "actor"], as_index=False)
        .agg(
            replies_in_threads=("event_id", "size"),
            favourable_acts=("fav", "sum"),
            critic_acts=("crit", "sum"),
            defences=("dfn", "sum"),
        )
        .rename(columns={"actor": "account"})
    )
    df = eng.merge(acts, on=["platform", "brand", "account"], how="outer")
    for c in ("posts_engaged", "replies_in_threads", "favourable_acts", "critic_acts", "defences"):
        df[c] = df[c].fillna(0).astype("int64")
    df["early_share"] = df["early_share"].astype(float)
    df["median_delay_hours"] = df["median_delay_hours"].astype(float)
    df["reliability"] = df["posts_engaged"] / df["brand_posts"]
    df["advocacy_score"] = (df["reliability"] * df["early_share"]).fillna(0.0)
    df["detractor"] = (df["critic_acts"] >= rules["detractor_min_acts"]) & (
        df["critic_acts"] > df["favourable_acts"]
    )
    df["defender"] = df["defences"] >= rules["defender_min_acts"]
    df["advocate"] = (
        (df["posts_engaged"] >= rules["advocate_min_posts"])
        & (df["early_share"].fillna(0) >= rules["advocate_min_early_share"])
        & ~df["detractor"]
    )
    role = pd.Series("", index=df.index, dtype=object)
    for r in ("advocate", "defender", "detractor"):
        role = role + np.where(df[r], r + ",", "")
    df["role"] = role.str.rstrip(",")
    cols = [
        "platform", "brand", "account", "handle", "posts_engaged", "brand_posts",
        "reliability", "early_share", "median_delay_hours", "advocacy_score",
        "replies_in_threads", "favourable_acts", "critic_acts", "defences", "advocate",
        "defender", "detractor", "role",
    ]  # fmt: skip
    return df.reindex(columns=cols).sort_values(
        ["platform", "brand", "advocacy_score", "account"],
        ascending=[True, True, False, True],
        ignore_index=True,
    )
