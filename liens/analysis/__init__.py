"""Analyses: each reads the canonical tables and returns result tables with documented columns.

An analysis is a function ``run(con, params) -> dict[str, pandas.DataFrame | pyarrow.Table]``
registered in :data:`ANALYSES` with a name and a one-line description. ``liens analyze``
runs them in order and writes every returned table into the workspace under its name
(replacing the previous version). Tables called ``members`` returned by several analyses are
merged on ``(platform, account)``, so each analysis adds its own columns to one member table.

To add an analysis: write a module here whose public functions take DataFrames or a
connection and return DataFrames (documented like a NetworkX function), add a ``run`` adapter
and register it below; later analyses may read the tables written by earlier ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

__all__ = ["ANALYSES", "Analysis", "AnalysisParams", "run_analyses"]

Result = dict[str, "pd.DataFrame | pa.Table"]


@dataclass
class AnalysisParams:
    """Options shared by every analysis.

    ``start``/``end`` restrict events to a time window (UTC, ISO strings); ``layers`` restricts
    the interaction kinds used to build ties (None = every kind between two accounts);
    ``seed`` makes randomised steps (community detection, sampling, bootstrap) repeatable.
    """

    start: str | None = None
    end: str | None = None
    layers: list[str] | None = None
    seed: int = 42
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Analysis:
    name: str
    description: str
    module: str  # module holding ``run(con, params) -> Result``

    def load(self) -> Callable[[duckdb.DuckDBPyConnection, AnalysisParams], Result]:
        return importlib.import_module(self.module).run


ANALYSES: list[Analysis] = [
    Analysis(
        "activity", "volume over time, by kind, by weekday and hour", "liens.analysis.activity"
    ),
    # Tone first: tie strength, engagement quality, reputation and crises read event_tone.
    Analysis("tone", "tone and hostility of every text (cached)", "liens.analysis.tone_events"),
    Analysis(
        "network",
        "ties and tie strength, member metrics, communities, structural holes, groupability",
        "liens.analysis.network",
    ),
    Analysis(
        "reputation",
        "share of negative and of complaints over time, detractors and defenders",
        "liens.analysis.reputation",
    ),
    Analysis(
        "engagement",
        "interactions per publication, quality-weighted engagement, engagement rate, ROE",
        "liens.analysis.engagement",
    ),
    Analysis(
        "forecast",
        "two-hour rule: engagement velocity and forecast of final engagement",
        "liens.analysis.forecast",
    ),
    Analysis(
        "timing",
        "best time to publish: audience activity, engagement by slot, regularity",
        "liens.analysis.timing",
    ),
    Analysis(
        "content_types",
        "content types of posts and their engagement",
        "liens.analysis.content_types",
    ),
    Analysis(
        "hashtags",
        "hashtags with variants merged, co-occurrence, trends",
        "liens.analysis.hashtags",
    ),
    Analysis(
        "campaigns", "campaign ROI and ROE (with a campaign file)", "liens.analysis.campaigns"
    ),
    Analysis(
        "crisis",
        "bursts of negative mentions: alarms, their drivers, the incident log",
        "liens.analysis.crisis",
    ),
    Analysis(
        "roles",
        "who matters: stages of presence, prescripteurs, advocates and detractors, audience "
        "segments, brand posture, share of voice",
        "liens.analysis.roles",
    ),
]


def run_analyses(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    only: list[str] | None = None,
    on_step: Callable[[str, str], None] | None = None,
) -> dict[str, int]:
    """Run the registered analyses and store their tables; returns rows written per table.

    All tables are replaced in one transaction: a failing analysis leaves the previous results.
    """
    params = params or AnalysisParams()
    selected = [a for a in ANALYSES if only is None or a.name in only]
    if only:
        unknown = set(only) - {a.name for a in ANALYSES}
        if unknown:
            from liens.errors import LiensError

            raise LiensError(
                f"unknown analysis {', '.join(sorted(unknown))}; known: "
                f"{', '.join(a.name for a in ANALYSES)}"
            )
    written: dict[str, int] = {}
    members: list[pd.DataFrame] = []
    con.execute("BEGIN TRANSACTION")
    try:
        for analysis in selected:
            if on_step:
                on_step(analysis.name, analysis.description)
            for name, table in analysis.load()(con, params).items():
                if name != "members":
                    written[name] = _store(con, name, table)
                    continue
                # Stored at once, merged with earlier analyses' columns, so that later
                # analyses of this run read this run's members (communities, pagerank, ...).
                part = table.to_pandas() if isinstance(table, pa.Table) else table
                if members:
                    overlap = [c for c in part.columns if c in members[0].columns]
                    keep = [c for c in overlap if c not in ("platform", "account")]
                    members[0] = (
                        members[0]
                        .drop(columns=keep)
                        .merge(part, on=["platform", "account"], how="outer")
                    )
                else:
                    members.append(part)
                written["members"] = _store(con, "members", members[0])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return written


@dataclass(frozen=True)
class TempTable:
    """A result left by an analysis in a temporary table of the connection, for tables too
    large to pass through Python: :func:`run_analyses` stores it under the result's name
    without the columns ``drop``, then drops the temporary table."""

    name: str
    drop: tuple[str, ...] = ()


def _store(
    con: duckdb.DuckDBPyConnection, name: str, table: pd.DataFrame | pa.Table | TempTable
) -> int:
    if isinstance(table, TempTable):
        cols = f"* EXCLUDE ({', '.join(table.drop)})" if table.drop else "*"
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {cols} FROM {table.name}')
        con.execute(f"DROP TABLE {table.name}")
        return con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    con.register("_result", table)
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _result')
    finally:
        con.unregister("_result")
    return len(table)
