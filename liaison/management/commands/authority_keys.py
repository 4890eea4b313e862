from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.choices import KeyPurpose
from liaison.keys import (
    authority_key_create,
    authority_key_register,
    authority_key_revoke,
    authority_key_rotate,
)
from liaison.models import Authority, AuthorityKey
from takedown.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create, rotate, revoke or list authorities' signing (Ed25519) and encryption (X25519) keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("create", "rotate"):
            p = sub.add_parser(name)
            p.add_argument("--authority", type=int, required=True, help="authority id")
            p.add_argument("--purpose", choices=KeyPurpose.values, default=KeyPurpose.SIGNING)
        p = sub.add_parser(
            "register", help="an encryption key the authority generated itself (public half)"
        )
        p.add_argument("--authority", type=int, required=True, help="authority id")
        p.add_argument(
            "--public-key",
            required=True,
            help="the .pub file receiver.py wrote, or its text as --public-key=TEXT (it may begin with '-')",
        )
        p = sub.add_parser("revoke")
        p.add_argument("key_id")
        p.add_argument("--reason", required=True)
        p = sub.add_parser("list")
        p.add_argument("--authority", type=int)

    def handle(self, *args, action: str, **options):
        try:
            if action == "list":
                return self._list(options.get("authority"))
            if action == "revoke":
                key = authority_key_revoke(key_id=options["key_id"], reason=options["reason"])
                self.stdout.write(f"Revoked {key.key_id}.")
                return None
            authority = Authority.objects.filter(pk=options["authority"]).first()
            if authority is None:
                raise CommandError("No such authority.")
            if action == "register":
                given = options["public_key"]
                text = Path(given).read_text(encoding="ascii") if Path(given).is_file() else given
                key = authority_key_register(authority=authority, public_key=text)
                self.stdout.write(
                    f"Registered: {key.key_id} (encryption, private key held by {authority}) "
                    f"public {key.public_key}"
                )
                return None
            make = authority_key_create if action == "create" else authority_key_rotate
            key = make(authority=authority, purpose=options["purpose"])
            self.stdout.write(
                f"{action.capitalize()}d: {key.key_id} ({key.purpose}) public {key.public_key}"
            )
        except ApplicationError as exc:
            raise CommandError(exc.detail) from exc
        return None

    def _list(self, authority_id):
        keys = AuthorityKey.objects.select_related("authority").order_by(
            "authority_id", "-valid_from"
        )
        if authority_id:
            keys = keys.filter(authority_id=authority_id)
        for key in keys:
            state = "revoked" if key.revoked_at else ("retired" if key.valid_until else "current")
            holder = "authority" if key.held_by_authority else "system"
            self.stdout.write(
                f"{key.key_id:<40} {key.purpose:<10} {state:<8} private:{holder:<9} {key.authority}"
            )
