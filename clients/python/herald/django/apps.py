from django.apps import AppConfig
from django.core import checks


class HeraldConfig(AppConfig):
    name = "herald.django"
    label = "herald"
    verbose_name = "Herald notifications"

    def ready(self):
        checks.register(check_settings, "herald")


def check_settings(app_configs=None, **kwargs):
    from django.conf import settings

    return [
        checks.Warning(f"{name} is not set; Herald pushes and browser tokens need it.",
                       id="herald.W001", obj=name)
        for name in ("HERALD_URL", "HERALD_API_KEY", "HERALD_SECRET", "HERALD_WS_URL")
        if not getattr(settings, name, None)
    ]
