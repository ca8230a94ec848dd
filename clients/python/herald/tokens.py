"""Browser access tokens: the HS256 JSON Web Tokens herald-server accepts on
``/ws?token=<jwt>``.

Only the standard library is used (hmac, hashlib, base64, json). The JSON is
compact with sorted keys, so a token minted here is byte-for-byte the one
herald-server's own TokenSigner makes from the same inputs.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time

from .errors import TokenError

__all__ = ["mint_token", "verify_token"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text):
    if not text or "=" in text:
        raise ValueError("not base64url without padding")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64url(raw) != text:  # canonical spelling only, as the server demands
        raise ValueError("not canonical base64url")
    return raw


def _compact(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def _secret_bytes(secret):
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not isinstance(secret, (bytes, bytearray)) or not secret:
        raise ValueError("the token secret must be a non-empty str or bytes")
    return bytes(secret)


def _sign(signing_input, secret):
    return hmac.new(secret, signing_input, hashlib.sha256).digest()


def mint_token(user_id, secret, ttl=3600, now=None, kid=None):
    """Returns a token (str) letting ``user_id`` open WebSocket sessions.

    ``sub`` is ``str(user_id)``, ``iat`` is ``now`` (seconds since the epoch,
    default the current time) and ``exp`` is ``iat + ttl``; both are whole
    seconds. ``secret`` is HERALD_SECRET (str or bytes), the one herald-server
    was started with, or one listed in its ``secrets_file``; then pass that
    line's ``kid`` so the server picks the secret directly.
    """
    if isinstance(user_id, bool) or user_id is None:
        raise ValueError("user_id must be a string or an integer")
    sub = str(user_id)
    if not sub:
        raise ValueError("user_id must not be empty")
    key = _secret_bytes(secret)
    ttl = int(ttl)
    if ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    issued = int(time.time() if now is None else now)
    payload = {"sub": sub, "iat": issued, "exp": issued + ttl}
    header = _HEADER if kid is None else {**_HEADER, "kid": str(kid)}
    signing_input = (_b64url(_compact(header)) + "." + _b64url(_compact(payload))).encode("ascii")
    return signing_input.decode("ascii") + "." + _b64url(_sign(signing_input, key))


def verify_token(token, secret, now=None, leeway=0):
    """Checks a token the way herald-server does and returns its claims (a
    dict). Raises ``TokenError`` with the server's code otherwise."""
    key = _secret_bytes(secret)
    if isinstance(token, bytes):
        token = token.decode("ascii", "replace")
    if not token:
        raise TokenError("token_missing", "No access token was supplied.")
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three parts")
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
        signature = _b64url_decode(parts[2])
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise ValueError("not JSON objects")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TokenError("token_invalid",
                         "The access token is not a well-formed JSON Web Token.") from None
    if header.get("alg") != "HS256":
        raise TokenError("token_algorithm", "The access token must be signed with HS256.")
    if "crit" in header:
        raise TokenError("token_crit", "The access token's header lists critical extensions "
                                       "(crit), which are not supported.")
    expected = _sign((parts[0] + "." + parts[1]).encode("ascii"), key)
    if not hmac.compare_digest(expected, signature):
        raise TokenError("token_signature", "The access token signature is not valid.")
    sub, exp = claims.get("sub"), claims.get("exp")
    numeric = (int, float)
    if (not isinstance(sub, str) or not sub or isinstance(exp, bool)
            or not isinstance(exp, numeric)
            or any(name in claims and (isinstance(claims[name], bool)
                                       or not isinstance(claims[name], numeric))
                   for name in ("nbf", "iat"))):
        raise TokenError("token_claims", "The access token lacks a valid sub or exp claim, "
                                         "or has a mistyped claim.")
    current = time.time() if now is None else now
    if current >= exp + leeway:
        raise TokenError("token_expired", "The access token has expired.")
    if "nbf" in claims and current < claims["nbf"] - leeway:
        raise TokenError("token_not_yet_valid", "The access token is not valid yet.")
    return claims
