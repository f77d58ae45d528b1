"""PostgreSQL: finer statistics on name tokens, so that prefix ranges are estimated well.

With the default target (100), common tokens such as YING fall outside the most-common-values
list and a prefix range is estimated at one row; the planner then nests token scans and a
two-word search takes hundreds of milliseconds (docs/performance.md). SQLite needs nothing.
"""

from django.db import migrations


def _set_statistics(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "ALTER TABLE registry_personnametoken ALTER COLUMN token "
                f"SET STATISTICS {int(target)}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_name_token_person_index"),
    ]

    operations = [
        migrations.RunPython(_set_statistics(1000), _set_statistics(-1)),
    ]
