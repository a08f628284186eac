# SPDX-License-Identifier: Apache-2.0
"""A threaded HTTP server on a loopback port that records every request it gets
and answers with a scripted sequence of status codes."""

import http.server
import json
import threading
import time


class Request:
    def __init__(self, method, path, headers, body, at):
        self.method = method
        self.path = path
        self.headers = headers  # case-insensitive (email.message.Message)
        self.body = body  # bytes
        self.time = at  # time.time() when it arrived
        self.status = None  # the status it was answered with

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.method} {self.path} {len(self.body)} bytes>"


class WebhookReceiver:
    """url: the base URL (http://127.0.0.1:PORT); any path is accepted.
    respond_with(500, 500, 200): the next requests get these statuses in
    order, then default_status (200). requests: everything received so far.
    delay_s: seconds to hold each request before answering (a slow endpoint)."""

    def __init__(self, default_status=200):
        self.default_status = default_status
        self.delay_s = 0.0
        self.requests = []
        self._statuses = []
        self._cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                status = receiver._record(Request(self.command, self.path, self.headers, body, time.time()))
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                payload = b'{"ok":true}' if status < 400 else b'{"ok":false}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args):
                pass

            def handle(self):
                try:
                    super().handle()
                except OSError:
                    pass  # the sender went away (e.g. killed while a slow answer was pending)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()

    def _record(self, req):
        with self._cond:
            self.requests.append(req)
            status = self._statuses.pop(0) if self._statuses else self.default_status
            req.status = status
            self._cond.notify_all()
            return status

    def respond_with(self, *statuses):
        with self._cond:
            self._statuses = list(statuses)

    def wait_for(self, n, timeout=10.0):
        """Waits until at least n requests arrived; returns a copy of the list.
        AssertionError (with what did arrive) on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"webhook receiver: wanted {n} requests within {timeout}s, got {len(self.requests)}: {self.requests!r}")
                self._cond.wait(left)
            return list(self.requests)

    def clear(self):
        with self._cond:
            self.requests.clear()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
