import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from herald import HeraldError, mint_token
from herald.django import get_client

from .forms import SendForm
from .models import Message

logger = logging.getLogger(__name__)


@login_required
def inbox(request):
    received = (Message.objects.filter(recipient=request.user)
                .select_related("sender")[:50])
    return render(request, "inbox/inbox.html", {"inbox_messages": received})


@login_required
def send(request):
    if request.method == "POST":
        form = SendForm(request.POST, sender=request.user)
        if form.is_valid():
            message = form.save(commit=False)
            message.sender = request.user
            # post_save → notify_on_save → Herald push once the row is committed.
            message.save()
            messages.success(request, f"Sent “{message.body}” to {message.recipient.username}.")
            return redirect("send")
    else:
        form = SendForm(sender=request.user)
    return render(request, "inbox/send.html", {"form": form})


@login_required
@require_POST
def mark_read(request):
    """Marks the user's messages read, here and in Herald: every open tab of the
    user gets an ``unread`` frame and its bubble drops to 0."""
    user = request.user
    herald = get_client()
    # Herald's position first: a message arriving in between is marked read in
    # the database but still counted by the bubble, never the other way round.
    try:
        latest_seq = herald.unread(user.pk)["seq"]
    except HeraldError:
        logger.exception("could not read the Herald position of user %s", user.pk)
        latest_seq = 0
    count = Message.objects.filter(recipient=user, read=False).update(read=True)
    if latest_seq:
        try:
            herald.mark_read(user.pk, up_to=latest_seq)
        except HeraldError:
            logger.exception("could not mark user %s read in Herald", user.pk)
    messages.success(request, f"Marked {count} message{'' if count == 1 else 's'} read.")
    return redirect("inbox")


@never_cache
@require_GET
def herald_token(request):
    """A fresh token for herald.js's reconnects (``getToken``): a tab may stay open
    longer than the token in the page lives."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "not signed in"}, status=403)
    token = mint_token(request.user.pk, settings.HERALD_SECRET,
                       ttl=getattr(settings, "HERALD_TOKEN_TTL", 3600))
    return JsonResponse({"token": token})
