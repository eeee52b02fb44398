#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongren_fupin.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the settings: a refusal is said plainly
    except ImproperlyConfigured as error:
        # Django would swallow it and fail later with "Models aren't loaded yet".
        sys.exit(f"ImproperlyConfigured: {error}")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
