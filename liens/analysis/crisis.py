"""Functions detecting crises: alarms on the stream of negative mentions, their drivers, the log.

Tables written by ``liens analyze`` (analysis ``crisis``):

``alarms``
    one row per alarm episode and detector: ``alarm_id`` (stable: ``<stream>-<detector>-<UTC
    time>``, the anchor ``#alarm-<alarm_id>`` of the report), ``stream``, ``detector``,
    ``bin_start`` (first alarmed bin), ``alarm_at`` (end of that bin: when a live system knows),
    ``episode_end`` (end of the last alarmed bin), ``count``, ``baseline``, ``statistic``,
    ``threshold`` (of the first bin), ``peak`` (largest count), ``bins`` (alarmed bins),
    ``window_events``, ``complaints`` and ``complaint_share`` (complaints among the stream's
    events of the drivers' window, :func:`alarm_complaints`).
``alarm_drivers``
    what carries each alarm: ``alarm_id``, ``driver`` (``account``, ``post``, ``hashtag``,
    ``community``, ``broker``), ``rank``, ``key``, ``label``, ``events`` (stream events in the
    alarm window), ``share`` (of the window's events), ``suspicious`` (accounts: looks like a
    fake attacker, see :func:`suspicious_accounts`), ``evidence`` (the reasons, in words).
``incidents``
    who answered what and when: ``alarm_id``, ``at``, ``by``, ``action`` (the kind of the
    owned account's event, or ``note``), ``text``, ``event_id``, ``response_minutes`` (from
    the publication answered), ``since_alarm_minutes``, ``source`` (``workspace`` or
    ``manual``). Manual entries live in ``incident_notes`` (:func:`add_incident_note`), which
    analyses never replace.

The stream (``options["crisis_stream"]``): ``negative`` (brand mentions whose tone is
negative; needs ``event_tone``), ``mentions`` (every brand mention), ``community`` (negative
replies, comments, mentions and quotes of everyone: no brand needed), ``all`` (every event),
or ``auto``: ``negative`` (or ``mentions`` without tones) when owned accounts or tracked terms
exist, else ``community`` when texts have tones, else no stream and no alarm. ``auto`` never
falls back to ``all``: the volume of a whole community swells with every busy week, and the
bundled demo raised 402 alarms in six years that way (see ``docs/reputation.md``). Brand
mentions are defined in :func:`liens.analysis.reputation.brand_mentions_query` (owned
accounts and tracked terms, ``options["terms"]``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.bursts import DETECTORS, alarm_episodes
from liens.analysis.reputation import brand_mentions_query
from liens.analysis.window import events_query

__all__ = [
    "ALARM_COLUMNS",
    "DEFAULTS",
    "add_incident_note",
    "alarm_complaints",
    "alarm_drivers",
    "detect",
    "find_alarms",
    "incident_log",
    "replay",
    "run",
    "stream_counts",
    "stream_query",
    "suspicious_accounts",
]

#: Options of the crisis analysis and their defaults (``params.options`` overrides them).
DEFAULTS: dict[str, object] = {
    "crisis_stream": "auto",
    "detectors": ("kleinberg", "ewma", "cusum", "ratio"),
    "bin_minutes": 60,
    "min_count": 5,  # a crisis needs volume: fewer negative mentions in an hour never alarm
    "cooldown": 3,  # bins of calm inside one episode
    "lookback_bins": 2,  # the drivers window opens this many bins before the alarm
    "top": 10,
    "follow_up_hours": 24,  # owned accounts' answers counted this long after the episode
    "sync_seconds": 120,
    "sync_min": 3,
    "new_account_days": 30,
    "drivers_for": 50,  # drivers are gathered for the most recent alarms only
}

#: Kinds of the ``community`` stream: what people say to or about someone. Votes, edits,
#: publications and moderation are left out: they swell with activity, not with anger.
COMMUNITY_KINDS = ("reply", "comment", "mention", "quote")

ALARM_COLUMNS = [
    "alarm_id", "stream", "detector", "bin_start", "alarm_at", "episode_end", "count",
    "baseline", "statistic", "threshold", "peak", "bins",
]  # fmt: skip
DRIVER_COLUMNS = [
    "alarm_id", "driver", "rank", "key", "label", "events", "share", "suspicious", "evidence",
]  # fmt: skip
INCIDENT_COLUMNS = [
    "alarm_id", "at", "by", "action", "text", "event_id", "response_minutes",
    "since_alarm_minutes", "source",
]  # fmt: skip


def _opt(params: AnalysisParams, name: str):
    return params.options.get(name, DEFAULTS[name])


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}


def stream_query(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, stream: str = "auto"
) -> tuple[str, list, str]:
    """SQL of the events of the watched stream; returns ``(sql, args, stream name)``.

    ``auto`` picks ``negative`` when the workspace has tones and owned accounts or tracked
    terms, ``mentions`` when it has owned accounts or terms but no tones, ``community`` when
    it has neither but has tones, and ``none`` (an empty stream: no alarm) otherwise.
    """
    sql, args, scope = brand_mentions_query(con, params)
    has_tone = (
        "event_tone" in _tables(con)
        and con.execute("SELECT count(*) FROM event_tone WHERE tone_label IS NOT NULL").fetchone()[
            0
        ]
        > 0
    )
    if stream == "auto":
        if scope != "all":
            stream = "negative" if has_tone else "mentions"
        else:
            stream = "community" if has_tone else "none"
    if stream == "none":
        base, base_args = events_query(params)
        return (
            f"SELECT *, CAST(NULL AS VARCHAR) AS about FROM ({base}) WHERE false",
            base_args,
            stream,
        )
    if stream == "community":
        if not has_tone:
            from liens.errors import LiensError

            raise LiensError(
                "the community stream needs tones: run `liens analyze --only tone` first",
                field="crisis_stream",
            )
        base, base_args = events_query(params)
        return (
            f"""SELECT e.*, CAST(NULL AS VARCHAR) AS about FROM ({base}) e
                JOIN event_tone t USING (event_id)
                WHERE t.tone_label = 'negative' AND e.kind IN {COMMUNITY_KINDS}""",
            base_args,
            stream,
        )
    if stream == "all":
        base, base_args = events_query(params)
        return f"SELECT *, CAST(NULL AS VARCHAR) AS about FROM ({base})", base_args, "all"
    if stream == "mentions":
        return sql, args, "mentions"
    if stream == "negative":
        if not has_tone:
            from liens.errors import LiensError

            raise LiensError(
                "the negative stream needs tones: run `liens analyze --only reputation` first",
                field="crisis_stream",
            )
        return (
            f"""SELECT m.* FROM ({sql}) m JOIN event_tone t USING (event_id)
                WHERE t.tone_label = 'negative'""",
            args,
            "negative",
        )
    raise ValueError(f"unknown stream {stream!r}: negative, mentions, community, all or auto")


def stream_counts(
    con: duckdb.DuckDBPyConnection, sql: str, args: list, bin_minutes: int = 60
) -> pd.DataFrame:
    """Events of the stream per bin, every bin from the first to the last listed (zeros kept).

    Returns ``bin`` (start, UTC) and ``count``.
    """
    step = f"INTERVAL {int(bin_minutes)} MINUTE"
    return con.execute(
        f"""
