from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from takedown.core import otp
from takedown.core.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print a demo user's current TOTP code (demo and development only; refused in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("totp_code is refused under production settings.")
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed_at__isnull=False
        ).first()
        if device is None:
            raise CommandError(f"{username} has no enrolled device.")
        self.stdout.write(otp.totp(device.secret))
