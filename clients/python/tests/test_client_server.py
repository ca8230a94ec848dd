"""The client against a real herald-server process."""

import unittest

from herald import Herald, HeraldAPIError, mint_token

from . import support
from .support import API_KEY, SECRET, HeraldServer, WebSocket, reserve_port


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = HeraldServer().start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        self.herald = Herald(self.server.api_url, API_KEY, timeout=30.0)

    def test_notify_returns_id_and_seqs(self):
        answer = self.herald.notify([101, "user-102", 101], {"text": "hi"}, event="chat.message")
        self.assertRegex(answer["id"], r"^n_[0-9a-f]+$")
        self.assertEqual(answer["seq"], {"101": 1, "user-102": 1})
        self.assertEqual((answer["users_online"], answer["sessions"]), (0, 0))
        again = self.herald.notify(101, {"text": "again"})
        self.assertEqual(again["seq"], {"101": 2})
        self.assertNotEqual(again["id"], answer["id"])

    def test_broadcast(self):
        live = self.herald.broadcast({"banner": "deploy at 5"}, event="site.banner")
        self.assertRegex(live["id"], r"^n_")
        self.assertIs(live["stored"], False)
        self.assertEqual(live["sessions"], 0)
        stored = self.herald.broadcast({"v": 1}, store=True)
        self.assertIs(stored["stored"], True)
        self.assertIn("users", stored)

    def test_4xx_carries_the_servers_code(self):
        cases = [
            (lambda h: h.notify([1], event="has space"), 400, "invalid_field", "event"),
            (lambda h: h.notify([]), 400, "invalid_field", "users"),
            (lambda h: h.notify([1, "x" * 257]), 400, "invalid_field", "users[1]"),
            (lambda h: h.notifications(1, limit=5000), 400, "invalid_field", "limit"),
        ]
        for call, status, code, field in cases:
            with self.subTest(field), self.assertRaises(HeraldAPIError) as caught:
                call(self.herald)
            self.assertEqual((caught.exception.status, caught.exception.code), (status, code))
            self.assertIn(f"'{field}'", caught.exception.message)

    def test_wrong_api_key_is_401(self):
        wrong = Herald(self.server.api_url, "not-the-key-" + "x" * 32)
        for call in (lambda: wrong.notify([1]), lambda: wrong.unread(1),
                     lambda: wrong.disconnect_user(1)):
            with self.assertRaises(HeraldAPIError) as caught:
                call()
            self.assertEqual((caught.exception.status, caught.exception.code),
                             (401, "unauthorized"))

    def test_same_key_stores_once(self):
        first = self.herald.notify(["idem-user"], {"n": 1}, idempotency_key="order-17:paid")
        second = self.herald.notify(["idem-user"], {"n": 1}, idempotency_key="order-17:paid")
        self.assertEqual(second["id"], first["id"])
        self.assertEqual(second["seq"], first["seq"])
        self.assertEqual(self.herald.unread("idem-user")["unread"], 1)
        history = self.herald.notifications("idem-user")["notifications"]
        self.assertEqual([n["data"] for n in history], [{"n": 1}])

    def test_without_a_key_each_call_stores(self):
        self.herald.notify(["auto-key"], 1)
        self.herald.notify(["auto-key"], 1)
        self.assertEqual(self.herald.unread("auto-key")["unread"], 2)

    def test_inbox(self):
        for n in range(3):
            self.herald.notify("inbox-user", {"n": n}, event="inbox.test")
        state = self.herald.unread("inbox-user")
        self.assertEqual((state["user"], state["unread"], state["read_up_to"], state["seq"]),
                         ("inbox-user", 3, 0, 3))
        self.assertTrue(state["epoch"])
        read = self.herald.mark_read("inbox-user", 2)
        self.assertEqual((read["unread"], read["read_up_to"]), (1, 2))
        page = self.herald.notifications("inbox-user", limit=2)
        self.assertEqual([n["seq"] for n in page["notifications"]], [3, 2])
        self.assertEqual(page["notifications"][0]["event"], "inbox.test")
        self.assertEqual(page["next_before"], 2)

    def test_user_ids_are_escaped_in_paths(self):
        for user in ("odd id ü", "50%", "a+b?c#d"):
            self.herald.notify([user], 1)
            state = self.herald.unread(user)
            self.assertEqual((state["user"], state["unread"]), (user, 1))

    def test_minted_token_opens_a_session_that_gets_pushes(self):
        socket = WebSocket(self.server.ws_port, mint_token(555, SECRET))
        self.addCleanup(socket.close)
        self.assertEqual(socket.status, 101)
        welcome = socket.next_message("welcome")
        self.assertEqual(welcome["user"], "555")
        answer = self.herald.notify([555], {"hello": "browser"}, event="greet")
        self.assertEqual((answer["users_online"], answer["sessions"]), (1, 1))
        message = socket.next_message("notification")
        self.assertEqual((message["id"], message["event"], message["data"]),
                         (answer["id"], "greet", {"hello": "browser"}))
        self.assertEqual(self.herald.disconnect_user(555), {"user": "555", "disconnected": 1})
        self.assertIsNone(socket.next_message("notification"))  # closed by the server

    def test_token_signed_with_another_secret_is_refused(self):
        socket = WebSocket(self.server.ws_port, mint_token(555, "y" * 32))
        self.addCleanup(socket.close)
        self.assertEqual(socket.status, 401)
        self.assertIn(b'"token_signature"', socket.body)


class RetryAgainstServerTest(unittest.TestCase):
    def test_refused_until_the_server_starts(self):
        support.server_binary()  # skip early when there is none
        reserved = reserve_port()
        port = reserved.getsockname()[1]
        herald = Herald(f"http://127.0.0.1:{port}", API_KEY)
        servers = []

        def start_server_instead_of_sleeping(delay):
            if not servers:
                reserved.close()
                servers.append(HeraldServer(api_port=port).start())
                self.addCleanup(servers[0].stop)
        herald._sleep = start_server_instead_of_sleeping
        answer = herald.notify(["late"], {"n": 1}, idempotency_key="refused-then-ok")
        self.assertEqual(answer["seq"], {"late": 1})
        self.assertEqual(len(servers), 1)
        # The same key again, as a retry after a lost answer would send it: no second copy.
        self.assertEqual(herald.notify(["late"], {"n": 1}, idempotency_key="refused-then-ok"),
                         answer)
        self.assertEqual(herald.unread("late")["unread"], 1)


if __name__ == "__main__":
    unittest.main()
