"""The :class:`Section` record every report section module defines as ``SECTION``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from liens.report.context import ReportContext

__all__ = ["Gather", "Section"]

Gather = Callable[[duckdb.DuckDBPyConnection, ReportContext], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Section:
    """One part of the report: anchor id, heading key, data gathering, template file.

    ``gather`` returns None when the section's tables are absent; ``analysis`` names the
    analysis that writes them, for the report's "not computed" note.
    """

    id: str
    title_key: str
    gather: Gather
    template: str
    analysis: str | None = None
