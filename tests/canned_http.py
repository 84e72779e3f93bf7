"""A tiny real HTTP server (http.server in a thread) that gives canned answers: what the simulator never would."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canned:
    """The answer a `CannedServer` gives next: status, headers, body (bytes, or chunks streamed one by one)."""

    status: int = 200
    body: bytes | list[bytes] = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    close_after: bool = False  # close the connection once sent (with a lying Content-Length: truncated)


class CannedServer:
    """A tiny real HTTP server (http.server in a thread) that answers every request with `self.answer`."""

    def __init__(self) -> None:
        self.answer = Canned()
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                canned.requests.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
                answer = canned.answer
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if isinstance(answer.body, list):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in answer.body:
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    if "Content-Length" not in answer.headers:
                        self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                if answer.close_after:
                    self.close_connection = True

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                pass

        self._http = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hanging up on an oversized or cut answer is the point of some tests
