"""Reputation and crises: the share of negative talk, detractors, alarms, incidents, playbook.

Reads the tables of the ``reputation`` analysis (``reputation_daily``, ``reputation_accounts``)
and of the ``crisis`` analysis (``alarms``, ``alarm_drivers``, ``incidents``), and the crisis
playbook (:func:`liens.playbook.load_playbook`) in the report's language. Every alarm gets the
anchor ``#alarm-<alarm_id>`` that alerts link to.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from liens.analysis.reputation import NEGATIVE_WEIGHT
from liens.errors import LiensError
from liens.playbook import load_playbook
from liens.report.context import ReportContext
from liens.report.sections.base import Section
from liens.report.sections.network import display_names

__all__ = ["DRIVERS", "SECTION", "evidence_text", "gather", "negative_monthly", "negative_weight"]

TABLES = ("reputation_daily", "reputation_accounts", "alarms", "alarm_drivers", "incidents")
DRIVERS = ("account", "post", "hashtag", "community", "broker")
TOP_ACCOUNTS = 10
DRIVERS_EACH = 5


def negative_weight(con: duckdb.DuckDBPyConnection) -> float:
    """The weight of a negative text used by the analysis, read back from its own output.

    ``weighted_negative_share`` = w·neg / (w·neg + other), so w = s·other / (neg·(1 − s)) on
    any row with both negative and other texts; the default when no row allows it.
    """
    row = con.execute(
        """SELECT weighted_negative_share * (mentions - negative)
             / (negative * (1 - weighted_negative_share))
           FROM reputation_daily WHERE dimension = 'all' AND negative > 0
             AND negative < mentions ORDER BY mentions DESC LIMIT 1"""
    ).fetchone()
    return round(float(row[0]), 3) if row and row[0] is not None else NEGATIVE_WEIGHT


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    # tables written by an older liens lack the complaint columns: the section still renders
    return column in {r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}


def negative_monthly(con: duckdb.DuckDBPyConnection, w: float) -> pd.DataFrame:
    """Per month: texts scored, negative, attacks, complaints, the negative, tone-weighted and
    complaint shares."""
    complaints = "sum(complaints)" if _has_column(con, "reputation_daily", "complaints") else "NULL"
    return con.execute(
        f"""SELECT date_trunc('month', day) AS month, sum(mentions) AS mentions,
             sum(negative) AS negative, sum(attacks) AS attacks,
             {complaints} AS complaints, {complaints} / sum(mentions) AS complaint_share,
             sum(negative) / sum(mentions) AS negative_share,
             ? * sum(negative) / (? * sum(negative) + sum(mentions) - sum(negative))
               AS weighted_negative_share
           FROM reputation_daily WHERE dimension = 'all' AND mentions > 0
           GROUP BY 1 ORDER BY 1""",
        [w, w],
    ).df()


def _chart(ctx: ReportContext, monthly: pd.DataFrame):
    t = ctx.locale.t
    fig = go.Figure()
    for col, color, dash in (("weighted_negative_share", "#d62828", "solid"),
                             ("negative_share", "#f4a261", "dot"),
                             ("complaint_share", "#6a4c93", "dash")):  # fmt: skip
        if monthly[col].isna().all():
            continue
        fig.add_trace(
            go.Scatter(
                x=monthly["month"], y=monthly[col], name=t(f"col.{col}"), mode="lines",
                line={"color": color, "dash": dash, "width": 2},
                hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    fig.update_layout(yaxis={"tickformat": ".0%", "rangemode": "tozero"},
                      legend={"orientation": "h"})  # fmt: skip
    return ctx.chart(fig, height=320)


def _complainers(con, names: dict[str, str]) -> list[dict]:
    """The accounts with the most complaints, most first (none when the column is absent)."""
    if not _has_column(con, "reputation_accounts", "complaints"):
        return []
    df = con.execute(
        f"""SELECT * FROM reputation_accounts WHERE complaints > 0
            ORDER BY complaints DESC, mentions DESC, account LIMIT {TOP_ACCOUNTS}"""
    ).df()
    return [{**r, "name": names.get(r["account"], r["account"])} for r in df.to_dict("records")]


def _accounts(con, role: str, names: dict[str, str]) -> tuple[list[dict], int]:
    order = "net_tone ASC, negative DESC" if role == "detractor" else "net_tone DESC, positive DESC"
    df = con.execute(
        f"""SELECT * FROM reputation_accounts WHERE role = ?
            ORDER BY {order}, mentions DESC, account LIMIT {TOP_ACCOUNTS}""",
        [role],
    ).df()
    total = con.execute("SELECT count(*) FROM reputation_accounts WHERE role = ?", [role])
    rows = [{**r, "name": names.get(r["account"], r["account"])} for r in df.to_dict("records")]
    return rows, total.fetchone()[0]


# The reasons crisis.suspicious_accounts gives, in English: each becomes a catalogue message.
_EVIDENCE = (
    (re.compile(r"^no earlier interaction with the brand$"), "evidence.no_prior"),
    (re.compile(r"^(?P<n>\d+) event\(s\) in the whole workspace$"), "evidence.one_off"),
    (re.compile(r"^account created less than (?P<n>[\d.]+) days before$"), "evidence.new_account"),
    (re.compile(r"^posted within (?P<n>[\d.]+) s of other first-time accounts$"),
     "evidence.synchronised"),
)  # fmt: skip


def evidence_text(text: str | None, ctx: ReportContext) -> str:
    """The evidence of a suspicious account in the report's language (unknown parts kept)."""
    parts = []
    for part in (text or "").split("; "):
        for pattern, key in _EVIDENCE:
            m = pattern.match(part.strip())
            if m:
                n = float(m.group("n")) if "n" in m.groupdict() else None
                digits = 0 if n is None or n.is_integer() else 1
                parts.append(
                    ctx.locale.t(key, **({} if n is None else {"n": ctx.locale.number(n, digits)}))
                )
                break
        else:
            parts.append(part)
    return ctx.locale.t("page.list_sep").join(p for p in parts if p)


