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
    """HERALD_WS_URL as set: one URL, or a list of them (the nodes of a cluster,
    which herald.js tries in turn)."""
    value = required("HERALD_WS_URL")
    urls = [value] if isinstance(value, str) else value
    if not isinstance(urls, (list, tuple)) or not all(isinstance(u, str) and u for u in urls):
        raise ImproperlyConfigured("HERALD_WS_URL must be a URL or a list of URLs")
    return value if isinstance(value, str) else list(urls)


def script_url():
    """HERALD_SCRIPT_URL, or the host of (the first) HERALD_WS_URL over
    http(s) + /herald.js."""
    explicit = getattr(settings, "HERALD_SCRIPT_URL", None)
    if explicit:
        return explicit
    urls = ws_url()
    parts = urllib.parse.urlsplit(urls if isinstance(urls, str) else urls[0])
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme)
    if scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "HERALD_WS_URL must look like ws://host:port/ws or wss://host/ws "
            "(or set HERALD_SCRIPT_URL)")
    return urllib.parse.urlunsplit((scheme, parts.netloc, "/herald.js", "", ""))
