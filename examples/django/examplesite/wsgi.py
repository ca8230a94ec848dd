"""WSGI entry point, e.g. for gunicorn examplesite.wsgi (herald must be importable)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examplesite.settings")
application = get_wsgi_application()
