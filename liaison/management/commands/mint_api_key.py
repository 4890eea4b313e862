from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.choices import AuthorityKind
from liaison.models import Authority, Platform
from liaison.services import api_key_mint


class Command(BaseCommand):
    help = "Mint an API key for a platform or an intake partner. The key is shown once."

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--platform", help="platform slug")
        owner.add_argument("--partner", type=int, help="authority id of an intake partner")
        parser.add_argument("--name", required=True, help="what the key is for")
        parser.add_argument("--expires-in-days", type=int, default=365)

    def handle(self, *args, platform, partner, name, expires_in_days, **options):
        try:
            owner = (
                Platform.objects.get(slug=platform)
                if platform
                else Authority.objects.get(pk=partner)
            )
        except Platform.DoesNotExist as exc:
            slugs = ", ".join(Platform.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"No platform with the slug {platform!r}. Platforms: {slugs or 'none yet'}."
            ) from exc
        except Authority.DoesNotExist as exc:
            partners = ", ".join(
                f"{a.pk} ({a.name})"
                for a in Authority.objects.filter(kind=AuthorityKind.HOTLINE).order_by("pk")
            )
            raise CommandError(
                f"No authority with the id {partner}. Intake partners: {partners or 'none yet'}."
            ) from exc
        key, secret = api_key_mint(
            owner=owner, name=name, expires_at=timezone.now() + timedelta(days=expires_in_days)
        )
        self.stdout.write(f"API key {key.prefix} for {owner} (expires {key.expiry_date:%Y-%m-%d}):")
        self.stdout.write(secret)
        self.stdout.write("Store it now: only its hash is kept, it cannot be shown again.")
