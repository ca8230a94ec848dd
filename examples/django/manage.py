#!/usr/bin/env python3
"""Django's command-line utility for the Herald example site."""
import os
import sys
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examplesite.settings")
    try:
        import herald  # noqa: F401  (pip install clients/python, or PYTHONPATH)
    except ImportError:
        # Run from a checkout: use the repository's Python client.
        sys.path.append(str(Path(__file__).resolve().parents[2] / "clients" / "python"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
