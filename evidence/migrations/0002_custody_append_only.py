from django.db import migrations

from takedown.core.db import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [append_only_trigger("evidence_custodyevent")]