def _driver_label(r: dict[str, Any], names: dict[str, str], ctx: ReportContext) -> str:
    """What the reader knows a driver by: a community's number as on the map (1 the
    largest), a broker's name (its betweenness is in the alarm's how-to-read), else the label."""
    if r["driver"] == "community":
        try:
            return ctx.locale.t("network.community_n", n=int(float(r["key"])) + 1)
        except (TypeError, ValueError):
            return str(r["key"])
    if r["driver"] in ("broker", "account"):
        return names.get(r["key"], r["label"] or r["key"])
    return " ".join(str(r["label"] or r["key"]).split())


def _alarms(con, names: dict[str, str], ctx: ReportContext) -> list[dict[str, Any]]:
    """Every alarm, latest first, with its drivers grouped by kind (top few of each)."""
    alarms = con.execute("SELECT * FROM alarms ORDER BY alarm_at DESC, alarm_id").df()
    drivers = con.execute(
        f"""SELECT * FROM alarm_drivers WHERE rank <= {DRIVERS_EACH} OR suspicious
            ORDER BY alarm_id, driver, rank"""
    ).df()
    by_alarm: dict[str, dict[str, list]] = {}
    for r in drivers.to_dict("records"):
        r = {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        r["label"] = _driver_label(r, names, ctx)
        r["evidence"] = evidence_text(r["evidence"], ctx) if r["suspicious"] else None
        by_alarm.setdefault(r["alarm_id"], {}).setdefault(r["driver"], []).append(r)
    out = []
    for a in alarms.to_dict("records"):
        groups = by_alarm.get(a["alarm_id"], {})
        out.append(
            {
                **{k: (None if isinstance(v, float) and v != v else v) for k, v in a.items()},
                "at_text": ctx.locale.datetime(a["alarm_at"]),
                "start_text": ctx.locale.datetime(a["bin_start"]),
                "end_text": ctx.locale.datetime(a["episode_end"]),
                "drivers": [(d, groups[d]) for d in DRIVERS if d in groups],
                "suspicious": [r for rs in groups.values() for r in rs if r["suspicious"]],
            }
        )
    return out


def _playbook(lang: str) -> dict[str, Any] | None:
    try:
        return load_playbook().localised(lang)
    except LiensError:
        return None


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Tone over time, detractors and defenders, alarms, incidents and the playbook."""
    if not ctx.has(*TABLES):
        return None
    names = display_names(con)
    w = negative_weight(con)
    monthly = negative_monthly(con, w)
    complaints = monthly["complaints"].sum() if monthly["complaints"].notna().any() else None
    totals = con.execute(
        """SELECT sum(mentions), sum(negative), sum(attacks), any_value(scope)
           FROM reputation_daily WHERE dimension = 'all'"""
    ).fetchone()
    mentions, negative = totals[0] or 0, totals[1] or 0
    detractors, n_detractors = _accounts(con, "detractor", names)
    defenders, n_defenders = _accounts(con, "defender", names)
    alarms = _alarms(con, names, ctx)
    incidents = con.execute('SELECT * FROM incidents ORDER BY "at", alarm_id').df()
    return {
        "weight": w,
        "weight_digits": 0 if w == int(w) else 1,
        "mentions": int(mentions),
        "negative": int(negative),
        "attacks": int(totals[2] or 0),
        "complaints": None if complaints is None else int(complaints),
        "complaint_share": complaints / mentions if complaints is not None and mentions else None,
        "complainers": _complainers(con, names),
        "scope": totals[3] or "all",
        "negative_share": negative / mentions if mentions else None,
        "weighted_share": w * negative / (w * negative + mentions - negative) if mentions else None,
        "chart": _chart(ctx, monthly) if len(monthly) else None,
        "detractors": detractors,
        "n_detractors": n_detractors,
        "defenders": defenders,
        "n_defenders": n_defenders,
        "alarms": alarms,
        "detectors": sorted({a["detector"] for a in alarms}),
        "suspicious": sum(len(a["suspicious"]) for a in alarms),
        "incidents": [
            {**r, "by_name": names.get(r["by"], r["by"]), "at_text": ctx.locale.datetime(r["at"])}
            for r in incidents.to_dict("records")
        ],
        "playbook": _playbook(ctx.lang),
    }


SECTION = Section(
    "reputation", "reputation.title", gather, "reputation.html.j2", analysis="reputation, crisis"
)
