"""herald.django: template tag, notify_on_save and the herald_push command,
the pushes going to a real herald-server.

Django is Debian's python3-django (3.2). Without it these tests are skipped,
unless HERALD_REQUIRE_DJANGO=1 makes that a failure.
"""

import io
import json
import os
import re
import unittest
import uuid
import warnings

from herald import Herald, verify_token

from .support import API_KEY, SECRET, HeraldServer, reserve_port

try:
    import django
except ImportError:  # pragma: no cover - depends on the machine
    django = None

if django is None and os.environ.get("HERALD_REQUIRE_DJANGO") == "1":
    raise ImportError("HERALD_REQUIRE_DJANGO=1 but Django is not importable "
                      "(apt-get install python3-django)")

WS_URL = "ws://localhost:8080/ws"
server = None


def setUpModule():
    global server
    if django is None:
        raise unittest.SkipTest("Django is not installed (apt-get install python3-django)")
    # Django 3.2 itself trips two Python 3.11 deprecations on import ('cgi',
    # locale.getdefaultlocale); silence exactly those, not this package's own.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"django\.")
        _set_up_django()
    server = HeraldServer().start()


def _set_up_django():
    from django.conf import settings
    if not settings.configured:
        settings.configure(
            SECRET_KEY="herald-tests",
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                            "herald.django"],
            TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
            DEFAULT_AUTO_FIELD="django.db.models.AutoField",
            USE_TZ=True,
            HERALD_URL="http://127.0.0.1:9",  # replaced once the server runs
            HERALD_API_KEY=API_KEY,
            HERALD_SECRET=SECRET,
            HERALD_WS_URL=WS_URL,
            HERALD_BACKOFF=0.01,
        )
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
    from django import template, test  # noqa: F401  (imported under the filter too)


def tearDownModule():
    if server is not None:
        server.stop()


def herald():
    return Herald(server.api_url, API_KEY)


class DjangoTestCase(unittest.TestCase):
    def setUp(self):
        from django.test import override_settings
        # A fresh key namespace per test: SQLite reuses primary keys.
        self.prefix = uuid.uuid4().hex[:12]
        overrides = override_settings(HERALD_URL=server.api_url,
                                      HERALD_IDEMPOTENCY_PREFIX=self.prefix)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def tearDown(self):
        from django.contrib.auth.models import User
        User.objects.all().delete()


class TemplateTagTest(DjangoTestCase):
    def render(self, user=None, with_request=True, **settings):
        from django.template import Context, Template
        from django.test import RequestFactory, override_settings
        context = {}
        if with_request:
            request = RequestFactory().get("/")
            request.user = user
            context["request"] = request
        with override_settings(**settings):
            return Template("{% load herald %}{% herald_client %}").render(Context(context))

    def config(self, html):
        match = re.search(r"<script>window\.heraldConfig = (.*?);</script>", html)
        self.assertIsNotNone(match, html)
        return json.loads(match.group(1))

    def test_authenticated_user(self):
        from django.contrib.auth.models import User
        html = self.render(User(pk=42, username="alice"))
        self.assertIn('<script src="http://localhost:8080/herald.js"></script>', html)
        self.assertLess(html.index("heraldConfig"), html.index("herald.js"))
        config = self.config(html)
        self.assertEqual((config["url"], config["user"]), (WS_URL, "42"))
        claims = verify_token(config["token"], SECRET)
        self.assertEqual(claims["sub"], "42")
        self.assertEqual(claims["exp"] - claims["iat"], 3600)

    def test_anonymous_user_or_no_request_gets_nothing(self):
        from django.contrib.auth.models import AnonymousUser
        self.assertEqual(self.render(AnonymousUser()), "")
        self.assertEqual(self.render(with_request=False), "")

    def test_script_url(self):
        from django.contrib.auth.models import User
        user = User(pk=1, username="u")
        self.assertIn('src="https://push.example.com/herald.js"',
                      self.render(user, HERALD_WS_URL="wss://push.example.com/ws"))
        self.assertIn('src="https://cdn.example.com/h.js?v=1&amp;x=2"',
                      self.render(user, HERALD_SCRIPT_URL="https://cdn.example.com/h.js?v=1&x=2"))
        config = self.config(self.render(user, HERALD_TOKEN_TTL=60))
        claims = verify_token(config["token"], SECRET)
        self.assertEqual(claims["exp"] - claims["iat"], 60)

    def test_a_list_of_ws_urls(self):
        from django.contrib.auth.models import User
        from django.core.exceptions import ImproperlyConfigured
        user = User(pk=5, username="u")
        nodes = ["wss://b.example.com/ws", "wss://a.example.com/ws"]
        html = self.render(user, HERALD_WS_URL=nodes)
        self.assertEqual(self.config(html)["url"], nodes)
        self.assertIn('src="https://b.example.com/herald.js"', html)
        self.assertEqual(self.config(self.render(user, HERALD_WS_URL=tuple(nodes)))["url"], nodes)
        for bad in (["wss://a/ws", ""], ["wss://a/ws", 7], {"wss://a/ws": 1}):
            with self.assertRaises(ImproperlyConfigured, msg=repr(bad)):
                self.render(user, HERALD_WS_URL=bad)

    def test_values_cannot_break_out_of_the_script(self):
        from django.contrib.auth.models import User
        hostile = "ws://h/ws?x=</script><script>alert(1)</script><!--&"
        html = self.render(User(pk=3, username="u"), HERALD_WS_URL=hostile,
                           HERALD_SCRIPT_URL='https://h/"><script>alert(2)</script>')
        self.assertEqual(html.count("<script"), 2)
        self.assertEqual(html.count("</script>"), 2)
        self.assertNotIn("<!--", html)
        self.assertIn("&quot;&gt;&lt;script&gt;", html)
        self.assertEqual(self.config(html)["url"], hostile)

    def test_token_opens_a_session_on_the_server(self):
        from django.contrib.auth.models import User
        from .support import WebSocket
        token = self.config(self.render(User(pk=77, username="u")))["token"]
        socket = WebSocket(server.ws_port, token)
        self.addCleanup(socket.close)
        self.assertEqual(socket.status, 101)
        self.assertEqual(socket.next_message("welcome")["user"], "77")


