"""Load the demo network and about thirty cases. Idempotent; refused in production.

Everything here is synthetic: illustrative legal profiles (not statements of any
country's law), example.org / .test domains, and content hashes of made-up bytes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_WEBHOOK_BASE, print_logins, seed


class Command(BaseCommand):
    help = "Load demo jurisdictions, desks, platforms, users and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="do not print the demo logins (make run prints them once the app is up)",
        )
        parser.add_argument(
            "--webhook-base",
            default=DEMO_WEBHOOK_BASE,
            help="where the app answers, for the demo platforms' webhook receiver "
            "(default %(default)s)",
        )

    def handle(self, *args, no_logins=False, webhook_base=DEMO_WEBHOOK_BASE, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("seed_demo is refused under production settings.")
        created, _logins = seed(webhook_base=webhook_base)
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        if not no_logins:
            print_logins(self.stdout)
