"""Python client for Herald, the real-time notification push server.

    from herald import Herald, mint_token

    herald = Herald("http://127.0.0.1:8081", api_key)
    herald.notify([42, "bob"], {"text": "Hi"}, event="chat.message")
    token = mint_token(42, secret)   # for ws://host:8080/ws?token=<token>

Django integration: add ``"herald.django"`` to INSTALLED_APPS (see
``herald.django``).
"""

import logging

from .client import Herald
from .errors import HeraldAPIError, HeraldError, HeraldUnavailable, TokenError
from .tokens import mint_token, verify_token

__all__ = ["Herald", "HeraldError", "HeraldAPIError", "HeraldUnavailable", "TokenError",
           "mint_token", "verify_token"]
__version__ = "0.1.0"

# Retries are logged to "herald" as warnings; where they go is the application's choice.
logging.getLogger("herald").addHandler(logging.NullHandler())
