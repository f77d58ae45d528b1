"""Deadlines get a public code (URLs name rows by code, never by integer id): added without
uniqueness, filled row by row, then made unique."""

import uuid

from django.db import migrations, models


def fill_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    Deadline = apps.get_model("cases", "Deadline")
    for deadline in Deadline.objects.filter(code__isnull=True).only("pk"):
        deadline.code = uuid.uuid4()
        deadline.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_open_tasks")]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="code",
            field=models.UUIDField(editable=False, null=True, verbose_name="code"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deadline",
            name="code",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="code"
            ),
        ),
    ]
