"""The todo API: a JSON API over an in-memory list, and the web page, on one port."""
import argparse
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web")


class Todos:
    """The todo list, safe to share between request threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items = {}
        self._next = 1

    def all(self):
        with self._lock:
            return [dict(t) for t in self._items.values()]

    def get(self, todo_id):
        with self._lock:
            item = self._items.get(todo_id)
            return dict(item) if item else None

    def add(self, title):
        with self._lock:
            item = {"id": self._next, "title": title, "done": False}
            self._items[self._next] = item
            self._next += 1
            return dict(item)


def handler_for(todos):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                return json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return None

        def do_GET(self):
            if self.path == "/health":
                return self._json(200, {"status": "ok"})
            if self.path == "/todos":
                return self._json(200, todos.all())
            match = re.fullmatch(r"/todos/(\d+)", self.path)
            if match:
                item = todos.get(int(match.group(1)))
                return self._json(200, item) if item else self._json(404, {"error": "no such todo"})
            if self.path in ("/", "/index.html", "/app.js"):
                name = "index.html" if self.path == "/" else self.path[1:]
                with open(os.path.join(WEB, name), "rb") as f:
                    data = f.read()
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if name.endswith(".html") else "text/javascript")
                self.end_headers()
                return self.wfile.write(data)
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/todos":
                return self._json(404, {"error": "not found"})
            body = self._body()
            if not body or not isinstance(body.get("title"), str) or not body["title"].strip():
                return self._json(400, {"error": "title: expected a non-empty string"})
            return self._json(201, todos.add(body["title"].strip()))

    return Handler


def serve(port, host="127.0.0.1"):
    """Starts the server on a thread; returns it (server.server_address has the port)."""
    server = ThreadingHTTPServer((host, port), handler_for(Todos()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="0.0.0.0")
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), handler_for(Todos())).serve_forever()
