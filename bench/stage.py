"""Run one benchmark stage in this process and print its result as JSON (used by the runner).

python -m bench.stage DATASET STAGE WORKSPACE

Stages: ``generate`` (write a synthetic data set next to the workspace), ``import``,
``reimport``, ``analyze`` or ``analyze:NAME[,NAME]`` (analyses of the registry), ``report``,
``liens:parts`` (each network function timed alone, outputs kept for the comparison) and
``baseline:STAGE`` (a stage of the pandas + networkx pipeline, :mod:`bench.baseline`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.datasets import DATASETS


def main(dataset: str, stage: str, workspace: str) -> dict:
    ds = DATASETS[dataset]
    workdir = Path(workspace).parent
    started = time.perf_counter()
    rows = 0
    extra: dict = {}
    if stage == "generate":
        from bench.synthetic import generate

        generate(ds.synthetic, ds.paths(workdir)[0])
        rows = ds.synthetic
    elif stage.startswith("baseline:"):
        from bench import baseline

        rows = baseline.run(stage.split(":", 1)[1], ds, workdir)
        if hasattr(baseline.run, "seconds"):  # the metric alone, without reading the graphs
            return {"seconds": baseline.run.seconds, "rows": rows}
    else:
        from liens.api import Workspace

        with Workspace(workspace) as ws:
            if stage == "import":
                for p in ds.paths(workdir):
                    rows += ws.import_file(p, **ds.import_kwargs).read
            elif stage == "reimport":
                for p in ds.paths(workdir):
                    rows += ws.import_file(p, **ds.import_kwargs).duplicate
            elif stage.startswith("analyze"):
                only = stage.split(":", 1)[1].split(",") if ":" in stage else None
                rows = sum(ws.analyze(only=only).values())
            elif stage == "report":
                path = ws.report(workdir / "report")
                rows = path.stat().st_size
            elif stage == "liens:parts":
                from bench.compare import liens_parts

                extra["parts"] = liens_parts(ws.con, workdir)
                rows = ws.con.execute("SELECT count(*) FROM events").fetchone()[0]
            else:
                raise SystemExit(f"unknown stage {stage}")
    return {"seconds": time.perf_counter() - started, "rows": rows, **extra}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
