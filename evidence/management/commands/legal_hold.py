"""The operator's legal holds: ``legal_hold place REF --reason … [--until DATE]``,
``legal_hold lift REF --reason …`` (the hold in force placed first, or ``--hold ID``),
``legal_hold list``. Each is audited as the operator's act."""

import getpass
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from evidence import services
from evidence.models import EvidencePackage, LegalHold
from takedown.core.errors import ApplicationError
from takedown.core.web import error_text


class Command(BaseCommand):
    help = "Place, lift or list legal holds on evidence packages (no purge while one is in force)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        place = actions.add_parser("place", help="hold a package past its retention period")
        place.add_argument("reference")
        place.add_argument("--reason", required=True)
        place.add_argument("--until", type=date.fromisoformat, help="end date, YYYY-MM-DD")
        lift = actions.add_parser("lift", help="lift a hold in force")
        lift.add_argument("reference")
        lift.add_argument("--reason", required=True)
        lift.add_argument("--hold", type=int, help="which hold (default: the oldest in force)")
        actions.add_parser("list", help="the holds in force")

    def handle(self, *args, action, **options):
        actor = f"operator:{getpass.getuser()}"
        try:
            if action == "list":
                return self._list()
            package = self._package(options["reference"])
            if action == "place":
                hold = services.hold_place(
                    package=package, actor=actor, reason=options["reason"], until=options["until"]
                )
                self.stdout.write(self.style.SUCCESS(f"Hold {hold.pk} placed on {package}."))
            else:
                hold = self._hold(package, options["hold"])
                services.hold_lift(hold=hold, actor=actor, reason=options["reason"])
                self.stdout.write(self.style.SUCCESS(f"Hold {hold.pk} on {package} lifted."))
        except ApplicationError as error:
            raise CommandError(error_text(error)) from error

    def _package(self, reference: str) -> EvidencePackage:
        try:
            return EvidencePackage.objects.get(reference=reference)
        except EvidencePackage.DoesNotExist:
            raise CommandError(f"No package {reference}.") from None

    def _hold(self, package: EvidencePackage, pk: int | None) -> LegalHold:
        holds = services.holds_in_force(package).order_by("placed_at", "id")
        hold = holds.filter(pk=pk).first() if pk is not None else holds.first()
        if hold is None:
            raise CommandError(
                f"No hold in force on {package}" + (f" with id {pk}." if pk else ".")
            )
        return hold

    def _list(self) -> None:
        holds = LegalHold.objects.filter(services.in_force(services.hold_day()))
        holds = holds.select_related("package")
        for hold in holds.order_by("package__reference", "placed_at"):
            until = hold.until.isoformat() if hold.until else "until lifted"
            self.stdout.write(
                f"{hold.package.reference}\thold {hold.pk}\t{until}\t{hold.placed_by}\t{hold.reason}"
            )
        self.stdout.write(f"{holds.count()} holds in force.")
