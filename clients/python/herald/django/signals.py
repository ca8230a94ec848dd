"""Pushing from model saves, only once the transaction has committed."""

import hashlib
import json
import logging
import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_save

from herald.errors import HeraldError

from .conf import get_client

logger = logging.getLogger("herald.django")

_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


def _jsonable(data):
    # Model data often holds datetimes, Decimals and UUIDs.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def idempotency_key(*parts):
    """A key herald-server accepts (1-255 printable ASCII, no spaces), made
    from ``parts`` and HERALD_IDEMPOTENCY_PREFIX; hashed when the plain
    spelling would not fit."""
    prefix = getattr(settings, "HERALD_IDEMPOTENCY_PREFIX", "")
    key = ":".join(str(part) for part in (prefix, *parts) if part not in (None, ""))
    if not _KEY_PATTERN.match(key):
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key


def notify_on_commit(users, data=None, event=None, idempotency_key=None, using=None,
                     raise_errors=False):
    """Pushes once the current transaction commits (at once outside one); a
    rolled-back transaction pushes nothing. Failures after the retries are
    logged to the ``herald.django`` logger, not raised (the data is already
    committed), unless ``raise_errors``."""
    def push():
        try:
            get_client().notify(users, _jsonable(data), event=event,
                                idempotency_key=idempotency_key)
        except HeraldError:
            if raise_errors:
                raise
            logger.exception("Herald push %s to %r failed", event or "", users)

    transaction.on_commit(push, using=using or DEFAULT_DB_ALIAS)


def notify_on_save(model, to, event=None, data=None, dispatch_uid=None):
    """Notifies when a row of ``model`` is created (not on later saves).

    ``to(instance)`` returns the user id or ids to notify (None or empty:
    nobody); ``data`` is ``data(instance)`` (any JSON value) or a constant.
    The push happens in ``transaction.on_commit``, and its idempotency key is
    derived from the model label, the primary key and the event, so a
    notification retried or re-sent for the same row is stored once (for as
    long as herald-server keeps keys, 24 h by default).

    Returns the receiver; ``post_save.disconnect(receiver, sender=model)``
    undoes the connection. Connecting twice with the same model and event is
    a no-op.
    """
    label = model._meta.label_lower
    uid = dispatch_uid or f"herald.notify_on_save:{label}:{event or ''}"

    def receiver(sender, instance, created, raw=False, using=None, **kwargs):
        if not created or raw:  # raw: loaddata fixtures
            return
        users = to(instance)
        if users is not None and not isinstance(users, (str, int)):
            users = list(users)
        if users is None or users == "" or users == []:
            return
        payload = data(instance) if callable(data) else data
        notify_on_commit(users, payload, event=event,
                         idempotency_key=idempotency_key(label, instance.pk, event),
                         using=using)

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    receiver.dispatch_uid = uid
    return receiver
