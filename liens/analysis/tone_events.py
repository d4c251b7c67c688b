"""Tone and hostility of every event's text, stored once in ``event_tone`` for later analyses.

Runs early so that tie strength (emotional intensity), engagement quality (a hostile reply is
not a success), reputation and crisis detection all read the same scores. The table is a cache
kept across runs: only events not scored before are scored (see
:func:`liens.analysis.reputation.update_event_tone` for the columns and the model).
"""

from __future__ import annotations

import warnings

import duckdb

from liens.analysis import AnalysisParams
from liens.errors import LiensError

__all__ = ["run"]


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict:
    from liens.analysis.reputation import update_event_tone

    try:
        update_event_tone(con, params, scorer=params.options.get("tone_scorer"))
    except LiensError as exc:
        # A missing tone model must not stop the other analyses; the report says so.
        warnings.warn(f"tone not computed: {exc}", stacklevel=2)
    return {}
