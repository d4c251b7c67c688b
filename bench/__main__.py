"""``python -m bench``: wall time, CPU time and peak RSS of each stage on each data set.

Each stage runs in a fresh process so that its peak resident memory is its own (read from the
child's rusage, with its CPU time). Stages of one data set share a workspace in a temporary
folder, in order. The analysis stage is split into the registry's analyses
(``analyze:activity``, ``analyze:network``, ...); ``end to end`` sums import and analyses.
Synthetic data sets are generated first (``generate``, not counted in end to end).

    python -m bench                      # default data sets and stages
    python -m bench --datasets higgs --stages import,analyze --json
    python -m bench --datasets higgs,musae-facebook --compare   # liens vs pandas + networkx
    python -m bench --datasets synthetic-1m,synthetic-10m --stage-timeout 900 --save runs.jsonl

``--stage-timeout`` stops a liens stage that runs longer (its row says so, the next stage
runs); ``--save`` appends each stage's result as a JSON line as soon as it is known. When both
``synthetic-1m`` and ``synthetic-10m`` run, a table gives time(10M) / time(1M) per stage.

``--compare`` also runs liens' network functions one by one (``liens:parts``) and the
baseline pipeline of :mod:`bench.baseline`, each baseline stage in its own process stopped
after ``--timeout`` seconds, then prints the ratios and whether the outputs agree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.datasets import DATASETS, DEFAULT

STAGES = ["import", "reimport", "analyze", "report"]


def default_stages() -> str:
    from liens.analysis import ANALYSES

    return ",".join(["import", "reimport"] + [f"analyze:{a.name}" for a in ANALYSES])


def run_stage(dataset: str, stage: str, workspace: Path, timeout: float | None = None) -> dict:
    """Run one stage in a fresh process; its output goes to files so that ``wait4`` (which
    gives the child's own rusage) never waits on a full pipe."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.stage", dataset, stage, str(workspace)],
            stdout=out,
            stderr=err,
            cwd=Path(__file__).resolve().parent.parent,
            text=True,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if timer:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss / 1024  # Linux reports KiB
    if killed.is_set():
        return {"timeout": timeout, "cpu_seconds": cpu, "peak_rss_mb": rss}
    if status != 0:
        return {"error": (stderr.strip().splitlines() or ["failed"])[-1]}
    result = json.loads(stdout.strip().splitlines()[-1])
    result["cpu_seconds"] = cpu
    result["peak_rss_mb"] = rss
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default=",".join(DEFAULT))
    parser.add_argument("--stages", default=None, help="default: import, reimport, analyses")
    parser.add_argument("--compare", action="store_true", help="run the baseline too")
    parser.add_argument("--timeout", type=float, default=600.0, help="per baseline stage, s")
    parser.add_argument("--stage-timeout", type=float, default=None, help="per liens stage, s")
    parser.add_argument("--save", type=Path, default=None, help="append results (JSON lines)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    console = Console(stderr=args.json, width=None if sys.stdout.isatty() else 160)
    stages = (args.stages or default_stages()).split(",")
    rows, compared = [], []
    load_before = os.getloadavg()
    for name in args.datasets.split(","):
        ds = DATASETS[name]
        missing = ds.missing()
        if missing:
            console.print(f"[yellow]skip[/yellow] {name}: {missing[0]} is absent")
            continue
        with tempfile.TemporaryDirectory(prefix=f"liens-bench-{name}-") as tmp:
            ws = Path(tmp) / "bench.duckdb"
            todo = (["generate"] if ds.synthetic else []) + stages
            if args.compare:
                todo = [s for s in todo if s != "reimport"] + ["liens:parts"]
            results = {}
            for stage in todo:
                res = run_stage(name, stage, ws, args.stage_timeout)
                results[stage] = res
                rows.append({"dataset": name, "stage": stage, **res})
                console.print(f"{name} {stage}: {_short(res)}", highlight=False)
                if args.save:
                    with args.save.open("a") as fh:
                        fh.write(json.dumps({"dataset": name, "stage": stage, **res}) + "\n")
            rows.append(_end_to_end(name, results))
            if args.compare:
                compared.append(_compare(name, ws, results, args.timeout, console))
    load_after = os.getloadavg()
    machine = _machine()
    load = f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    if args.json:
        print(json.dumps({"machine": machine, "load": load, "results": rows,
                          "compare": compared}, indent=2, default=str))  # fmt: skip
        return
    _print_stages(console, rows, machine, load)
    _print_scaling(console, rows, "synthetic-1m", "synthetic-10m")
    for c in compared:
        _print_compare(console, c)


def _short(res: dict) -> str:
    return ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in res.items() if k != "parts")  # fmt: skip


