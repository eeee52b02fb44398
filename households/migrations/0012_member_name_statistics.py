"""Finer statistics of members' names (PostgreSQL): the name search's plan depends on them.

With the default statistics target (100) a two-character prefix's matches were estimated at a
twentieth of their number on a register of 2.7 million households (893 for 16,481), and the
planner sorted every match of the city before keeping the first 200 of the jurisdiction (91 ms);
with 1,000 it estimates 10,708, reads the name index in order and stops early (25 ms;
docs/benchmarks.md, decision 0027). SQLite has no such setting.
"""

from django.db import migrations


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE households_member ALTER COLUMN name SET STATISTICS 1000")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE households_member ALTER COLUMN name SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("households", "0011_ethnicity_gb3304_and_political_status")]

    operations = [migrations.RunPython(finer, default, elidable=False)]
