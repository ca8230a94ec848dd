from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERS = ("alice", "bob")


class Command(BaseCommand):
    help = "Creates (or resets) the demo users alice and bob."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="herald-demo",
                            help="password for both users (default: herald-demo)")

    def handle(self, *args, password, **options):
        User = get_user_model()
        for username in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.save()
            self.stdout.write(f"{'created' if created else 'reset'} {username} (id {user.pk})")
