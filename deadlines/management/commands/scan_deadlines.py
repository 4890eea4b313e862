from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from deadlines.services import sweep_due
from takedown.core.audit import atomic


class Command(BaseCommand):
    help = "Run one deadline sweep now (or at --now); --dry-run shows what would be sent."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO-8601 time to sweep at (default: the clock)")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be sent; write nothing"
        )

    def handle(self, *args, now: str | None, dry_run: bool, **options):
        moment = self._parse(now) if now else timezone.now()
        # A dry run is the real sweep inside a transaction that is rolled back: the same
        # code decides, nothing is written and no message leaves (on_commit never fires).
        with atomic():
            result = sweep_due(now=moment)
            if dry_run:
                transaction.set_rollback(True)
        prefix = "would " if dry_run else ""
        for message in result.messages:
            self.stdout.write(f"{prefix}{message}")
        self.stdout.write(
            f"{'Dry run at' if dry_run else 'Swept at'} {moment.isoformat()}: "
            f"{result.checked} deadlines checked, {result.reminders} reminders, "
            f"{result.escalations} escalations, {result.failed} failed."
        )

    @staticmethod
    def _parse(text: str) -> datetime:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(
                f"--now must be ISO-8601, e.g. 2026-11-28T14:00:00+00:00: {exc}"
            ) from exc
        if timezone.is_naive(moment):
            raise CommandError("--now needs a UTC offset, e.g. 2026-11-28T14:00:00+00:00.")
        return moment