WITH e AS (SELECT time_bucket({step}, created_at) AS bin FROM ({sql}) WHERE created_at IS NOT NULL),
c AS (SELECT bin, count(*) AS count FROM e GROUP BY bin),
g AS (SELECT unnest(generate_series(min(bin), max(bin), {step})) AS bin FROM c)
SELECT g.bin, coalesce(c.count, 0) AS count FROM g LEFT JOIN c USING (bin) ORDER BY g.bin""",
        args,
    ).df()


def _alarm_id(stream: str, detector: str, at: datetime) -> str:
    return f"{stream}-{detector}-{pd.Timestamp(at):%Y%m%dT%H%M}"


def find_alarms(
    counts: pd.DataFrame,
    *,
    stream: str = "stream",
    detectors: Sequence[str] = DEFAULTS["detectors"],  # type: ignore[assignment]
    bin_minutes: int = 60,
    min_count: float = 5,
    cooldown: int = 3,
    detector_options: dict[str, dict] | None = None,
) -> pd.DataFrame:
    """Run the burst detectors on a count series and list one alarm per episode and detector.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``bin`` (start time) and ``count``, regular bins (as :func:`stream_counts` gives).
    stream : str
        Name of the stream, part of the alarm id.
    detectors : sequence of str
        Names in :data:`liens.analysis.bursts.DETECTORS`.
    bin_minutes : int
        Width of a bin; the alarm time is the end of the first alarmed bin.
    min_count, cooldown
        As in :func:`liens.analysis.bursts.alarm_episodes`.
    detector_options : dict, optional
        ``{detector: {option: value}}`` passed to each detector (``s``, ``gamma``, ``lam``…).

    Returns
    -------
    pandas.DataFrame
        The ``alarms`` columns (module docstring), sorted by alarm time.

    Notes
    -----
    The detectors are causal, so an alarm listed here is the alarm a live watch would have
    raised at ``alarm_at``; ids do not change when later data arrive.
    """
    width = pd.Timedelta(minutes=bin_minutes)
    rows = []
    x = counts["count"].to_numpy(float)
    for name in detectors:
        if name not in DETECTORS:
            raise ValueError(f"unknown detector {name!r}; known: {', '.join(DETECTORS)}")
        bins = DETECTORS[name](x, **(detector_options or {}).get(name, {}))
        for ep in alarm_episodes(bins, min_count=min_count, cooldown=cooldown).itertuples():
            start = pd.Timestamp(counts["bin"].iloc[ep.first])
            rows.append(
                {
                    "alarm_id": _alarm_id(stream, name, start + width),
                    "stream": stream,
                    "detector": name,
                    "bin_start": start,
                    "alarm_at": start + width,
                    "episode_end": pd.Timestamp(counts["bin"].iloc[ep.last]) + width,
                    "count": int(ep.count),
                    "baseline": float(ep.baseline),
                    "statistic": float(ep.statistic),
                    "threshold": float(ep.threshold),
                    "peak": int(ep.peak),
                    "bins": int(ep.bins),
                }
            )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=_ALARM_DTYPES[c]) for c in ALARM_COLUMNS})
    return pd.DataFrame(rows).sort_values(["alarm_at", "detector"]).reset_index(drop=True)


_ALARM_DTYPES = {
    "alarm_id": "string", "stream": "string", "detector": "string",
    "bin_start": "datetime64[us]", "alarm_at": "datetime64[us]", "episode_end": "datetime64[us]",
    "count": "int64", "baseline": "float64", "statistic": "float64", "threshold": "float64",
    "peak": "int64", "bins": "int64",
}  # fmt: skip


def suspicious_accounts(
    window: pd.DataFrame,
    history: pd.DataFrame | None,
    *,
    window_start: datetime,
    sync_seconds: float = 120,
    sync_min: int = 3,
    new_account_days: float = 30,
) -> pd.DataFrame:
    """Flag the accounts of an alarm window that look like fake or orchestrated attackers.

    The Ibis case (seed 004): a damning review by someone who was never a client. Four signs,
    each checked on the workspace's own records:

    - ``no_prior``: no interaction with the brand before the window;
    - ``one_off``: at most two events in the whole workspace;
    - ``new_account``: account created less than ``new_account_days`` before the window
      (NULL when the platform does not give creation dates);
    - ``synchronised``: its first event of the window falls within ``sync_seconds`` of the
      first events of at least ``sync_min - 1`` other accounts without prior interaction.

    An account is ``suspicious`` when it has no prior interaction and at least two of the
    three other signs.

    Parameters
    ----------
    window : pandas.DataFrame
        The stream's events in the window: ``actor``, ``created_at``; or already one row per
        actor with ``events`` and ``first_at`` (and the history columns, ``history`` None).
    history : pandas.DataFrame or None
        Per actor of the window: ``actor``, ``prior`` (brand interactions before the window),
        ``total_events`` (in the workspace), ``account_created`` (or NaT).
    window_start : datetime
    sync_seconds, sync_min, new_account_days
        The thresholds above.

    Returns
    -------
    pandas.DataFrame
        ``actor, events, first_at, prior, total_events, no_prior, one_off, new_account,
        synchronised, suspicious, evidence`` (the reasons in English words).

    Notes
    -----
    These are signs, not proof: a loyal customer's first complaint also has no prior
    interaction. The evidence is shown so that a person decides.
    """
    w = window.dropna(subset=["actor"])
    if "events" in w.columns and "first_at" in w.columns:
        per = w.reset_index(drop=True)  # aggregated by the caller (in SQL)
    else:
        per = (
            w.groupby("actor")
            .agg(events=("created_at", "size"), first_at=("created_at", "min"))
            .reset_index()
        )
    if history is not None:
        per = per.merge(history, on="actor", how="left")
    per["prior"] = per["prior"].fillna(0).astype(int)
    per["total_events"] = per["total_events"].fillna(per["events"]).astype(int)
    per["no_prior"] = per["prior"] == 0
    per["one_off"] = per["total_events"] <= 2
    created = pd.to_datetime(per.get("account_created"))
    age = (pd.Timestamp(window_start) - created).dt.total_seconds() / 86400
    per["new_account"] = pd.array(
        np.where(created.isna(), None, age < new_account_days), dtype="boolean"
    )
    # synchronised: neighbours among first-time accounts within +-sync_seconds (sorted search)
    t = per["first_at"].astype("datetime64[ns]").astype("int64").to_numpy() / 1e9
    fresh = per["no_prior"].to_numpy()
    ft = np.sort(t[fresh])
    lo = np.searchsorted(ft, t - sync_seconds, side="left")
    hi = np.searchsorted(ft, t + sync_seconds, side="right")
    others = hi - lo - fresh.astype(int)
    per["synchronised"] = fresh & (others >= sync_min - 1)
    signs = (
        per["one_off"].astype(int)
        + per["new_account"].fillna(False).astype(int)
        + per["synchronised"].astype(int)
    )
    per["suspicious"] = per["no_prior"] & (signs >= 2)

    # The reasons in words, built column-wise: a viral window holds hundreds of thousands of
    # accounts, and a Python function per row took most of the drivers' time on Higgs.
    new = per["new_account"].fillna(False).to_numpy(bool)
    reasons = [
        np.where(per["no_prior"], "no earlier interaction with the brand", ""),
        np.where(
            per["one_off"], per["total_events"].astype(str) + " event(s) in the whole workspace", ""
        ),
        np.where(new, f"account created less than {new_account_days:g} days before", ""),
        np.where(
            per["synchronised"],
            f"posted within {sync_seconds:g} s of other first-time accounts",
            "",
        ),
    ]
    text = pd.Series(reasons[0], index=per.index, dtype=object)
    for part in reasons[1:]:
        part = pd.Series(part, index=per.index, dtype=object)
        both = (text != "") & (part != "")
        text = text + np.where(both, "; ", "") + part
    per["synchronised_with"] = others
    per["evidence"] = text
    cols = ["actor", "events", "first_at", "prior", "total_events", "no_prior", "one_off",
            "new_account", "synchronised", "suspicious", "evidence"]  # fmt: skip
    return per[cols].sort_values(["suspicious", "events"], ascending=False).reset_index(drop=True)


def alarm_drivers(
    con: duckdb.DuckDBPyConnection,
    alarms: pd.DataFrame,
    stream_sql: str,
    stream_args: list,
    params: AnalysisParams,
) -> pd.DataFrame:
    """The posts, accounts, hashtags, communities and brokers carrying each alarm.

    Drivers are gathered for the ``drivers_for`` (50) most recent alarms. The alarm window
    runs from ``lookback_bins`` bins before the first alarmed bin to the end
    of the episode. In it, the stream's events are counted per account (with the signs of
    :func:`suspicious_accounts`), per publication carried (the post shared, replied to or
    quoted, else the event's own), per hashtag, per community of the speaker and for the
    brokers among the speakers (members whose betweenness is in the top 5 %), when the
    ``members`` table has those columns.

    Returns
    -------
    pandas.DataFrame
        The ``alarm_drivers`` columns (module docstring); ``share`` is events / window events.
    """
    if alarms.empty:
        return _empty_drivers()
    alarms = alarms.sort_values("alarm_at").tail(int(_opt(params, "drivers_for")))
    top = int(_opt(params, "top"))
    width = pd.Timedelta(minutes=int(_opt(params, "bin_minutes")))
    tables = _tables(con)
    mcols = _columns(con, "members") if "members" in tables else set()
    # history of brand interactions, whole workspace (no window): "never a client before?"
    hist_params = replace(params, start=None, end=None)
    brand_sql, brand_args, _ = brand_mentions_query(con, hist_params)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _liens_brand AS
            SELECT platform, actor, created_at FROM ({brand_sql})""",
        brand_args,
    )
    brand_sql, brand_args = "SELECT * FROM _liens_brand", []
    # Counted once for all alarms rather than once per window (each was a scan of events or
    # a join with the wide members table): events per account, and the members columns used.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _liens_totals AS SELECT platform, actor,
             count(*) AS total_events FROM events WHERE actor IS NOT NULL GROUP BY ALL"""
    )
    used = [c for c in ("community", "betweenness") if c in mcols]
    if used:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _liens_members AS
                SELECT platform, account, {", ".join(used)} FROM members"""
        )
    out = []
    for a in alarms.itertuples():
        start = pd.Timestamp(a.bin_start) - int(_opt(params, "lookback_bins")) * width
        end = pd.Timestamp(a.episode_end)
        win = f"SELECT * FROM ({stream_sql}) WHERE created_at >= ? AND created_at < ?"
        wargs = [*stream_args, start, end]
        n = con.execute(f"SELECT count(*) FROM ({win})", wargs).fetchone()[0]
        if n == 0:
            continue

        def add(driver, df, _a=a, _n=n):
            for i, r in enumerate(df.itertuples(), 1):
                out.append(
                    {
                        "alarm_id": _a.alarm_id,
                        "driver": driver,
                        "rank": i,
                        "key": str(r.key),
                        "label": None if pd.isna(r.label) else str(r.label),
                        "events": int(r.events),
                        "share": r.events / _n,
                        "suspicious": bool(getattr(r, "suspicious", False)),
                        "evidence": getattr(r, "evidence", None),
                    }
                )

        # accounts, with the signs of a fake attack
        # one row per account of the window, counted in SQL: a viral window has 10^5 of them
        per_actor = con.execute(
            f"""
WITH w AS (SELECT platform, actor, count(*) AS events, min(created_at) AS first_at
           FROM ({win}) WHERE actor IS NOT NULL GROUP BY ALL),
p AS (SELECT b.actor, count(*) AS prior FROM ({brand_sql}) b JOIN w USING (platform, actor)
      WHERE b.created_at < ? GROUP BY ALL),
t AS (SELECT e.actor, sum(e.total_events) AS total_events FROM _liens_totals e
      JOIN w USING (platform, actor) GROUP BY ALL)
SELECT w.actor, w.events, w.first_at, coalesce(p.prior, 0) AS prior, t.total_events,
  max(ac.created_at) AS account_created
FROM w LEFT JOIN p ON p.actor = w.actor LEFT JOIN t ON t.actor = w.actor
LEFT JOIN accounts ac ON ac.platform = w.platform AND ac.account_id = w.actor
GROUP BY ALL""",
            [*wargs, *brand_args, start],
        ).df()
        sus = suspicious_accounts(
            per_actor,
            None,
            window_start=start,
            sync_seconds=float(_opt(params, "sync_seconds")),
            sync_min=int(_opt(params, "sync_min")),
            new_account_days=float(_opt(params, "new_account_days")),
        )
        ranked = sus.sort_values(["events", "actor"], ascending=[False, True])
        # the top speakers, then the most active suspicious ones (a viral cascade is full of
        # first-time, one-off, simultaneous accounts: list a few, not thousands)
        shown = pd.concat([ranked.head(top), ranked[ranked["suspicious"]].head(top)])
        shown = shown.drop_duplicates("actor")
        handles = dict(
            con.execute(
                "SELECT account_id, handle FROM accounts WHERE account_id IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [list(shown["actor"].astype(str))],
            ).fetchall()
        )
        add(
            "account",
            shown.assign(key=shown["actor"], label=shown["actor"].map(handles)),
        )
        # publications carried: what the stream's events share, answer or quote
        posts = con.execute(
            f"""
SELECT coalesce(w.parent_post_id, w.post_id) AS key, count(*) AS events,
  coalesce(any_value(p.text), any_value(w.text)) AS label
FROM ({win}) w
LEFT JOIN posts p ON p.platform = w.platform
  AND p.post_id = coalesce(w.parent_post_id, w.post_id)
WHERE coalesce(w.parent_post_id, w.post_id) IS NOT NULL
GROUP BY 1 ORDER BY events DESC, key LIMIT {top}""",
            wargs,
        ).df()
        add("post", posts)
        tags = con.execute(
            f"""SELECT lower(h) AS key, count(*) AS events, NULL AS label
                FROM (SELECT unnest(hashtags) AS h FROM ({win})) GROUP BY 1
                ORDER BY events DESC, key LIMIT {top}""",
            wargs,
        ).df()
        add("hashtag", tags)
        if "community" in mcols:
            comm = con.execute(
                f"""SELECT CAST(m.community AS VARCHAR) AS key, count(*) AS events, NULL AS label
                    FROM ({win}) w JOIN _liens_members m
                      ON m.platform = w.platform AND m.account = w.actor
                    WHERE m.community IS NOT NULL GROUP BY 1
                    ORDER BY events DESC, key LIMIT {top}""",
                wargs,
            ).df()
            add("community", comm)
        if "betweenness" in mcols:
            brokers = con.execute(
                f"""
WITH cut AS (SELECT quantile_cont(betweenness, 0.95) AS q FROM _liens_members
             WHERE betweenness > 0)
SELECT w.actor AS key, count(*) AS events, any_value(m.betweenness) AS label
FROM ({win}) w JOIN _liens_members m ON m.platform = w.platform AND m.account = w.actor, cut
WHERE m.betweenness >= cut.q AND m.betweenness > 0
GROUP BY 1 ORDER BY events DESC, key LIMIT {top}""",
                wargs,
            ).df()
            brokers["label"] = brokers["label"].map(lambda b: f"betweenness {b:.3g}")
            add("broker", brokers)
    if not out:
        return _empty_drivers()
    return pd.DataFrame(out)[DRIVER_COLUMNS]


