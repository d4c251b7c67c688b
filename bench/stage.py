"""Run one benchmark stage in this process and print its result as JSON (used by the runner).

python -m bench.stage DATASET STAGE WORKSPACE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.datasets import DATASETS
from liens.api import Workspace


def main(dataset: str, stage: str, workspace: str) -> dict:
    ds = DATASETS[dataset]
    started = time.perf_counter()
    rows = 0
    with Workspace(workspace) as ws:
        if stage == "import":
            for p in ds.paths():
                rows += ws.import_file(p, **ds.import_kwargs).read
        elif stage == "reimport":
            for p in ds.paths():
                rows += ws.import_file(p, **ds.import_kwargs).duplicate
        elif stage.startswith("analyze"):
            only = stage.split(":", 1)[1].split(",") if ":" in stage else None
            rows = sum(ws.analyze(only=only).values())
        elif stage == "report":
            path = ws.report(Path(workspace).parent / "report")
            rows = path.stat().st_size
        else:
            raise SystemExit(f"unknown stage {stage}")
    return {"seconds": time.perf_counter() - started, "rows": rows}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
