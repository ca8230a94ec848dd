"""Django integration for Herald.

Add ``"herald.django"`` to INSTALLED_APPS and set:

* ``HERALD_URL``: base of the push API, e.g. ``"http://127.0.0.1:8081"``;
* ``HERALD_API_KEY``: herald-server's HERALD_API_KEY;
* ``HERALD_SECRET``: herald-server's HERALD_SECRET (signs browser tokens);
* ``HERALD_WS_URL``: the browsers' WebSocket URL, e.g. ``"ws://localhost:8080/ws"``,
  or a list of them (several nodes: the browser moves to the next when one fails);
* optional ``HERALD_SCRIPT_URL``: where browsers load the JS client (default:
  the host of (the first) HERALD_WS_URL over http(s), path ``/herald.js``);
* optional ``HERALD_TOKEN_TTL`` (seconds, default 3600), ``HERALD_TIMEOUT``
  (5.0), ``HERALD_RETRIES`` (3), ``HERALD_BACKOFF`` (0.2) and
  ``HERALD_IDEMPOTENCY_PREFIX`` (default ``""``: set it per deployment when
  several sites or databases share one herald-server).

Then:

* templates: ``{% load herald %}{% herald_client %}`` (needs ``request`` in
  the context: the ``django.template.context_processors.request`` processor);
* code: ``herald.django.get_client().notify(...)``, ``notify_on_commit(...)``
  and ``notify_on_save(Model, to=..., event=..., data=...)``;
* shell: ``manage.py herald_push <user> '<json>' [--event E]``.
"""

from .conf import get_client, script_url, ws_url
from .signals import notify_on_commit, notify_on_save

__all__ = ["get_client", "script_url", "ws_url", "notify_on_commit", "notify_on_save"]
