"""manage.py herald_push <user> '<json>' [--event E]: push by hand."""

import json

from django.core.management.base import BaseCommand, CommandError

from herald.errors import HeraldError

from ...conf import get_client


class Command(BaseCommand):
    help = ("Pushes a notification to one user through herald-server and prints the "
            "server's answer as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("user", help="user id to notify")
        parser.add_argument("data", nargs="?", default="null",
                            help="notification data as JSON (default: null)")
        parser.add_argument("--event", help="event name, e.g. chat.message")
        parser.add_argument("--idempotency-key", help="key making a repeated push a no-op")
        parser.add_argument("--no-store", action="store_true",
                            help="deliver live only, without keeping it in the user's history")

    def handle(self, *args, **options):
        try:
            data = json.loads(options["data"])
        except ValueError as error:
            raise CommandError(f"data is not valid JSON: {error}") from None
        try:
            answer = get_client().notify(options["user"], data, event=options["event"],
                                         idempotency_key=options["idempotency_key"],
                                         store=not options["no_store"])
        except HeraldError as error:
            raise CommandError(f"Herald push failed: {error}") from error
        self.stdout.write(json.dumps(answer, sort_keys=True))
