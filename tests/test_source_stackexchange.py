"""Fuzzing the Stack Exchange dump reader (its behaviour is tested in test_stackexchange.py).

Each case is a small dump cut from the real beer.stackexchange.com fixture (the first rows of
each file), with rows cut, attributes dropped or given junk values, garbage lines inserted or
the end of a file lost.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

from fuzzing import FUZZ_EXAMPLES, case_dir, check_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DUMP = Path(__file__).parent / "fixtures" / "stackexchange_mini" / "beer.stackexchange.com"
ROWS = 25
_ATTR = re.compile(r'(\w+)="[^"]*"')


def small_dump() -> dict[str, list[str]]:
    """Each file's lines: the XML declaration, the opening tag, ROWS rows, the closing tag."""
    out = {}
    for f in sorted(DUMP.glob("*.xml")):
        lines = f.read_text(encoding="utf-8-sig").splitlines()
        rows = [x for x in lines if x.lstrip().startswith("<row ")][:ROWS]
        out[f.name] = [lines[0], lines[1], *rows, lines[-1]]
    return out


SMALL = small_dump()
JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-1", "99999999999999999999", "2014-13-45T99:00:00", "NaN", "1e308"]),
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_dump_rows(fuzz_ws, tmp_path_factory, data):
    files = {name: list(lines) for name, lines in SMALL.items()}
    for _ in range(data.draw(st.integers(1, 5))):
        name = data.draw(st.sampled_from(sorted(files)))
        lines = files[name]
        if len(lines) < 4:  # its end already lost
            continue
        i = data.draw(st.integers(2, len(lines) - 2))
        op = data.draw(st.sampled_from(["drop_attr", "junk_attr", "cut", "garbage", "lose_end"]))
        attrs = _ATTR.findall(lines[i])
        if op in ("drop_attr", "junk_attr") and attrs:
            attr = data.draw(st.sampled_from(attrs))
            value = "" if op == "drop_attr" else f"{attr}={quoteattr(data.draw(JUNK))}"
            lines[i] = re.sub(rf'\b{attr}="[^"]*"', value, lines[i], count=1)
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        elif op == "garbage":
            lines.insert(i, data.draw(st.text(max_size=40)).replace("\n", " "))
        elif op == "lose_end":
            del lines[i:]
    folder = case_dir(tmp_path_factory, empty=True) / "beer.stackexchange.com"
    folder.mkdir()
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    check_file(fuzz_ws, folder, "stackexchange")
