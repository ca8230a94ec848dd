"""The push-API client: what the application's backend uses to notify users.

Retries and idempotency
-----------------------
A request is retried, with exponential backoff (``backoff``, ``2*backoff``,
``4*backoff``... seconds), up to ``retries`` times after the first attempt
when

* the connection could not be made (refused, DNS failure, connect timeout):
  the server never saw the request, so any request is retried;
* the server answered 5xx (including ``503 store_unavailable``);
* the answer did not come (read timeout, connection reset) — but only for a
  request that is safe to repeat: GET/DELETE, and pushes that carry an
  idempotency key.

Every stored push (``notify()`` by default, ``broadcast(store=True)``) carries
an idempotency key: the one you pass, or else a fresh ``uuid4`` made once per
call and sent unchanged on every attempt as the ``Idempotency-Key`` header.
herald-server keeps the answer to a key (24 h by default) and answers a
repeat with it instead of storing and delivering again, so a push retried
after a timeout whose first attempt did arrive is stored and delivered once.
Pass your own key (e.g. derived from your database row) to make separate
calls — a re-run job, a second worker — deduplicate too.

Live pushes (``store=False``, the default for ``broadcast()``) cannot carry a
key (herald-server refuses one), so after a lost answer they are *not*
retried: ``HeraldUnavailable`` is raised rather than risking a second
delivery to every browser.

4xx answers raise ``HeraldAPIError`` at once, with the server's status,
error code and message. The API key is sent only in the Authorization header
and is never logged nor put into an exception or a repr.
"""

import http.client
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from .errors import HeraldAPIError, HeraldError, HeraldUnavailable

__all__ = ["Herald"]

logger = logging.getLogger("herald")

_NO_ANSWER = (TimeoutError, socket.timeout, ConnectionError, http.client.HTTPException, OSError)


def _user_id(value):
    if isinstance(value, (bool, float)) or value is None:
        raise TypeError(f"a user id must be a string or an integer, not {value!r}")
    if isinstance(value, (str, int)):
        return value
    return str(value)  # UUIDs and other primary keys


def _users(users):
    if isinstance(users, (str, int)) and not isinstance(users, bool):
        return [users]
    if users is None:
        raise TypeError("users must be a user id or an iterable of user ids")
    return [_user_id(user) for user in users]


def _segment(user_id):
    return urllib.parse.quote(str(_user_id(user_id)), safe="")


