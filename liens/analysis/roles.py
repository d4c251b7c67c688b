"""The "who matters" analysis: stages of presence, prescripteurs, advocates, segments, posture.

The ``run`` adapter of ``liens analyze`` for :mod:`~liens.analysis.stages`,
:mod:`~liens.analysis.influence`, :mod:`~liens.analysis.advocates`,
:mod:`~liens.analysis.segments`, :mod:`~liens.analysis.posture` and
:mod:`~liens.analysis.share_of_voice`. Each module documents its tables; this one only
gathers them and the member columns:

``members``
    ``stage``, ``stage_evidence``, ``influencer``, ``influence``, ``influence_rank``,
    ``hidden_prescripteur``, ``advocate``, ``defender``, ``detractor``.

Options (``params.options``): ``stage_rules``, ``stage_period`` (default ``quarter``),
``segment_period`` (``month``), ``sov_period`` (``month``), ``role_rules``,
``brand_accounts``, ``tracked_accounts``, ``brand_hashtags``, ``answer_hours``, and those of
:mod:`~liens.analysis.influence`.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis import influence as _influence
from liens.analysis.advocates import advocates, brand_replies
from liens.analysis.posture import brand_posture
from liens.analysis.segments import audience_segments
from liens.analysis.share_of_voice import share_of_voice
from liens.analysis.stages import (
    contribution_inequality,
    member_stages,
    stage_distribution,
    stage_transitions,
)

__all__ = ["run"]


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    """Every table of the modules above, and their member columns merged in one frame."""
    o = params.options
    st = member_stages(con, params)
    out: dict[str, pd.DataFrame] = {
        "member_stages": st,
        "stage_distribution": stage_distribution(st),
        "contribution_inequality": contribution_inequality(st),
        "stage_transitions": stage_transitions(
            con, params, period=o.get("stage_period", "quarter")
        ),
    }
    inf = _influence.run(con, params)
    out["influence"] = inf["influence"]
    out["influence_correlations"] = inf["influence_correlations"]
    replies = brand_replies(con, params)
    adv = advocates(con, params, replies=replies)
    out["brand_replies"] = replies
    out["advocates"] = adv
    out["audience_segments"] = audience_segments(
        con, params, period=o.get("segment_period", "month")
    )
    out["brand_posture"] = brand_posture(con, params)
    out["share_of_voice"] = share_of_voice(con, params, period=o.get("sov_period", "month"))

    members = st[["platform", "account", "stage", "stage_evidence", "influencer"]].merge(
        inf["members"], on=["platform", "account"], how="left"
    )
    flags = (
        adv.groupby(["platform", "account"])[["advocate", "defender", "detractor"]]
        .any()
        .reset_index()
    )
    members = members.merge(flags, on=["platform", "account"], how="left")
    for c in ("hidden_prescripteur", "advocate", "defender", "detractor"):
        members[c] = members[c].astype("boolean").fillna(False).astype(bool)
    members["influence"] = members["influence"].fillna(0).astype("int64")
    out["members"] = members
    return out
