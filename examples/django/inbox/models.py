from django.conf import settings
from django.db import models


class Message(models.Model):
    """A message from one user to another: the original story's notification source."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="sent_messages")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="received_messages")
    body = models.TextField(max_length=1000)
    created = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read"])]

    def __str__(self):
        return f"{self.sender} → {self.recipient}: {self.body[:40]}"
