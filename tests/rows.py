"""Reading a workspace's rows back in tests."""

from __future__ import annotations

from liens.api import Workspace


def events(ws: Workspace) -> dict[str, dict]:
    """Every event of the workspace by id, missing values as None."""
    df = ws.sql("SELECT * FROM events")
    df = df.astype(object).where(df.notna(), None)
    return {r["event_id"]: r for r in df.to_dict("records")}
