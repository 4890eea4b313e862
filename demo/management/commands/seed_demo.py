"""Load the demo network and about thirty cases. Idempotent; refused in production.

Everything here is synthetic: illustrative legal profiles (not statements of any
country's law), example.org / .test domains, and content hashes of made-up bytes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Load demo jurisdictions, desks, platforms, users and cases (idempotent)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("seed_demo is refused under production settings.")
        created, users = seed()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in users:
            self.stdout.write(f"  {username:<16} {description}")
