from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"

    def ready(self):
        from herald.django import notify_on_save

        from .models import Message

        # Every new Message is pushed to its recipient once the row is committed;
        # each of the recipient's tabs bumps its bubble.
        notify_on_save(
            Message,
            to=lambda m: m.recipient_id,
            event="message.created",
            data=lambda m: {"id": m.pk, "sender": m.sender.username, "body": m.body[:200],
                            "created": m.created},
        )
