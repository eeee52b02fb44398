"""The members' ID number keeps its unique index and loses the pattern index (PostgreSQL).

Django gives every unique ``CharField`` a second index with ``varchar_pattern_ops`` for
``LIKE 'prefix%'``. Nothing looks ID numbers up by prefix (the search matches a whole ID number,
``households.selectors``), so that index only cost writes: it was one of the three randomly
ordered indexes every imported member is written into (the unique index and the name index are
the others), and the members' ``COPY`` into a large register grew with them (docs/benchmarks.md,
"what grew"). The field stays ``unique=True``, so forms and the model's validation keep their
message for a duplicate ID number. SQLite has no such index.
"""

from django.db import migrations


def _name(schema_editor):
    model_table, column = "households_member", "id_number"
    return schema_editor._create_index_name(model_table, [column], suffix="_like")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {schema_editor.quote_name(_name(schema_editor))}"
        )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(_name(schema_editor))} "
            "ON households_member (id_number varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("households", "0012_member_name_statistics")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