def _end_to_end(name: str, results: dict) -> dict:
    parts = [r for s, r in results.items() if s == "import" or s.startswith("analyze")]
    ok = [r for r in parts if "seconds" in r]
    row = {"dataset": name, "stage": "end to end", "rows": results.get("import", {}).get("rows")}
    stopped = [r for r in parts if "timeout" in r]
    if stopped and len(ok) + len(stopped) == len(parts):
        # A lower bound: the stopped stages count for the time they were given.
        return {
            **row,
            "seconds": sum(r["seconds"] for r in ok) + sum(r["timeout"] for r in stopped),
            "cpu_seconds": sum(r["cpu_seconds"] for r in ok + stopped),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in ok + stopped),
            "note": f"more than this: {len(stopped)} stage(s) stopped",
        }
    if not ok or len(ok) < len(parts):
        return {**row, "error": "a stage failed"}
    return {
        **row,
        "seconds": sum(r["seconds"] for r in ok),
        "cpu_seconds": sum(r["cpu_seconds"] for r in ok),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
    }


def _compare(name: str, ws: Path, results: dict, timeout: float, console: Console) -> dict:
    from bench.baseline import STAGES as BASE
    from bench.compare import PARTS, agreement

    base: dict[str, dict] = {}
    for stage in BASE:
        need = {"activity": "load", "ties": "load", "graph": "ties"}.get(stage, "graph")
        if stage != "load" and "seconds" not in base.get(need, {}):
            base[stage] = {"error": f"needs {need}"}
            continue
        base[stage] = run_stage(name, f"baseline:{stage}", ws, timeout)
        console.print(f"{name} baseline:{stage}: {_short(base[stage])}", highlight=False)
    parts = results.get("liens:parts", {}).get("parts", {})
    lines = []

    def line(label, liens_s, base_stages):
        got = [base.get(s, {}) for s in base_stages]
        if any("timeout" in g for g in got):
            bs, note = None, f"> {timeout:.0f} s (stopped)"
        elif all("seconds" in g for g in got):
            bs, note = sum(g["seconds"] for g in got), ""
        else:
            bs, note = None, "; ".join(g.get("error", "?") for g in got if "error" in g)
        lines.append({"part": label, "liens_s": liens_s, "baseline_s": bs, "note": note})

    imp = results.get("import", {}).get("seconds")
    line("import / load", imp, ["load"])
    line("activity", results.get("analyze:activity", {}).get("seconds"), ["activity"])
    for part, bstages in PARTS.items():
        line(part, parts.get(part), bstages)
    method = parts.get("_method", "")
    if method == "pivots":
        lines[-1]["note"] = lines[-1]["note"]
        for ln in lines:
            if ln["part"] == "paths":
                ln["note"] = (ln["note"] + " " if ln["note"] else "") + "betweenness on 64 pivots"
    checks = agreement(ws.parent, method)
    return {"dataset": name, "lines": lines, "checks": checks, "baseline": base}


