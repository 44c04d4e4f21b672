"""The cadres' phones during a local campaign: the SMSC simulator the platform texts through
(in this process, as in the end-to-end tests), and a small HTTP front any locust process can
reach: `GET /texts?phone=` lists the texts a phone received, `POST /replies` {phone, text}
sends a reply from it (an MO message) to the platform's number."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.e2e.smsc import SmscThread


def _handler(smsc: SmscThread) -> type[BaseHTTPRequestHandler]:
    class Phones(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            phone = parse_qs(url.query).get("phone", [""])[0]
            if url.path != "/texts" or not phone:
                self.send_error(404)
                return
            self._answer(200, smsc.texts_to(phone))

        def do_POST(self) -> None:
            if self.path != "/replies":
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            smsc.send_mo(body["phone"], body["text"])
            self._answer(202, {"sent": True})

        def _answer(self, status: int, value: object) -> None:
            data = json.dumps(value, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request would drown the campaign's output

    return Phones


@contextmanager
def phones() -> Iterator[tuple[SmscThread, str]]:
    """(the SMSC, the phones' URL); no number fails at this SMSC."""
    smsc = SmscThread(receipt_delay=0.2, failing_suffix="")
    smsc.start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(smsc))
    thread = threading.Thread(target=server.serve_forever, name="phones", daemon=True)
    thread.start()
    try:
        yield smsc, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        smsc.stop()
