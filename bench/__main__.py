"""``python -m bench``: wall time and peak RSS of each stage on each available data set.

Each stage runs in a fresh process so that its peak resident memory is its own (read from the
child's rusage). Stages of one data set share a workspace in a temporary folder, in order.

    python -m bench        # every data set present; stages import, reimport, analyze
    python -m bench --datasets higgs --stages import,analyze --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.datasets import DATASETS

STAGES = ["import", "reimport", "analyze", "report"]


def run_stage(dataset: str, stage: str, workspace: Path) -> dict:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.stage", dataset, stage, str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    if status != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1]}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--stages", default="import,reimport,analyze")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    console = Console(stderr=args.json)
    rows = []
    for name in args.datasets.split(","):
        ds = DATASETS[name]
        missing = ds.missing()
        if missing:
            console.print(f"[yellow]skip[/yellow] {name}: {missing[0]} is absent")
            continue
        with tempfile.TemporaryDirectory(prefix=f"liens-bench-{name}-") as tmp:
            ws = Path(tmp) / "bench.duckdb"
            for stage in args.stages.split(","):
                res = run_stage(name, stage, ws)
                rows.append({"dataset": name, "stage": stage, **res})
                console.print(f"{name} {stage}: {res}", highlight=False)
    if args.json:
        print(json.dumps({"machine": _machine(), "results": rows}, indent=2))
        return
    table = Table(title=f"liens benchmarks on {_machine()}", title_justify="left")
    for col in ("dataset", "stage", "rows", "seconds", "rows/s", "peak RSS MB"):
        table.add_column(col, justify="left" if col in ("dataset", "stage") else "right")
    for r in rows:
        if "error" in r:
            table.add_row(r["dataset"], r["stage"], "[red]error[/red]", r["error"][:60], "", "")
            continue
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0
        table.add_row(
            r["dataset"],
            r["stage"],
            f"{r['rows']:,}",
            f"{r['seconds']:.2f}",
            f"{rate:,.0f}" if r["stage"] in ("import", "reimport") else "",
            f"{r['peak_rss_mb']:,.0f}",
        )
    console.print(table)


def _machine() -> str:
    cpus = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {cpus} cores, {mem:.0f} GiB, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
