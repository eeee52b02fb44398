"""The Celery application. Broker and behaviour come from settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongren_fupin.settings")

app = Celery("tongren_fupin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
