"""How early do the crisis detectors fire, and how often without a crisis? Real timelines.

For each detector of :mod:`liens.analysis.bursts` (Kleinberg's automaton run live, EWMA,
CUSUM, the last-hour-against-12-hours spike rule), with the defaults of
:mod:`liens.analysis.crisis` (hourly bins, alarm episodes starting at a bin of at least
``min_count`` events, 3 quiet bins inside an episode):

- *delay*: alarm time − known onset, for the first alarm raised after the onset (the alarm
  time is the end of the hour that triggered it, when a live system knows). "ongoing" means
  the detector was already in an alarm episode begun before the onset, so no new alarm. For
  Higgs, whose onset is a peak hour after a ramp, alarms up to 6 h before it count as
  detections (negative delay);
- *false alarms per week*: alarms raised between the end of the warm-up and the onset, per
  168 hours of that quiet period.

Timelines:

- *higgs* (De Domenico et al., Sci. Rep. 2013): all 563k events per hour, 1-7 July 2012;
  onset = the known peak hour 2012-07-04 06:00 UTC (CERN announcement). The "quiet" period
  is not quiet: rumours grew from 1 July and the Tevatron result was announced on 2 July,
  so alarms before the onset are partly true bursts; they are counted anyway.
- *CrisisLexT6* (Olteanu et al., ICWSM 2014): on-topic tweets per hour (times from the
  snowflake ids) for the three sudden events whose hour is known, onsets from the events'
  Wikipedia articles: Boston bombings 2013-04-15 18:49 UTC, West Texas explosion
  2013-04-18 00:50 UTC, Moore (Oklahoma) tornado 2013-05-20 19:56 UTC. The collections start
  at 00:00 UTC of the first day, so these have 19-25 hours of quiet data: the warm-up is
  12 hours here (``min_history=12``) instead of the default 24. The other three T6 events
  (Sandy, Alberta, Queensland) began before their collection and are left out.
- *CrisisLexT26* (Olteanu, Vieweg, Castillo, CSCW 2015): every collection starts on or after
  the event's ``start_day``, so no quiet data precede the onset; the table gives, per event,
  the hours from the collection start to each detector's first alarm (a reaction time after
  the warm-up, not a detection delay) and flags start days that contradict the data.

Run: ``.venv/bin/python bench/eval_crisis.py`` (skips with a message when the data is absent).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import data_dir
from liens.analysis.bursts import DETECTORS
from liens.analysis.crisis import DEFAULTS, find_alarms

T6_ONSETS = {
    "2013_Boston_Bombings": "2013-04-15 18:49",
    "2013_West_Texas_Explosion": "2013-04-18 00:50",
    "2013_Oklahoma_Tornado": "2013-05-20 19:56",
}


def hourly(times: pd.Series, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Counts per hour, every hour from ``start`` (or the first) to the last (zeros kept)."""
    bins = pd.to_datetime(times).dt.floor("h")
    counts = bins.value_counts()
    first = counts.index.min() if start is None else start.floor("h")
    index = pd.date_range(first, counts.index.max(), freq="h")
    return pd.DataFrame({"bin": index, "count": counts.reindex(index, fill_value=0).to_numpy()})


def score(
    counts: pd.DataFrame, onset: pd.Timestamp, warmup: int, min_count: int, early: float = 0
) -> tuple[dict, float]:
    """Delay and false alarms per detector; alarms up to ``early`` hours before the onset
    count as detections (negative delay) rather than false alarms."""
    opts = {name: {"min_history": warmup} for name in DETECTORS}
    opts["ratio"] = {"min_history": min(warmup, 12)}
    alarms = find_alarms(counts, detector_options=opts, min_count=min_count)
    quiet_start = counts["bin"].iloc[0] + pd.Timedelta(hours=warmup)
    detect_from = onset - pd.Timedelta(hours=early)
    quiet_hours = max((detect_from - quiet_start) / pd.Timedelta("1h"), 0)
    row = {}
    for name in DETECTORS:
        a = alarms[alarms["detector"] == name]
        after = a[a["alarm_at"] > detect_from]
        ongoing = a[(a["alarm_at"] <= detect_from) & (a["episode_end"] > detect_from)]
        false = a[(a["alarm_at"] > quiet_start) & (a["alarm_at"] <= detect_from)]
        if len(ongoing):
            delay = f"ongoing since {ongoing['alarm_at'].iloc[0]:%d %H:%M}"
        elif len(after):
            delay = f"{(after['alarm_at'].iloc[0] - onset) / pd.Timedelta('1h'):+.1f} h"
        else:
            delay = "missed"
        fa = len(false) / quiet_hours * 168 if quiet_hours else float("nan")
        row[name] = (delay, fa, len(false))
    return row, quiet_hours


