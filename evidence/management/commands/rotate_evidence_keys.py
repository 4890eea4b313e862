from django.core.management.base import BaseCommand

from evidence.services import data_keys_rewrap
from takedown.core.crypto import keyring


class Command(BaseCommand):
    help = "Re-wrap every file's data key under the current key-encryption key (content is not re-encrypted)."

    def handle(self, *args, **options):
        rewrapped = data_keys_rewrap(actor="operator:rotate_evidence_keys")
        self.stdout.write(
            self.style.SUCCESS(f"{rewrapped} data keys re-wrapped under {keyring().current_kid}.")
        )
