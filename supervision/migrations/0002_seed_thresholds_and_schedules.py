"""三率一度 thresholds (domain brief §2.3) and the periodic tasks; editable afterwards."""

from django.db import migrations

from supervision import reference, schedules


def seed(apps, schema_editor):
    reference.install_thresholds(apps.get_model("supervision", "ExitThreshold"))
    schedules.install(
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTask"),
    )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "ExitThreshold").objects.all().delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[s.name for s in schedules.SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