class Herald:
    """Client of herald-server's push API.

    ``url`` is the API base (``http://127.0.0.1:8081``), ``api_key`` the key
    herald-server was given as HERALD_API_KEY. ``timeout`` (seconds) applies
    to each attempt; see the module documentation for ``retries`` and
    ``backoff``.
    """

    def __init__(self, url, api_key, timeout=5.0, retries=3, backoff=0.2):
        if not url:
            raise ValueError("url is required, e.g. http://127.0.0.1:8081")
        if not api_key:
            raise ValueError("api_key is required")
        if int(retries) < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("retries and backoff must be >= 0 and timeout > 0")
        self.url = url.rstrip("/")
        self._api_key = str(api_key)
        self.timeout = timeout
        self.retries = int(retries)
        self.backoff = backoff
        self._sleep = time.sleep  # replaceable in tests

    def __repr__(self):
        return f"Herald(url={self.url!r}, timeout={self.timeout!r}, retries={self.retries!r})"

    # -- pushes -------------------------------------------------------------

    def notify(self, users, data=None, event=None, idempotency_key=None, store=True):
        """Pushes ``data`` (any JSON value) to every session of ``users`` (one
        id or an iterable of 1-10000 string/integer ids). Stored pushes (the
        default) get an automatic idempotency key when none is given. Returns
        the server's answer, e.g. ``{"id": "n_...", "seq": {"42": 7},
        "users_online": 1, "sessions": 2}``."""
        body = {"users": _users(users), "data": data}
        return self._push("/api/v1/notify", body, event, store, idempotency_key, True)

    def broadcast(self, data=None, event=None, store=False, idempotency_key=None):
        """Pushes ``data`` to every connected session (and, with
        ``store=True``, into the stream of every user who has one). Returns
        e.g. ``{"id": "n_...", "stored": false, "sessions": 12}``."""
        return self._push("/api/v1/broadcast", {"data": data}, event, store, idempotency_key,
                          False)

    def _push(self, path, body, event, store, idempotency_key, store_default):
        if event is not None:
            body["event"] = event
        if bool(store) != store_default:
            body["store"] = bool(store)
        headers = {}
        if store:
            headers["Idempotency-Key"] = str(idempotency_key or uuid.uuid4())
        elif idempotency_key:
            raise ValueError("an idempotency key needs a stored push (store=True)")
        return self._request("POST", path, body, headers, retry_lost_answers=bool(store))

    # -- users --------------------------------------------------------------

    def disconnect_user(self, user_id):
        """Closes every live session of ``user_id`` (e.g. on logout); returns
        ``{"user": ..., "disconnected": <count>}``."""
        return self._request("DELETE", f"/api/v1/users/{_segment(user_id)}/sessions")

    def sessions(self, user_id):
        """Lists the live sessions of ``user_id``."""
        return self._request("GET", f"/api/v1/users/{_segment(user_id)}/sessions")

    def unread(self, user_id):
        """Returns ``{"user", "unread", "read_up_to", "seq", "epoch"}``."""
        return self._request("GET", f"/api/v1/users/{_segment(user_id)}/unread")

    def mark_read(self, user_id, up_to):
        """Marks the stored notifications of ``user_id`` up to seq ``up_to``
        read; returns the same fields as ``unread()``."""
        return self._request("POST", f"/api/v1/users/{_segment(user_id)}/read",
                             {"up_to": int(up_to)}, retry_lost_answers=True)

    def notifications(self, user_id, limit=None, since=None, before=None):
        """One page of the stored history of ``user_id``, newest first:
        ``{"user", "epoch", "notifications": [...], "next_before"}``."""
        query = {name: int(value) for name, value in
                 (("limit", limit), ("since", since), ("before", before)) if value is not None}
        path = f"/api/v1/users/{_segment(user_id)}/notifications"
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self._request("GET", path)

    # -- transport ----------------------------------------------------------

    def _request(self, method, path, body=None, headers=None, retry_lost_answers=None):
        if retry_lost_answers is None:
            retry_lost_answers = method in ("GET", "DELETE")
        data = None
        all_headers = {"Authorization": "Bearer " + self._api_key,
                       "Accept": "application/json",
                       "User-Agent": "herald-python"}
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        url = self.url + path
        attempt = 0
        while True:
            attempt += 1
            failure = self._attempt(method, url, data, all_headers)
            if not isinstance(failure, HeraldUnavailable):
                return failure
            failure.attempts = attempt
            if failure.code in ("timeout", "connection_lost") and not retry_lost_answers:
                failure.message += ("; not retried: the request may have arrived and a live "
                                    "push has no idempotency key")
                raise failure
            if attempt > self.retries:
                if self.retries:
                    failure.message += f" (gave up after {attempt} attempts)"
                raise failure
            delay = self.backoff * (2 ** (attempt - 1))
            logger.warning("herald %s %s failed (%s); retry %d/%d in %.2fs", method, path,
                           failure, attempt, self.retries, delay)
            self._sleep(delay)

    def _attempt(self, method, url, data, headers):
        """Returns the decoded answer, or a HeraldUnavailable worth a retry;
        raises HeraldAPIError for 4xx."""
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return self._decode(response.status, response.read())
        except urllib.error.HTTPError as error:
            with error:
                status, raw = error.code, error.read()
            code, message = self._error_fields(status, raw)
            if 400 <= status < 500:
                raise HeraldAPIError(status, code, message) from None
            return HeraldUnavailable(message, status=status, code=code)
        except urllib.error.URLError as error:
            # Connecting (or sending) failed: the server has no whole request to act on.
            return HeraldUnavailable(f"cannot connect to {self.url}: {error.reason}",
                                     code="connection_error")
        except _NO_ANSWER as error:
            # The request may have arrived; no (complete) answer came back.
            if isinstance(error, (TimeoutError, socket.timeout)):
                return HeraldUnavailable(f"no answer from {self.url} within {self.timeout}s",
                                         code="timeout")
            return HeraldUnavailable(f"connection to {self.url} lost: {error!r}",
                                     code="connection_lost")

    @staticmethod
    def _decode(status, raw):
        try:
            return json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            raise HeraldError(f"the server answered {status} with a body that is not JSON",
                              status=status, code="invalid_response") from None

    @staticmethod
    def _error_fields(status, raw):
        try:
            error = json.loads(raw.decode("utf-8"))["error"]
            return str(error["code"]), str(error.get("message", ""))
        except (ValueError, KeyError, TypeError, AttributeError):
            text = raw.decode("utf-8", "replace").strip()[:200]
            return f"http_{status}", text or http.client.responses.get(status, "HTTP error")