def _empty_drivers() -> pd.DataFrame:
    # typed, so that an empty result is stored with VARCHAR columns, not INTEGER ones
    kinds = {"rank": "int64", "events": "int64", "share": "float64", "suspicious": "bool"}
    return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, "string")) for c in DRIVER_COLUMNS})


def add_incident_note(
    con: duckdb.DuckDBPyConnection,
    alarm_id: str,
    by: str,
    text: str,
    at: datetime | None = None,
) -> None:
    """Record a manual entry of the incident log (who did what) in ``incident_notes``.

    The table is never replaced by analyses; :func:`incident_log` merges it with the answers
    found in the data.
    """
    if not by.strip() or not text.strip():
        from liens.errors import LiensError

        raise LiensError("an incident note needs a name (--by) and a text (--text)")
    con.execute(
        """CREATE TABLE IF NOT EXISTS incident_notes
           (alarm_id VARCHAR, "at" TIMESTAMP, "by" VARCHAR, text VARCHAR)"""
    )
    when = at or datetime.now(UTC).replace(tzinfo=None)  # the workspace keeps naive UTC
    con.execute(
        "INSERT INTO incident_notes VALUES (?, ?, ?, ?)", [alarm_id, when, by.strip(), text]
    )


def incident_log(
    con: duckdb.DuckDBPyConnection, alarms: pd.DataFrame, params: AnalysisParams
) -> pd.DataFrame:
    """Who answered what and when during each alarm: owned accounts' events and manual notes.

    For each alarm, the events made by owned accounts from the start of the alarm window to
    ``follow_up_hours`` after the episode are listed with their response time: minutes from
    the publication they answer (``parent_post_id``) to the answer, and minutes since the
    alarm. Manual notes (:func:`add_incident_note`) are added with ``action = 'note'``.

    Returns
    -------
    pandas.DataFrame
        The ``incidents`` columns (module docstring), by alarm and time.
    """
    parts = []
    tables = _tables(con)
    if not alarms.empty:
        width = pd.Timedelta(minutes=int(_opt(params, "bin_minutes")))
        follow = pd.Timedelta(hours=float(_opt(params, "follow_up_hours")))
        spans = pd.DataFrame(
            {
                "alarm_id": alarms["alarm_id"],
                "alarm_at": alarms["alarm_at"],
                "w_start": alarms["bin_start"] - int(_opt(params, "lookback_bins")) * width,
                "w_end": alarms["episode_end"] + follow,
            }
        )
        owned = con.execute(
            "SELECT platform, account_id FROM accounts WHERE owned OR lower(account_id) IN "
            "(SELECT unnest(?::VARCHAR[])) OR lower(ltrim(handle, '@')) IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [[str(x).lstrip("@").lower() for x in params.options.get("owned", ())]] * 2,
        ).df()
        if not owned.empty:
            con.register("_liens_spans", spans)
            con.register("_liens_owned_acc", owned)
            try:
                parts.append(
                    con.execute(
                        """
SELECT s.alarm_id, e.created_at AS at, coalesce(a.handle, e.actor) AS by, e.kind AS action,
  e.text, e.event_id,
  date_diff('second', coalesce(p.created_at, pe.created_at), e.created_at) / 60.0
    AS response_minutes,
  date_diff('second', s.alarm_at, e.created_at) / 60.0 AS since_alarm_minutes,
  'workspace' AS source
FROM events e
JOIN _liens_owned_acc o ON o.platform = e.platform AND o.account_id = e.actor
JOIN _liens_spans s ON e.created_at >= s.w_start AND e.created_at < s.w_end
LEFT JOIN accounts a ON a.platform = e.platform AND a.account_id = e.actor
LEFT JOIN posts p ON p.platform = e.platform AND p.post_id = e.parent_post_id
-- a mention creates no row of posts: the answered publication is then found among events
LEFT JOIN (SELECT platform, post_id, min(created_at) AS created_at FROM events
           WHERE post_id IS NOT NULL GROUP BY ALL) pe
  ON pe.platform = e.platform AND pe.post_id = e.parent_post_id
WHERE e.kind IN ('reply', 'comment', 'message', 'mention', 'post', 'quote')"""
                    ).df()
                )
            finally:
                con.unregister("_liens_spans")
                con.unregister("_liens_owned_acc")
    if "incident_notes" in tables:
        parts.append(
            con.execute(
                """
SELECT n.alarm_id, n."at", n."by", 'note' AS action, n.text, CAST(NULL AS VARCHAR) AS event_id,
  CAST(NULL AS DOUBLE) AS response_minutes, CAST(NULL AS DOUBLE) AS since_alarm_minutes,
  'manual' AS source
FROM incident_notes n"""
            ).df()
        )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if "minutes" in c else "string")
                for c in INCIDENT_COLUMNS
            }
        ).astype({"at": "datetime64[us]"})
    log = pd.concat(parts, ignore_index=True)[INCIDENT_COLUMNS]
    at_of = dict(zip(alarms["alarm_id"], alarms["alarm_at"], strict=True))
    manual = log["source"] == "manual"
    log.loc[manual, "since_alarm_minutes"] = [
        (pd.Timestamp(t) - pd.Timestamp(at_of[a])).total_seconds() / 60 if a in at_of else np.nan
        for a, t in zip(log.loc[manual, "alarm_id"], log.loc[manual, "at"], strict=True)
    ]
    return log.sort_values(["alarm_id", "at"]).reset_index(drop=True)


