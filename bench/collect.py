"""``python -m bench.collect``: records per second of the live collectors on loopback.

A server in a child process serves a Mastodon hashtag timeline (pages of 40 statuses, ``Link``
paging) and a Bluesky author feed (pages of 100 posts, ``cursor`` paging), made by copying the
recorded responses of ``tests/fixtures/collect`` with new ids; the collector writes them into a
new workspace, page by page, as ``liens collect`` does. Wall and CPU seconds are the
collector's process only (the server's CPU is its own process's).

    python -m bench.collect                  # 4,000 statuses and 4,000 posts
    python -m bench.collect --records 20000 --json
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import os
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "collect"


def _mastodon_pages(n: int) -> list[list[dict]]:
    base = json.loads((FIXTURES / "mastodon" / "tag_page2.json").read_text())  # 3 statuses
    statuses = []
    for i in range(n):
        s = copy.deepcopy(base[i % len(base)])
        sid = str(120000000000000000 + n - i)
        s["uri"] = s["uri"].rsplit("/", 1)[0] + "/" + sid
        s["id"], s["in_reply_to_id"] = sid, None
        statuses.append(s)
    return [statuses[i : i + 40] for i in range(0, n, 40)]


def _bluesky_pages(n: int) -> list[dict]:
    base = json.loads((FIXTURES / "bluesky" / "feed_page1.json").read_text())["feed"]
    items = []
    for i in range(n):
        item = copy.deepcopy(base[i % len(base)])
        item["post"]["uri"] = item["post"]["uri"].rsplit("/", 1)[0] + f"/3kbench{i:08d}"
        if "reason" in item:
            item["reason"]["uri"] = item["reason"]["uri"].rsplit("/", 1)[0] + f"/3kbr{i:08d}"
        items.append(item)
    pages = [items[i : i + 100] for i in range(0, n, 100)]
    return [{"feed": p, **({"cursor": str(k + 1)} if k + 1 < len(pages) else {})}
            for k, p in enumerate(pages)]  # fmt: skip


def _serve(port_queue: multiprocessing.Queue, n: int) -> None:
    masto = [json.dumps(p).encode() for p in _mastodon_pages(n)] + [b"[]"]
    sky = [json.dumps(p).encode() for p in _bluesky_pages(n)]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            u = urlparse(self.path)
            q = {k: v[-1] for k, v in parse_qs(u.query).items()}
            headers = {}
            if u.path.startswith("/api/v1/timelines/tag/"):
                k = int(q.get("max_id", "0") or 0)  # max_id carries the page number here
                body = masto[k]
                if k + 1 < len(masto):
                    base = f"http://127.0.0.1:{self.server.server_address[1]}{u.path}"
                    headers["Link"] = f'<{base}?max_id={k + 1}>; rel="next"'
            elif u.path.endswith("getAuthorFeed"):
                body = sky[int(q.get("cursor", "0"))]
            else:
                body = b'{"error": "NotFound"}'
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(httpd.server_address[1])
    httpd.serve_forever()


def _measure(name: str, make, folder: Path) -> dict:
    from liens.api import Workspace
    from liens.store.collect import collect

    with Workspace(folder / f"{name}.duckdb") as ws:
        collector = make()
        wall, cpu = time.perf_counter(), time.process_time()
        result = collect(ws.con, collector)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        events = ws.con.execute("SELECT count(*) FROM events").fetchone()[0]
    return {"collector": name, "records": result.records, "pages": result.pages,
            "events": events, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "rec/s": round(result.records / wall), "rec/cpu-s":
            round(result.records / cpu)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    os.environ.pop("LIENS_MASTODON_TOKEN", None)
    os.environ.pop("LIENS_BLUESKY_HANDLE", None)
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(queue, args.records), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=60)}"
    from liens.sources.collectors.bluesky import BlueskyCollector
    from liens.sources.collectors.mastodon import MastodonCollector

    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows = [
                _measure("mastodon", lambda: MastodonCollector(base, hashtag="bench"), Path(tmp)),
                _measure(
                    "bluesky",
                    lambda: BlueskyCollector(actor="bench.bsky.social", service=base),
                    Path(tmp),
                ),
            ]
    finally:
        server.terminate()
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Live collectors on loopback ({args.records:,} records each)")
    for col in rows[0]:
        table.add_column(col, justify="left" if col == "collector" else "right")
    for r in rows:
        table.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in r.values()))
    Console().print(table)


if __name__ == "__main__":
    main()
