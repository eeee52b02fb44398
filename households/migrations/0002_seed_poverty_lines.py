"""Reference poverty lines, 2014–2020 (domain brief §3.2). Editable by operators afterwards."""

from decimal import Decimal

from django.db import migrations

NATIONAL = {
    2014: ("2800", "NBS line, confirmed"),
    2015: ("2855", "NBS line, confirmed"),
    2016: ("2952", "NBS line, confirmed"),
    2017: ("3335", "working exit line of the poverty-alleviation offices, unconfirmed"),
    2018: ("3535", "working exit line of the poverty-alleviation offices, unconfirmed"),
    2019: ("3747", "working exit line of the poverty-alleviation offices, unconfirmed"),
    2020: ("4000", "about 4000 yuan, confirmed"),
}
# 防返贫 monitoring: 1.5 × the national line in 2020; 6000 for 2021 (reported, unconfirmed).
MONITORING = {
    2020: ("6000", "1.5 × the 2020 line, unconfirmed"),
    2021: ("6000", "reported national reference value, unconfirmed"),
}


def seed(apps, schema_editor):
    PovertyLine = apps.get_model("households", "PovertyLine")
    for kind, table in (("national", NATIONAL), ("monitoring", MONITORING)):
        for year, (amount, source) in table.items():
            PovertyLine.objects.update_or_create(
                year=year, kind=kind, defaults={"amount": Decimal(amount), "source": source}
            )


def unseed(apps, schema_editor):
    PovertyLine = apps.get_model("households", "PovertyLine")
    for kind, table in (("national", NATIONAL), ("monitoring", MONITORING)):
        PovertyLine.objects.filter(kind=kind, year__in=list(table)).delete()


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
