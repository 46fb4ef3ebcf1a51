"""A real webhook receiver for the tests, and the example docs/webhooks.md quotes.

Prints "PORT <n>" once it listens on 127.0.0.1 and appends one JSON line per request to OUT.
The secret comes from the test (PUT /_secret, body = the secret). Paths steer the answers:
  /ok     200 for every valid delivery
  /flaky  500 for the first two attempts of each Idempotency-Key, then 200
  /down   503 always
A delivery whose signature does not verify gets 400, whatever the path.
"""
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUT = sys.argv[1]
state = {"secret": b"", "attempts": {}}
lock = threading.Lock()


def verify(secret: bytes, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Checks X-ClusterXchange-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False  # a replay of an old delivery
    expected = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/_secret":
            state["secret"] = body
        self.send_response(204)
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get("Idempotency-Key", "")
        valid = verify(state["secret"], self.headers.get("X-ClusterXchange-Signature", ""), body)
        with lock:
            n = state["attempts"].get((self.path, key), 0) + 1
            state["attempts"][(self.path, key)] = n
        if not valid:
            status = 400
        elif self.path == "/ok":
            status = 200
        elif self.path == "/flaky":
            status = 200 if n > 2 else 500
        else:
            status = 503
        record = {
            "path": self.path, "idempotency_key": key, "event": self.headers.get("X-ClusterXchange-Event", ""),
            "valid": valid, "attempt": n, "status": status, "body": json.loads(body or b"null"),
        }
        with lock, open(OUT, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
