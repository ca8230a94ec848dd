"""Settings of the Herald example site.

Everything that differs between a laptop and the end-to-end test comes from the
environment:

* HERALD_URL, HERALD_API_KEY, HERALD_SECRET, HERALD_WS_URL: the same values the
  herald-server was started with (see examples/django/README.md); HERALD_WS_URL
  may list several nodes, comma-separated; HERALD_SCRIPT_URL, where browsers
  load herald.js (default: from the first HERALD_WS_URL);
* HERALD_RETRIES, HERALD_BACKOFF, HERALD_TIMEOUT: the push client's retry policy;
* EXAMPLE_DB: the SQLite file (default: db.sqlite3 next to manage.py);
* DJANGO_SECRET_KEY, DJANGO_DEBUG.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") not in ("0", "false", "no", "off")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "herald.django",
    "inbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "examplesite.urls"
WSGI_APPLICATION = "examplesite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",  # {% herald_client %} needs it
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB") or BASE_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Herald ------------------------------------------------------------------
HERALD_URL = os.environ.get("HERALD_URL", "http://127.0.0.1:8081")    # push API (private)
HERALD_API_KEY = os.environ.get("HERALD_API_KEY", "")
HERALD_SECRET = os.environ.get("HERALD_SECRET", "")                   # signs browser tokens
# For browsers; several nodes of a cluster: comma-separated, tried in turn by herald.js.
HERALD_WS_URL = os.environ.get("HERALD_WS_URL", "ws://127.0.0.1:8080/ws").split(",")
HERALD_WS_URL = HERALD_WS_URL[0] if len(HERALD_WS_URL) == 1 else HERALD_WS_URL
HERALD_SCRIPT_URL = os.environ.get("HERALD_SCRIPT_URL", "")
# Pushes run in the request that saves the row (transaction.on_commit): keep the
# retry window short for web requests, or push from a task queue instead.
HERALD_TIMEOUT = float(os.environ.get("HERALD_TIMEOUT", "5"))
HERALD_RETRIES = int(os.environ.get("HERALD_RETRIES", "3"))
HERALD_BACKOFF = float(os.environ.get("HERALD_BACKOFF", "0.2"))

# Show the Herald client's retry warnings and failed pushes on the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "herald": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "inbox": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
