"""The data sets the benchmarks run on, and how each is imported."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DATASETS", "Dataset", "data_dir"]


def data_dir() -> Path:
    """``$LIENS_DATA`` or ``../shared/data`` next to the repository."""
    env = os.environ.get("LIENS_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass
class Dataset:
    name: str
    description: str
    files: list[str]  # relative to data_dir(), or "demo" for the bundled community
    import_kwargs: dict = field(default_factory=dict)

    def paths(self) -> list[Path]:
        if self.files == ["demo"]:
            from liens.sources.stackexchange import DEMO_DIR

            return [DEMO_DIR]
        return [data_dir() / f for f in self.files]

    def missing(self) -> list[Path]:
        return [p for p in self.paths() if not p.exists()]


HIGGS_MAPPING = dict(
    platform="twitter",
    delimiter=" ",
    header=False,
    names=["a", "b", "ts", "type"],
    columns={"actor": "a", "target": "b", "created_at": "ts", "kind": "type"},
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset("demo", "beer.stackexchange.com, bundled Parquet (36k records)", ["demo"]),
        Dataset(
            "stackexchange-xml",
            "beer.stackexchange.com, original XML dump (36k records)",
            ["stackexchange_beer"],
        ),
        Dataset(
            "higgs",
            "SNAP Higgs Twitter activity, gzip CSV (563k events)",
            ["higgs_twitter/higgs-activity_time.txt.gz"],
            HIGGS_MAPPING,
        ),
        Dataset(
            "collegemsg",
            "SNAP CollegeMsg private messages (60k events)",
            ["temporal_messaging/CollegeMsg.txt"],
            dict(
                platform="collegemsg",
                delimiter=" ",
                header=False,
                names=["src", "dst", "ts"],
                columns={"actor": "src", "target": "dst", "created_at": "ts"},
                constants={"kind": "message"},
            ),
        ),
    ]
}
