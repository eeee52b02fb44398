"""三率一度 thresholds (domain brief §2.3) and the periodic tasks; editable afterwards."""

from decimal import Decimal

from django.db import migrations

from supervision import schedules

SOURCE = "国开办发〔2017〕56号 贫困县退出专项评估检查实施办法"
THRESHOLDS = (
    ("poverty_incidence", "west", "lt", "3"),
    ("poverty_incidence", "central", "lt", "2"),
    ("wrong_exit_rate", "west", "lt", "2"),
    ("wrong_exit_rate", "central", "lt", "2"),
    ("missed_rate", "west", "lt", "2"),
    ("missed_rate", "central", "lt", "2"),
    ("approval_rate", "west", "gte", "90"),
    ("approval_rate", "central", "gte", "90"),
)


def seed(apps, schema_editor):
    threshold = apps.get_model("supervision", "ExitThreshold")
    for indicator, zone, comparison, value in THRESHOLDS:
        threshold.objects.update_or_create(
            indicator=indicator,
            zone=zone,
            defaults={"comparison": comparison, "value": Decimal(value), "source": SOURCE},
        )
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
