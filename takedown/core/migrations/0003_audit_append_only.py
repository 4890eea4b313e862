from django.db import migrations

from takedown.core.db import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [append_only_trigger("core_auditevent")]
