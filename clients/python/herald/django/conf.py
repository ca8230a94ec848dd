"""Settings access for the Django integration."""

import urllib.parse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from herald.client import Herald


def required(name):
    value = getattr(settings, name, None)
    if not value:
        raise ImproperlyConfigured(f"Set {name} in your Django settings to use Herald.")
    return value


def get_client():
    """A ``herald.Herald`` configured from the settings (made anew on each
    call, so settings overridden in tests take effect; it holds no
    connections)."""
    return Herald(required("HERALD_URL"), required("HERALD_API_KEY"),
                  timeout=getattr(settings, "HERALD_TIMEOUT", 5.0),
                  retries=getattr(settings, "HERALD_RETRIES", 3),
                  backoff=getattr(settings, "HERALD_BACKOFF", 0.2))


def ws_url():
    return required("HERALD_WS_URL")


def script_url():
    """HERALD_SCRIPT_URL, or HERALD_WS_URL's host over http(s) + /herald.js."""
    explicit = getattr(settings, "HERALD_SCRIPT_URL", None)
    if explicit:
        return explicit
    parts = urllib.parse.urlsplit(ws_url())
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme)
    if scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "HERALD_WS_URL must look like ws://host:port/ws or wss://host/ws "
            "(or set HERALD_SCRIPT_URL)")
    return urllib.parse.urlunsplit((scheme, parts.netloc, "/herald.js", "", ""))
