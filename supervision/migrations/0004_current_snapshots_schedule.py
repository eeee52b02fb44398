"""The periodic task of the running month's snapshots (decision 0027): installed like the others,
by name, leaving existing schedules and their edits alone."""

from django.db import migrations

from supervision import schedules

NAME = "本月快照 current month's snapshots"


def seed(apps, schema_editor):
    schedules.install(
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTask"),
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_missing_evidence_rate"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
