"""Functions measuring campaigns: return on investment (ROI) and return on engagement (ROE).

A campaign is a set of publications chosen by hashtag, tag, account and date range, with the
money invested and earned entered by the user (seed 004: "si vous investissez 5 000 € et
gagnez en contrepartie 10 000 € de chiffre d'affaires, ROI = (10 000 − 5 000) / 5 000 = 1").

A campaign file is TOML or JSON::

    [[campaign]]
    name = "summer"
    hashtags = ["#allezlafrance"]      # variants match (see liens.analysis.hashtags)
    accounts = ["brand"]               # authors (optional)
    start = "2024-06-01"               # UTC, inclusive (optional)
    end = "2024-07-01"                 # UTC, exclusive (optional)
    investment = 5000
    revenue = 10000
    currency = "EUR"

Table written by ``liens analyze`` when ``options["campaigns"]`` (a list of such dicts or a
file path) is given: ``campaigns`` (:func:`campaign_results`).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.engagement import post_engagement
from liens.analysis.hashtags import hashtag_key

__all__ = ["Campaign", "campaign_results", "load_campaigns", "roi", "run"]


def roi(investment: float, revenue: float) -> float:
    """Return on investment: :math:`ROI = (R - I) / I`.

    Parameters
    ----------
    investment : money spent :math:`I` (advertising, production).
    revenue : money earned :math:`R` attributed to the campaign.

    Returns
    -------
    float; 1.0 means 100 % (the money doubled), 0 break-even, -1 everything lost. NaN when
    the investment is zero or unknown (a return on nothing is undefined, not infinite).

    References
    ----------
    R. Rissoan, *Réseaux sociaux*, 7th ed., ENI (ROI, also called ROAS for advertising spend).

    Examples
    --------
    >>> roi(5000, 10000)
    1.0
    """
    if investment is None or revenue is None:
        return math.nan
    if not investment or math.isnan(investment) or math.isnan(revenue):
        return math.nan
    return (revenue - investment) / investment


@dataclass
class Campaign:
    """A campaign: how its publications are chosen, and its money."""

    name: str
    hashtags: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    investment: float | None = None
    revenue: float | None = None
    currency: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Campaign:
        unknown = set(d) - set(cls.__dataclass_fields__) - {"tags", "return"}
        if unknown:
            raise ValueError(f"campaign {d.get('name')!r}: unknown field(s) {sorted(unknown)}")
        if not d.get("name"):
            raise ValueError("every campaign needs a name")
        tags = list(d.get("hashtags", [])) + list(d.get("tags", []))
        revenue = d.get("revenue", d.get("return"))
        return cls(
            name=str(d["name"]),
            hashtags=tags,
            accounts=list(d.get("accounts", [])),
            start=d.get("start") and str(d["start"]),
            end=d.get("end") and str(d["end"]),
            investment=None if d.get("investment") is None else float(d["investment"]),
            revenue=None if revenue is None else float(revenue),
            currency=d.get("currency"),
        )


def load_campaigns(source: str | Path | Sequence[Mapping[str, Any]]) -> list[Campaign]:
    """Campaigns from a TOML or JSON file (``[[campaign]]`` tables / a list) or from dicts."""
    if isinstance(source, str | Path):
        p = Path(source)
        text = p.read_text(encoding="utf-8")
        data: Any = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
        if isinstance(data, dict):
            data = data.get("campaign", data.get("campaigns", []))
        source = data
    return [Campaign.from_dict(d) for d in source]


def campaign_results(
    con: duckdb.DuckDBPyConnection,
    campaigns: Sequence[Campaign],
    params: AnalysisParams | None = None,
) -> pd.DataFrame:
    """ROI and ROE of each campaign.

    A campaign's publications are the posts (any kind) whose author is in ``accounts`` (when
    given), carrying one of ``hashtags`` (when given; variants match) and published in
    ``[start, end)``. ROE is :math:`\\sum_p n(p) / |P|`: interactions obtained per publication.

    Returns
    -------
    DataFrame, one row per campaign: ``campaign, publications, interactions, engagement``
    (quality-weighted), ``roe``, ``weighted_roe``, ``investment, revenue, currency, roi``,
    ``cost_per_interaction`` (investment / interactions; NaN without interactions or
    investment).
    """
    params = params or AnalysisParams()
    pe = post_engagement(con, params)
    rows = []
    for c in campaigns:
        sel = pe
        if c.accounts:
            sel = sel[sel["author"].isin(c.accounts)]
        if c.start:
            sel = sel[sel["created_at"] >= pd.Timestamp(c.start)]
        if c.end:
            sel = sel[sel["created_at"] < pd.Timestamp(c.end)]
        if c.hashtags:
            ids = con.execute(
                f"""SELECT DISTINCT platform, post_id FROM (
  SELECT platform, post_id, unnest(hashtags) AS t FROM events WHERE post_id IS NOT NULL)
WHERE {hashtag_key("t")} IN (
  SELECT {hashtag_key("x")} FROM unnest(?::VARCHAR[]) AS u(x))""",
                [c.hashtags],
            ).df()
            sel = sel.merge(ids, on=["platform", "post_id"])
        n = len(sel)
        inter = float(sel["interactions"].sum())
        eng = float(sel["engagement"].sum())
        inv = c.investment if c.investment is not None else math.nan
        rows.append(
            {
                "campaign": c.name,
                "publications": n,
                "interactions": inter,
                "engagement": eng,
                "roe": inter / n if n else math.nan,
                "weighted_roe": eng / n if n else math.nan,
                "investment": inv,
                "revenue": c.revenue if c.revenue is not None else math.nan,
                "currency": c.currency,
                "roi": roi(inv, c.revenue if c.revenue is not None else math.nan),
                "cost_per_interaction": inv / inter if inter and inv == inv else math.nan,
            }
        )
    return pd.DataFrame(rows)


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    source = params.options.get("campaigns")
    if not source:
        return {}
    return {"campaigns": campaign_results(con, load_campaigns(source), params)}
