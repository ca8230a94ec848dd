"""``{% load herald %}{% herald_client %}``: the browser side of Herald."""

import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from herald.tokens import mint_token

from ..conf import required, script_url, ws_url

register = template.Library()

# Inside <script>, "</script>" or "<!--" in a string would end or confuse the
# element; escaping <, > and & (plus the JS line separators) makes any value
# inert while staying valid JSON and JavaScript.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(value):
    return json.dumps(value, sort_keys=True).translate(_SCRIPT_ESCAPES)


@register.simple_tag(takes_context=True)
def herald_client(context):
    """The Herald JS client and ``window.heraldConfig = {url, token, user}``
    for the signed-in user, with a freshly minted token; nothing for
    anonymous visitors or without ``request`` in the context."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    user_id = str(user.pk)
    token = mint_token(user_id, required("HERALD_SECRET"),
                       ttl=getattr(settings, "HERALD_TOKEN_TTL", 3600))
    # Already safe inside <script>; HTML-escaping it would break the JSON.
    config = mark_safe(script_json({"url": ws_url(), "token": token, "user": user_id}))
    nonce = getattr(request, "csp_nonce", None)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else ""
    return format_html('<script{}>window.heraldConfig = {};</script>\n'
                       '<script src="{}"{}></script>',
                       nonce_attr, config, script_url(), nonce_attr)
