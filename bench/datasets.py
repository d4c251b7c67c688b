"""The data sets the benchmarks run on, and how each is imported."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DATASETS", "DEFAULT", "Dataset", "data_dir"]


def data_dir() -> Path:
    """``$LIENS_DATA`` or ``../shared/data`` next to the repository."""
    env = os.environ.get("LIENS_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass
class Dataset:
    """A data set: files under :func:`data_dir` (or the demo), or ``synthetic`` events.

    A synthetic data set is written by :func:`bench.synthetic.generate` into the benchmark's
    temporary folder (``workdir``) before it is imported: nothing is missing.
    """

    name: str
    description: str
    files: list[str]  # relative to data_dir(), or "demo" for the bundled community
    import_kwargs: dict = field(default_factory=dict)
    synthetic: int = 0  # number of generated events (0: real files)

    def paths(self, workdir: Path | None = None) -> list[Path]:
        if self.synthetic:
            return [Path(workdir or ".") / f"{self.name}.parquet"]
        if self.files == ["demo"]:
            from liens.sources.stackexchange import DEMO_DIR

            return [DEMO_DIR]
        return [data_dir() / f for f in self.files]

    def missing(self) -> list[Path]:
        if self.synthetic:
            return []
        return [p for p in self.paths() if not p.exists()]


HIGGS_MAPPING = dict(
    platform="twitter",
    delimiter=" ",
    header=False,
    names=["a", "b", "ts", "type"],
    columns={"actor": "a", "target": "b", "created_at": "ts", "kind": "type"},
)


def _musae(name: str, platform: str, about: str, ends=("id_1", "id_2")) -> Dataset:
    """A MUSAE edge list (undirected, no time) imported as follow events at one date.

    Facebook and GitHub name the ends ``id_1,id_2``; the Twitch files ``from,to``.
    """
    return Dataset(
        f"musae-{name.lower()}",
        f"MUSAE {about}, edge list CSV imported as follows (no time in the source)",
        [f"musae/edges/{name}_edges.csv"],
        dict(
            platform=platform,
            columns={"actor": ends[0], "target": ends[1]},
            constants={"kind": "follow", "created_at": "2020-01-01T00:00:00Z"},
        ),
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
        _musae("facebook", "facebook", "Facebook page-page (22k nodes, 171k edges)"),
        _musae("git", "github", "GitHub developers (38k nodes, 289k edges)"),
        _musae("DE", "twitch-de", "Twitch DE (9.5k nodes, 153k edges)", ("from", "to")),
        Dataset(
            "synthetic-1m",
            "synthetic community, 1M events (bench/synthetic.py)",
            [],
            dict(platform="synthetic"),
            synthetic=1_000_000,
        ),
        Dataset(
            "synthetic-10m",
            "synthetic community, 10M events (bench/synthetic.py)",
            [],
            dict(platform="synthetic"),
            synthetic=10_000_000,
        ),
    ]
}

# Run by ``python -m bench`` without --datasets (the XML dump and CollegeMsg on request).
DEFAULT = ["demo", "higgs", "musae-facebook", "musae-git", "musae-de", "synthetic-1m",
           "synthetic-10m"]  # fmt: skip