def _print_stages(console: Console, rows: list[dict], machine: str, load: str) -> None:
    table = Table(title=f"liens benchmarks on {machine}; {load}", title_justify="left")
    for col in ("dataset", "stage", "rows", "wall s", "CPU s", "rows/s", "peak RSS MB"):
        table.add_column(col, justify="left" if col in ("dataset", "stage") else "right")
    for r in rows:
        if r["stage"] == "liens:parts":
            continue
        if "error" in r:
            table.add_row(r["dataset"], r["stage"], "[red]error[/red]", r["error"][:60], "", "", "")
            continue
        if "timeout" in r:
            table.add_row(r["dataset"], r["stage"], "stopped", f"> {r['timeout']:.0f}",
                          f"{r['cpu_seconds']:.2f}", "", f"{r['peak_rss_mb']:,.0f}")  # fmt: skip
            continue
        rate = r["rows"] / r["seconds"] if r["seconds"] and r["rows"] else 0
        table.add_row(
            r["dataset"],
            f"[bold]{r['stage']}[/bold]" if r["stage"] == "end to end" else r["stage"],
            f"{r['rows']:,}" if r["rows"] is not None else "",
            f"{'> ' if 'note' in r else ''}{r['seconds']:.2f}",
            f"{r['cpu_seconds']:.2f}",
            f"{rate:,.0f}" if r["stage"] in ("import", "reimport", "generate") else "",
            f"{r['peak_rss_mb']:,.0f}",
        )
    console.print(table)


def _print_scaling(console: Console, rows: list[dict], small: str, large: str) -> None:
    """time(large) / time(small) per stage: 10 for a stage linear in the events."""
    got = {(r["dataset"], r["stage"]): r for r in rows}
    stages = [r["stage"] for r in rows if r["dataset"] == large]
    if not stages or not any(r["dataset"] == small for r in rows):
        return
    t = Table(title=f"scaling: {large} / {small}", title_justify="left")
    for col in ("stage", "wall ratio", "CPU ratio", "peak RSS ratio"):
        t.add_column(col, justify="left" if col == "stage" else "right")
    for stage in stages:
        a, b = got.get((small, stage), {}), got.get((large, stage), {})
        if "seconds" not in a or ("seconds" not in b and "timeout" not in b):
            continue
        wall = b.get("seconds", b.get("timeout"))
        more = "> " if "timeout" in b or "note" in b else ""
        t.add_row(
            stage,
            f"{more}{wall / a['seconds']:.1f}" if a["seconds"] else "",
            f"{b['cpu_seconds'] / a['cpu_seconds']:.1f}" if a["cpu_seconds"] else "",
            f"{b['peak_rss_mb'] / a['peak_rss_mb']:.1f}" if a["peak_rss_mb"] else "",
        )
    console.print(t)


def _print_compare(console: Console, c: dict) -> None:
    t = Table(title=f"{c['dataset']}: liens vs pandas + networkx (wall s)", title_justify="left")
    for col in ("part", "liens", "baseline", "baseline / liens", "note"):
        t.add_column(col, justify="left" if col in ("part", "note") else "right")
    tl = tb = 0.0
    for ln in c["lines"]:
        ls, bs = ln["liens_s"], ln["baseline_s"]
        ratio = f"{bs / ls:,.1f}x" if ls and bs is not None else ""
        if ls and bs is not None:
            tl, tb = tl + ls, tb + bs
        t.add_row(ln["part"], f"{ls:.2f}" if ls is not None else "",
                  f"{bs:.2f}" if bs is not None else "", ratio, ln["note"])  # fmt: skip
    if tl:
        t.add_row(
            "[bold]parts both finished[/bold]", f"{tl:.2f}", f"{tb:.2f}", f"{tb / tl:.1f}x", ""
        )
    console.print(t)
    a = Table(title=f"{c['dataset']}: do the outputs agree?", title_justify="left")
    for col in ("check", "value", "verdict"):
        a.add_column(col)
    for check, value, verdict in c["checks"]:
        colour = {"ok": "green", "FAIL": "red"}.get(verdict, "white")
        a.add_row(check, value, f"[{colour}]{verdict}[/{colour}]")
    console.print(a)


def _machine() -> str:
    cpus = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {cpus} cores, {mem:.0f} GiB, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