def detect(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams
) -> tuple[pd.DataFrame, str, list]:
    """Alarms on the workspace's stream; returns ``(alarms, stream_sql, stream_args)``.

    The stream is materialised once in a temporary table (``_liens_stream``) that the drivers
    and the incident log read again.
    """
    sql, args, stream = stream_query(con, params, str(_opt(params, "crisis_stream")))
    # events dated to the day only (Stack Exchange votes) would pile up at midnight as fake
    # hourly bursts: they are left out of the hourly stream
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _liens_stream AS SELECT * FROM ({sql})
            WHERE extra IS NULL
               OR json_extract_string(extra, '$.time_precision') IS DISTINCT FROM 'day'""",
        args,
    )
    sql, args = "SELECT * FROM _liens_stream", []
    bin_minutes = int(_opt(params, "bin_minutes"))
    counts = stream_counts(con, sql, args, bin_minutes)
    alarms = find_alarms(
        counts,
        stream=stream,
        detectors=list(_opt(params, "detectors")),
        bin_minutes=bin_minutes,
        min_count=float(_opt(params, "min_count")),
        cooldown=int(_opt(params, "cooldown")),
        detector_options=params.options.get("detector_options"),
    )
    return alarms, sql, args


def alarm_complaints(
    con: duckdb.DuckDBPyConnection,
    alarms: pd.DataFrame,
    stream_sql: str,
    stream_args: list,
    params: AnalysisParams,
) -> pd.DataFrame:
    """Add ``window_events``, ``complaints`` and ``complaint_share`` to the alarms.

    In the drivers' window of each alarm (``lookback_bins`` bins before the first alarmed bin
    to the end of the episode), ``complaints`` counts the stream's events that the complaint
    scorer calls complaints (:mod:`liens.analysis.complaints`, ``event_tone.is_complaint``)
    and ``complaint_share = complaints / window_events`` in [0, 1]: a storm of grievances
    (refunds, outages, silence) calls for a different answer than a storm of insults. NaN
    when the workspace has no complaint scores.
    """
    alarms = alarms.copy()
    has = "event_tone" in _tables(con) and "is_complaint" in _columns(con, "event_tone")
    if alarms.empty or not has:
        alarms["window_events"] = pd.Series(0, index=alarms.index, dtype="int64")
        alarms["complaints"] = pd.Series(0, index=alarms.index, dtype="int64")
        alarms["complaint_share"] = np.nan
        return alarms
    width = pd.Timedelta(minutes=int(_opt(params, "bin_minutes")))
    spans = pd.DataFrame(
        {
            "alarm_id": alarms["alarm_id"],
            "w_start": alarms["bin_start"] - int(_opt(params, "lookback_bins")) * width,
            "w_end": alarms["episode_end"],
        }
    )
    con.register("_liens_spans", spans)
    try:
        counts = con.execute(
            f"""
