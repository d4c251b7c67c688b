"""Reading the rendered report as text in tests: numbers formatted with the standard library
(never with the report's own code) and sections cut out of the page."""

from __future__ import annotations

import re

NNBSP = "\u202f"  # French thousands separator and space before %


def en_number(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def fr_number(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}".replace(",", NNBSP).replace(".", ",")


def en_pct(x: float, digits: int = 1) -> str:
    return f"{en_number(100 * x, digits)}%"


def fr_pct(x: float, digits: int = 1) -> str:
    return f"{fr_number(100 * x, digits)}{NNBSP}%"


def section(page: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}".*?</section>', page, flags=re.S)
    assert m, f"section {sid} missing"
    return m.group(0)