def print_table(title: str, rows: list[tuple[str, dict, float]]) -> None:
    print(f"\n## {title}\n")
    head = "| timeline | quiet h | " + " | ".join(f"{d} delay | {d} false/wk" for d in DETECTORS)
    print(head + " |")
    print("|" + "---|" * (2 + 2 * len(DETECTORS)))
    for name, row, quiet in rows:
        cells = []
        for d in DETECTORS:
            delay, fa, n = row[d]
            cells += [delay, f"{fa:.1f} ({n})"]
        print(f"| {name} | {quiet:.0f} | " + " | ".join(cells) + " |")


def main() -> int:
    root = data_dir()
    higgs = root / "higgs_twitter" / "higgs-activity_time.txt.gz"
    t6 = root / "crisislex_t26" / "CrisisLexT6"
    t26 = root / "crisislex_t26" / "CrisisLexT26"
    if not higgs.exists() and not t6.exists():
        print(f"skipped: no data under {root} (set LIENS_DATA)")
        return 0
    min_count = int(DEFAULTS["min_count"])
    print(f"Detectors with liens defaults; min_count {min_count}; hourly bins.")
    if higgs.exists():
        ts = duckdb.sql(
            f"SELECT make_timestamp(column2::BIGINT * 1000000) AS t "
            f"FROM read_csv('{higgs}', delim=' ', header=false)"
        ).df()["t"]
        row, quiet = score(hourly(ts), pd.Timestamp("2012-07-04 06:00"), 24, min_count, early=6)
        print_table(
            "Higgs, all activity (warm-up 24 h; alarms from 6 h before the peak count)",
            [("higgs 4 July", row, quiet)],
        )
    if t6.exists():
        rows = []
        for event, onset in T6_ONSETS.items():
            f = next((t6 / event).glob("*.csv"))
            df = pd.read_csv(f, skipinitialspace=True, dtype=str)
            ids = df.iloc[:, 0].str.strip("'").astype("int64").to_numpy()
            every = pd.Series(pd.to_datetime((ids >> 22) + 1288834974657, unit="ms"))
            on = (df.iloc[:, 2].str.strip() == "on-topic").to_numpy()
            # the series starts when the collection starts (first tweet, on- or off-topic)
            counts = hourly(every[on], start=every.min())
            row, quiet = score(counts, pd.Timestamp(onset), 12, min_count)
            rows.append((event, row, quiet))
        print_table("CrisisLexT6, on-topic tweets (warm-up 12 h)", rows)
    if t26.exists():
        print("\n## CrisisLexT26: hours from collection start to first alarm (no quiet data)\n")
        print("| event | start_day | collection start | " + " | ".join(DETECTORS) + " | note |")
        print("|" + "---|" * (4 + len(DETECTORS)))
        for folder in sorted(p for p in t26.iterdir() if p.is_dir()):
            ids_file = folder / f"{folder.name}-tweetids_entire_period.csv"
            desc = json.loads((folder / f"{folder.name}-event_description.json").read_text())
            start_day = desc["time"].get("start_day", "")
            if not ids_file.exists():
                print(f"| {folder.name} | {start_day} | (timeline file absent) |")
                continue
            df = pd.read_csv(ids_file, skipinitialspace=True, dtype=str)
            times = pd.to_datetime(df.iloc[:, 0], format="%a %b %d %H:%M:%S %z %Y")
            counts = hourly(times.dt.tz_localize(None))
            opts = {name: {"min_history": 12} for name in DETECTORS}
            alarms = find_alarms(counts, detector_options=opts, min_count=min_count)
            first = counts["bin"].iloc[0]
            cells = []
            for d in DETECTORS:
                a = alarms[alarms["detector"] == d]
                cells.append(
                    f"{(a['alarm_at'].iloc[0] - first) / pd.Timedelta('1h'):.0f}" if len(a) else "–"
                )
            try:
                sd = pd.to_datetime(start_day, dayfirst="/" in start_day)
                gap = (first.normalize() - sd).days
                note = "" if 0 <= gap <= 3 else f"start_day {gap:+d} days from the data"
            except (ValueError, TypeError):
                note = "start_day unreadable"
            print(
                f"| {folder.name} | {start_day} | {first:%Y-%m-%d %H:%M} | "
                + " | ".join(cells)
                + f" | {note} |"
            )

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
