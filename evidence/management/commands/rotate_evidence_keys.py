from django.core.management.base import BaseCommand

from evidence.crypto import rewrap_data_key
from evidence.models import EvidenceItem
from takedown.core.crypto import keyring


class Command(BaseCommand):
    help = "Re-wrap every file's data key under the current key-encryption key (content is not re-encrypted)."

    def handle(self, *args, **options):
        current = keyring().current_kid
        rewrapped = 0
        for item in (
            EvidenceItem.objects.filter(purged_at__isnull=True).exclude(wrapped_key="").iterator()
        ):
            if keyring().kid_of(item.wrapped_key) == current:
                continue
            EvidenceItem.objects.filter(pk=item.pk, wrapped_key=item.wrapped_key).update(
                wrapped_key=rewrap_data_key(item.wrapped_key, file_id=item.file_id)
            )
            rewrapped += 1
        self.stdout.write(self.style.SUCCESS(f"{rewrapped} data keys re-wrapped under {current}."))
