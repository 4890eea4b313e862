from django.core.management.base import BaseCommand, CommandError

from liaison.models import ApiKey
from liaison.services import api_key_revoke


class Command(BaseCommand):
    help = "Revoke an API key by its prefix (the part before the dot): it stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix: str, **options):
        key = ApiKey.objects.filter(prefix=prefix, revoked=False).first()
        if key is None:
            raise CommandError("No active key with that prefix.")
        api_key_revoke(key=key)
        self.stdout.write(f"Revoked key {prefix} of {key.owner}.")
