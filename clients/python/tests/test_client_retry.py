"""Retry, backoff and error mapping against a scripted local HTTP server."""

import json
import unittest
import uuid

from herald import Herald, HeraldAPIError, HeraldError, HeraldUnavailable

from .support import StubServer, reserve_port

KEY = "stub-api-key-that-must-never-be-logged-0123"
UNAVAILABLE = (503, {"error": {"code": "store_unavailable", "message": "disk full"}}, 0)
ACCEPTED = (202, {"id": "n_1", "seq": {"7": 1}, "users_online": 0, "sessions": 0}, 0)
# Per-attempt timeout of the lost-answer tests: the held first answer costs
# this much, and the retry must be answered within it, on a busy machine too.
TIMEOUT = 1.0


class RetryTest(unittest.TestCase):
    def client(self, url, **options):
        client = Herald(url, KEY, **options)
        self.sleeps = []
        client._sleep = self.sleeps.append
        return client

    def stub(self, *script):
        stub = StubServer(script)
        self.addCleanup(stub.close)
        return stub

    def test_503_twice_then_accepted_with_one_key(self):
        stub = self.stub(UNAVAILABLE, UNAVAILABLE, ACCEPTED)
        answer = self.client(stub.url).notify([7], {"text": "hi"}, event="chat.message")
        self.assertEqual(answer["seq"], {"7": 1})
        self.assertEqual(len(stub.requests), 3)
        self.assertEqual(self.sleeps, [0.2, 0.4])
        keys = {r["headers"]["Idempotency-Key"] for r in stub.requests}
        self.assertEqual(len(keys), 1, "every attempt must send the same key")
        self.assertEqual(uuid.UUID(keys.pop()).version, 4)
        first = stub.requests[0]
        self.assertEqual((first["method"], first["path"]), ("POST", "/api/v1/notify"))
        self.assertEqual(first["headers"]["Authorization"], "Bearer " + KEY)
        self.assertEqual(first["headers"]["Content-Type"], "application/json")
        self.assertEqual(stub.bodies()[0],
                         {"users": [7], "data": {"text": "hi"}, "event": "chat.message"})

    def test_each_call_gets_its_own_key_and_given_keys_are_kept(self):
        stub = self.stub(ACCEPTED)
        client = self.client(stub.url)
        client.notify(1)
        client.notify(1)
        client.notify("u", idempotency_key="order-5:shipped")
        keys = [r["headers"]["Idempotency-Key"] for r in stub.requests]
        self.assertNotEqual(keys[0], keys[1])
        self.assertEqual(keys[2], "order-5:shipped")
        self.assertEqual(stub.bodies()[2]["users"], ["u"])

    def test_gives_up_after_retries(self):
        stub = self.stub(UNAVAILABLE)
        with self.assertRaises(HeraldUnavailable) as caught:
            self.client(stub.url, retries=3, backoff=0.5).notify([1])
        error = caught.exception
        self.assertEqual((error.status, error.code, error.attempts), (503, "store_unavailable", 4))
        self.assertIn("disk full", error.message)
        self.assertEqual(self.sleeps, [0.5, 1.0, 2.0])
        self.assertEqual(len(stub.requests), 4)

    def test_4xx_is_raised_at_once(self):
        stub = self.stub((400, {"error": {"code": "invalid_field",
                                          "message": "Field 'event' must be ..."}}, 0))
        with self.assertRaises(HeraldAPIError) as caught:
            self.client(stub.url).notify([1], event="x")
        error = caught.exception
        self.assertEqual((error.status, error.code), (400, "invalid_field"))
        self.assertEqual(error.message, "Field 'event' must be ...")
        self.assertIsInstance(error, HeraldError)
        self.assertEqual(len(stub.requests), 1)
        self.assertEqual(self.sleeps, [])

    def test_5xx_without_json_body(self):
        stub = self.stub((502, b"<html>Bad Gateway</html>", 0))
        with self.assertRaises(HeraldUnavailable) as caught:
            self.client(stub.url, retries=1).unread(3)
        self.assertEqual((caught.exception.status, caught.exception.code), (502, "http_502"))
        self.assertEqual(len(stub.requests), 2)

    def test_connection_refused_is_retried_then_given_up(self):
        reserved = reserve_port()
        self.addCleanup(reserved.close)
        url = "http://127.0.0.1:%d" % reserved.getsockname()[1]
        with self.assertRaises(HeraldUnavailable) as caught:
            self.client(url, retries=2).broadcast({"a": 1})
        self.assertEqual((caught.exception.code, caught.exception.attempts),
                         ("connection_error", 3))
        self.assertIsNone(caught.exception.status)
        self.assertEqual(self.sleeps, [0.2, 0.4])

    def test_connection_refused_then_server_comes_up(self):
        reserved = reserve_port()
        port = reserved.getsockname()[1]
        client = self.client("http://127.0.0.1:%d" % port)
        started = []

        def start_server_instead_of_sleeping(delay):
            self.sleeps.append(delay)
            if not started:  # the first attempt was refused; now listen on that port
                reserved.close()
                started.append(StubServer([ACCEPTED], port=port))
                self.addCleanup(started[0].close)
        client._sleep = start_server_instead_of_sleeping
        answer = client.notify(["a"], {"n": 1}, idempotency_key="k-1")
        self.assertEqual(answer["id"], "n_1")
        self.assertEqual(self.sleeps, [0.2])
        self.assertEqual(len(started[0].requests), 1)
        self.assertEqual(started[0].requests[0]["headers"]["Idempotency-Key"], "k-1")

    def test_lost_answer_is_retried_for_a_keyed_push(self):
        stub = self.stub((202, {"id": "late"}, StubServer.HELD), ACCEPTED)
        answer = self.client(stub.url, timeout=TIMEOUT).notify([7])
        self.assertEqual(answer["id"], "n_1")
        self.assertEqual(len(stub.requests), 2)
        keys = {r["headers"]["Idempotency-Key"] for r in stub.requests}
        self.assertEqual(len(keys), 1)

    def test_lost_answer_is_not_retried_for_a_live_push(self):
        stub = self.stub((202, {"id": "late"}, StubServer.HELD), ACCEPTED)
        with self.assertRaises(HeraldUnavailable) as caught:
            self.client(stub.url, timeout=TIMEOUT).broadcast({"x": 1})
        self.assertEqual((caught.exception.code, caught.exception.attempts), ("timeout", 1))
        self.assertIn("not retried", caught.exception.message)
        self.assertEqual(len(stub.requests), 1)
        self.assertNotIn("Idempotency-Key", stub.requests[0]["headers"])

    def test_lost_answer_is_retried_for_reads(self):
        state = {"user": "x", "unread": 0, "read_up_to": 0, "seq": 0, "epoch": "e"}
        stub = self.stub((200, state, StubServer.HELD), (200, state, 0))
        self.assertEqual(self.client(stub.url, timeout=TIMEOUT).unread("x"), state)
        self.assertEqual(len(stub.requests), 2)

    def test_request_shapes(self):
        stub = self.stub((200, {}, 0))
        client = self.client(stub.url.rstrip("/") + "/")
        client.unread("a/b c")
        client.disconnect_user(42)
        client.notifications("u", limit=5, before=9)
        client.mark_read("u", 3)
        client.notify(["u", 2], store=False)
        client.broadcast(event="deploy", store=True)
        client.broadcast()
        self.assertEqual([(r["method"], r["path"]) for r in stub.requests], [
            ("GET", "/api/v1/users/a%2Fb%20c/unread"),
            ("DELETE", "/api/v1/users/42/sessions"),
            ("GET", "/api/v1/users/u/notifications?limit=5&before=9"),
            ("POST", "/api/v1/users/u/read"),
            ("POST", "/api/v1/notify"),
            ("POST", "/api/v1/broadcast"),
            ("POST", "/api/v1/broadcast"),
        ])
        bodies = stub.bodies()
        self.assertEqual(bodies[3], {"up_to": 3})
        self.assertEqual(bodies[4], {"users": ["u", 2], "data": None, "store": False})
        self.assertEqual(bodies[5], {"data": None, "event": "deploy", "store": True})
        self.assertEqual(bodies[6], {"data": None})
        self.assertNotIn("Idempotency-Key", stub.requests[4]["headers"])
        self.assertIn("Idempotency-Key", stub.requests[5]["headers"])
        self.assertNotIn("Idempotency-Key", stub.requests[6]["headers"])

    def test_argument_errors(self):
        client = self.client("http://127.0.0.1:9")
        with self.assertRaises(ValueError):
            client.notify([1], store=False, idempotency_key="k")
        with self.assertRaises(ValueError):
            client.broadcast(idempotency_key="k")
        with self.assertRaises(TypeError):
            client.notify([True])
        with self.assertRaises(TypeError):
            client.notify(None)
        with self.assertRaises(TypeError):
            client.notify([1.5])
        with self.assertRaises(ValueError):
            Herald("http://127.0.0.1:9", "")

    def test_api_key_is_never_logged_or_shown(self):
        stub = self.stub(UNAVAILABLE)
        client = self.client(stub.url, retries=2)
        with self.assertLogs("herald", "DEBUG") as logs, \
                self.assertRaises(HeraldUnavailable) as caught:
            client.notify([1])
        self.assertEqual(len(logs.output), 2)  # one warning per retry
        for text in (*logs.output, str(caught.exception), repr(caught.exception), repr(client),
                     json.dumps(vars(caught.exception), default=str)):
            self.assertNotIn(KEY, text)


if __name__ == "__main__":
    unittest.main()