SELECT s.alarm_id, count(*) AS window_events,
  count(*) FILTER (WHERE t.is_complaint) AS complaints
FROM ({stream_sql}) e JOIN _liens_spans s
  ON e.created_at >= s.w_start AND e.created_at < s.w_end
LEFT JOIN event_tone t ON t.event_id = e.event_id
GROUP BY s.alarm_id""",
            stream_args,
        ).df()
    finally:
        con.unregister("_liens_spans")
    alarms = alarms.merge(counts, on="alarm_id", how="left")
    alarms["window_events"] = alarms["window_events"].fillna(0).astype("int64")
    alarms["complaints"] = alarms["complaints"].fillna(0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        alarms["complaint_share"] = alarms["complaints"] / alarms["window_events"].where(
            alarms["window_events"] > 0
        )
    return alarms


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    alarms, sql, args = detect(con, params)
    alarms = alarm_complaints(con, alarms, sql, args, params)
    return {
        "alarms": alarms,
        "alarm_drivers": alarm_drivers(con, alarms, sql, args, params),
        "incidents": incident_log(con, alarms, params),
    }


def replay(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams
) -> Iterator[tuple[pd.Timestamp, pd.DataFrame]]:
    """Replay the workspace's stream bin by bin, as if live: a drill.

    At each bin the detectors run on the counts known at the end of that bin (the prefix), and
    the alarms that appear for the first time are yielded with the simulated clock. Because
    the detectors are causal this gives the alarms of :func:`detect`, at the times a live
    watch would have raised them; running on prefixes makes that a fact, not an assumption.

    Yields
    ------
    (clock, new_alarms)
        ``clock`` is the end of the bin just completed; ``new_alarms`` has the ``alarms``
        columns (often empty).
    """
    sql, args, stream = stream_query(con, params, str(_opt(params, "crisis_stream")))
    bin_minutes = int(_opt(params, "bin_minutes"))
    counts = stream_counts(con, sql, args, bin_minutes)
    width = pd.Timedelta(minutes=bin_minutes)
    seen: set[str] = set()
    for i in range(1, len(counts) + 1):
        alarms = find_alarms(
            counts.iloc[:i],
            stream=stream,
            detectors=list(_opt(params, "detectors")),
            bin_minutes=bin_minutes,
            min_count=float(_opt(params, "min_count")),
            cooldown=int(_opt(params, "cooldown")),
            detector_options=params.options.get("detector_options"),
        )
        new = alarms[~alarms["alarm_id"].isin(seen)]
        seen.update(new["alarm_id"])
        yield pd.Timestamp(counts["bin"].iloc[i - 1]) + width, new
