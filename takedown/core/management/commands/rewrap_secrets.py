"""After adding a new key-encryption key (first in TAKEDOWN_KEKS), re-encrypt every
secret the system stores under it, so the old KEK can be retired. Evidence data keys:
see rotate_evidence_keys."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from takedown.core.audit import atomic, audit_record
from takedown.core.crypto import DecryptionError, keyring
from takedown.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field (keys, webhook secrets, TOTP seeds, victim data) under the current KEK."

    def handle(self, *args, **options):
        current = keyring().current_kid
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            for field in fields:
                raw = model.objects.exclude(**{field.name: ""}).values_list("pk", flat=True)
                for pk in raw.iterator():
                    try:
                        value = model.objects.values_list(field.name, flat=True).get(pk=pk)
                    except DecryptionError as exc:
                        raise CommandError(
                            f"{model._meta.label}.{field.name} #{pk} does not decrypt: {exc}"
                        ) from exc
                    with atomic():
                        # Saving the clear value encrypts it under the current KEK.
                        model.objects.filter(pk=pk).update(**{field.name: value})
                    total += 1
        audit_record(action="secrets.rewrapped", data={"kek": current, "values": total})
        self.stdout.write(self.style.SUCCESS(f"{total} secrets re-encrypted under {current}."))
