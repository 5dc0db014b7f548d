"""The todo API over real HTTP on an ephemeral port."""
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "app"))
import server  # noqa: E402


class TodoApiTest(unittest.TestCase):
    def setUp(self):
        self.server = server.serve(0)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_a_new_todo_is_listed_and_not_done(self):
        status, created = self.call("POST", "/todos", {"title": "write the plan"})
        self.assertEqual(201, status)
        self.assertEqual({"id": 1, "title": "write the plan", "done": False}, created)
        self.assertEqual((200, [created]), self.call("GET", "/todos"))
        self.assertEqual((200, created), self.call("GET", "/todos/1"))

    def test_a_todo_without_a_title_is_refused(self):
        status, body = self.call("POST", "/todos", {"title": " "})
        self.assertEqual(400, status)
        self.assertIn("title", body["error"])

    def test_an_unknown_todo_is_not_found(self):
        self.assertEqual(404, self.call("GET", "/todos/9")[0])


if __name__ == "__main__":
    unittest.main()
