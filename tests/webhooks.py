"""A real local HTTP receiver for webhook tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    peer: tuple[str, int] = ("", 0)  # the sender's address and port: one per connection


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    fail_next: int = 0  # answer 503 to this many requests first
    status: int = 204

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        import time

        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.requests


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keeps a connection open for the next request

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received = Received(dict(self.headers.items()), body, self.client_address)
            receiver.requests.append(received)
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                self.send_response(503)
            else:
                self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
