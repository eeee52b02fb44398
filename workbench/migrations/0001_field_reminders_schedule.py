"""The daily field reminders on Celery beat, for databases migrated before the schedule existed
(``supervision.schedules.install`` skips the schedules already there)."""

from django.db import migrations

from supervision import schedules

NAME = "现场提醒 field reminders"


def install(apps, schema_editor):
    schedules.install(
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTask"),
    )


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_missing_evidence_rate"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
