import json

from django.core.management.base import BaseCommand, CommandError

from cases import transparency


class Command(BaseCommand):
    help = "Print the transparency report for a period (the same figures as the page)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026, 2026-Q2 or 2026-05")
        parser.add_argument("--jurisdiction")
        parser.add_argument("--platform", help="platform slug")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--public", action="store_true", help="aggregates only, small cells suppressed"
        )

    def handle(self, *args, period, jurisdiction, platform, format, public, **options):
        try:
            parsed = transparency.Period.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        scope = transparency.Scope(
            jurisdiction=(jurisdiction or "").upper() or None, platform=platform
        )
        report = transparency.compute(period=parsed, scope=scope)
        if public:
            report = transparency.public(report)
        self.stdout.write(
            json.dumps(report, indent=2) if format == "json" else transparency.as_csv(report)
        )
