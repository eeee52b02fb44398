from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from supervision import schedules


class Command(BaseCommand):
    help = "Create the supervision's beat schedules that are missing (edits in the admin stay)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = schedules.install(CrontabSchedule, PeriodicTask)
        self.stdout.write(self.style.SUCCESS(f"{created} periodic task(s) created"))
