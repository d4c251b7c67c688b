"""A real HTTP server on 127.0.0.1 serving recorded API responses, with faults on demand.

``routes.json`` (in ``tests/fixtures/collect/<platform>/``) lists each request (path and the
query parameters that select it) with its recorded body and headers. A test queues faults on a
route with :meth:`RecordedServer.fail`; each request to that route takes the next fault before
the recorded response is served:

- ``429`` with a ``Retry-After`` header, any other status (``503``) with a JSON error body;
- ``"truncate"``: the recorded body cut in the middle (``Content-Length`` of the cut body, as a
  proxy that gave up would send);
- ``"drop"``: the connection closed before any response;
- ``"hang"``: no answer until the server stops (for kill -9 tests).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).parent / "fixtures" / "collect"


class RecordedServer:
    def __init__(self, platform: str) -> None:
        self.folder = FIXTURES / platform
        self.routes: list[dict] = json.loads((self.folder / "routes.json").read_text())
        self.faults: dict[int, list[Any]] = defaultdict(list)
        self.log: list[dict] = []  # every request: path, query, headers, what was served
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server.handle(self)

            def do_POST(self) -> None:
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> RecordedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- routing -----------------------------------------------------------------------------
    def route(self, path: str, query: dict[str, str]) -> int | None:
        """Index of the route answering ``path`` + ``query`` (the most specific match)."""
        best, best_n = None, -1
        for i, r in enumerate(self.routes):
            if r["path"] != path:
                continue
            want = r["query"]
            if all(query.get(k) == v for k, v in want.items()) and len(want) > best_n:
                # A route without max_id/cursor answers only requests without one.
                if any(k in query and k not in want for k in ("max_id", "cursor")):
                    continue
                best, best_n = i, len(want)
        return best

    def find(self, body: str) -> int:
        return next(i for i, r in enumerate(self.routes) if r["body"] == body)

    def fail(self, body: str, *faults: Any) -> None:
        """Queue faults before the recorded response named ``body`` is served."""
        self.faults[self.find(body)].extend(faults)

    def add(self, path: str, query: dict, payload: Any, headers: dict | None = None) -> None:
        """An extra route answering with ``payload`` (JSON)."""
        name = f"_extra{len(self.routes)}"
        self.routes.append({"path": path, "query": query, "body": name, "headers": headers or {},
                            "payload": payload})  # fmt: skip

    def served(self, body: str) -> int:
        """How many times the recorded response ``body`` was served in full."""
        return sum(1 for e in self.log if e["served"] == body)

    # -- serving -----------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        u = urlparse(h.path)
        query = {k: v[-1] for k, v in parse_qs(u.query).items()}
        length = int(h.headers.get("Content-Length") or 0)
        posted = h.rfile.read(length) if length else b""
        entry = {"path": u.path, "query": query, "headers": dict(h.headers), "served": None,
                 "posted": posted}  # fmt: skip
        self.log.append(entry)
        i = self.route(u.path, query)
        if i is None:
            self.send(h, 404, {"error": "NotFound", "message": f"no route {u.path}"})
            return
        r = self.routes[i]
        if "payload" in r:
            body = json.dumps(r["payload"]).encode()
        else:
            body = (self.folder / r["body"]).read_bytes()
        fault = self.faults[i].pop(0) if self.faults[i] else None
        entry["fault"] = fault
        if fault == "drop":
            h.close_connection = True
            h.connection.close()
            return
        if fault == "hang":
            self.stop.wait(60)
            h.close_connection = True
            return
        if fault == "truncate":
            self.send_raw(h, 200, body[: len(body) // 2], {})
            return
        if fault == 429:
            self.send(h, 429, {"error": "Too many requests"}, {"Retry-After": "2"})
            return
        if isinstance(fault, int):
            self.send(h, fault, {"error": "Service Unavailable"})
            return
        headers = {k: v.replace("{base}", self.base) for k, v in r["headers"].items()}
        entry["served"] = r["body"]
        self.send_raw(h, 200, body, headers)

    def send(self, h: BaseHTTPRequestHandler, code: int, payload: Any,
             headers: dict | None = None) -> None:  # fmt: skip
        self.send_raw(h, code, json.dumps(payload).encode(), headers or {})

    @staticmethod
    def send_raw(h: BaseHTTPRequestHandler, code: int, body: bytes, headers: dict) -> None:
        h.send_response(code)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
