from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from liaison.models import Contact, Platform
from liaison.services import webhook_configure


class Command(BaseCommand):
    help = "Set a platform's or roster contact's webhook URL and a new signing secret (shown once)."

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--platform", help="platform slug")
        owner.add_argument("--contact", type=int, help="roster contact id")
        parser.add_argument("--url", help="the receiver's https URL (kept if not given)")

    def handle(self, *args, platform, contact, url, **options):
        owner = (
            Platform.objects.filter(slug=platform).first()
            if platform
            else Contact.objects.filter(pk=contact).first()
        )
        if owner is None:
            raise CommandError("No such platform or contact.")
        try:
            secret = webhook_configure(owner=owner, url=url)
        except ValidationError as exc:
            raise CommandError(f"Not saved: {exc}") from exc
        self.stdout.write(f"Webhook for {owner}: {owner.webhook_url or '(no URL yet)'}")
        self.stdout.write(secret)
        self.stdout.write(
            "Give the secret to the receiver now: it is stored encrypted and not shown again."
        )
