"""Exceptions raised by the Herald client."""

__all__ = ["HeraldError", "HeraldAPIError", "HeraldUnavailable", "TokenError"]


class HeraldError(Exception):
    """Base class of every error the Herald client raises.

    ``status`` is the HTTP status (None when no answer came), ``code`` the
    machine-readable code (the server's ``error.code`` where it sent one) and
    ``message`` a human-readable explanation. The API key never appears in any
    of them.
    """

    def __init__(self, message, *, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def __str__(self):
        parts = []
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(self.code)
        prefix = " ".join(parts)
        return f"{prefix}: {self.message}" if prefix else str(self.message)

    def __repr__(self):
        return (f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
                f"message={self.message!r})")


class HeraldAPIError(HeraldError):
    """The server refused the request with a 4xx answer; retrying cannot help.

    Examples: ``status=400, code='invalid_field'`` (bad event name, unknown
    field, bad user id), ``401 'unauthorized'`` (wrong API key),
    ``413 'payload_too_large'``.
    """

    def __init__(self, status, code, message):
        super().__init__(message, status=status, code=code)


class HeraldUnavailable(HeraldError):
    """The server could not be reached or kept failing (5xx), and the retries
    are used up — or the request failed in a way that made retrying unsafe
    (see ``Herald``). ``attempts`` is how many requests were made; ``status``
    and ``code`` describe the last failure (``code`` is ``'connection_error'``
    or ``'timeout'`` when no answer came)."""

    def __init__(self, message, *, status=None, code=None, attempts=0):
        super().__init__(message, status=status, code=code)
        self.attempts = attempts


class TokenError(HeraldError, ValueError):
    """A browser token failed verification in ``verify_token``; ``code`` is
    the same code herald-server answers with (``token_signature``,
    ``token_expired``, ...)."""

    def __init__(self, code, message):
        super().__init__(message, status=None, code=code)