class NotifyOnSaveTest(DjangoTestCase):
    def setUp(self):
        super().setUp()
        from django.contrib.auth.models import User
        from django.db.models.signals import post_save
        from herald.django import notify_on_save
        self.receiver = notify_on_save(
            User, to=lambda user: self.herald_user(user.pk), event="user.created",
            data=lambda user: {"username": user.username, "joined": user.date_joined})
        self.addCleanup(post_save.disconnect, self.receiver, sender=User,
                        dispatch_uid=self.receiver.dispatch_uid)

    def herald_user(self, pk):
        return f"{self.prefix}-{pk}"

    def unread(self, pk):
        return herald().unread(self.herald_user(pk))["unread"]

    def test_pushes_on_commit_only(self):
        from django.contrib.auth.models import User
        from django.db import transaction
        with transaction.atomic():
            user = User.objects.create(username="bob")
            self.assertEqual(self.unread(user.pk), 0, "pushed before the commit")
        self.assertEqual(self.unread(user.pk), 1)
        [stored] = herald().notifications(self.herald_user(user.pk))["notifications"]
        self.assertEqual(stored["event"], "user.created")
        self.assertEqual(stored["data"]["username"], "bob")
        self.assertRegex(stored["data"]["joined"], r"^\d{4}-\d\d-\d\dT")  # DjangoJSONEncoder

    def test_rollback_pushes_nothing(self):
        from django.contrib.auth.models import User
        from django.db import transaction
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                user = User.objects.create(username="carol")
                raise RuntimeError("roll back")
        self.assertFalse(User.objects.filter(username="carol").exists())
        self.assertEqual(self.unread(user.pk), 0)
        self.assertEqual(herald().notifications(self.herald_user(user.pk))["notifications"], [])

    def test_autocommit_updates_and_repeats(self):
        from django.contrib.auth.models import User
        from django.db.models.signals import post_save
        user = User.objects.create(username="dave")  # autocommit: pushed at once
        self.assertEqual(self.unread(user.pk), 1)
        user.first_name = "Dave"
        user.save()  # not a creation
        # The same row announced again (a retried task, a re-sent signal): same key.
        post_save.send(User, instance=user, created=True)
        self.assertEqual(self.unread(user.pk), 1)

    def test_failures_are_logged_not_raised(self):
        from django.contrib.auth.models import User
        from django.test import override_settings
        closed = reserve_port()
        self.addCleanup(closed.close)
        url = "http://127.0.0.1:%d" % closed.getsockname()[1]
        with override_settings(HERALD_URL=url, HERALD_RETRIES=1), \
                self.assertLogs("herald.django", "ERROR") as logs:
            User.objects.create(username="erin")
        self.assertIn("user.created", logs.output[0])
        self.assertIn("connection_error", logs.output[0])
        self.assertNotIn(API_KEY, "".join(logs.output))


class HeraldPushCommandTest(DjangoTestCase):
    def call(self, *args):
        from django.core.management import call_command
        out = io.StringIO()
        call_command("herald_push", *args, stdout=out)
        return out.getvalue()

    def test_pushes_and_prints_the_answer(self):
        user = f"{self.prefix}-cmd"
        answer = json.loads(self.call(user, '{"text": "from the shell"}', "--event", "cmd.test"))
        self.assertEqual(answer["seq"], {user: 1})
        self.assertRegex(answer["id"], r"^n_")
        [stored] = herald().notifications(user)["notifications"]
        self.assertEqual((stored["event"], stored["data"]), ("cmd.test", {"text": "from the shell"}))

    def test_errors_become_command_errors(self):
        from django.core.management import CommandError
        from django.test import override_settings
        with self.assertRaisesRegex(CommandError, "400 invalid_field: Field 'event'"):
            self.call("u", "{}", "--event", "not valid")
        with self.assertRaisesRegex(CommandError, "not valid JSON"):
            self.call("u", "{nope")
        with override_settings(HERALD_API_KEY="wrong-" + "k" * 32), \
                self.assertRaisesRegex(CommandError, "401 unauthorized"):
            self.call("u", "1")


class HelpersTest(DjangoTestCase):
    def test_idempotency_keys(self):
        from django.test import override_settings
        from herald.django.signals import idempotency_key
        self.assertEqual(idempotency_key("auth.user", 5, "user.created"),
                         f"{self.prefix}:auth.user:5:user.created")
        with override_settings(HERALD_IDEMPOTENCY_PREFIX=""):
            self.assertEqual(idempotency_key("auth.user", 5, None), "auth.user:5")
            hashed = idempotency_key("app.doc", "a key with spaces", "e")
            self.assertEqual(hashed, idempotency_key("app.doc", "a key with spaces", "e"))
        self.assertRegex(hashed, r"^sha256:[0-9a-f]{64}$")
        self.assertNotEqual(hashed, idempotency_key("app.doc", "a key with spaces", "e"))
        self.assertRegex(idempotency_key("app.doc", "x" * 300), r"^sha256:")

    def test_missing_settings_are_reported(self):
        from django.test import override_settings
        from herald.django.apps import check_settings
        self.assertEqual(check_settings(), [])
        with override_settings(HERALD_SECRET=""):
            [warning] = check_settings()
        self.assertEqual(warning.id, "herald.W001")


if __name__ == "__main__":
    unittest.main()
