import json

from django.db import migrations, models


def keep_answers(apps, schema_editor):
    """Answers stored as JSON before: kept as their JSON text (replays within the seven
    days a key is kept still answer)."""
    Record = apps.get_model("core", "IdempotencyRecord")
    for record in Record.objects.exclude(response_body=None).iterator():
        record.response_content = json.dumps(record.response_body, separators=(",", ":"))
        record.save(update_fields=["response_content"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_second_factor_throttle")]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="response_content",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(keep_answers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="idempotencyrecord", name="response_body"),
    ]
