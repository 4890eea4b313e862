from django.core.management.base import BaseCommand, CommandError

from evidence.models import EvidencePackage
from evidence.services import item_check, verify_chain


class Command(BaseCommand):
    help = (
        "Recompute every custody chain and every stored file's digest; name the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--package", help="only this package (reference)")

    def handle(self, *args, package=None, **options):
        packages = EvidencePackage.objects.order_by("id")
        if package:
            packages = packages.filter(reference=package)
            if not packages.exists():
                raise CommandError(f"No package {package}.")
        checked_files = 0
        for each in packages.iterator():
            if (broken := verify_chain(each)) is not None:
                raise CommandError(f"Chain of custody BROKEN: {broken}.")
            for item in each.items.filter(purged_at__isnull=True):
                checked_files += 1
                if (problem := item_check(item)) is not None:
                    raise CommandError(
                        f"File BROKEN: package {each.reference}, file {item.file_id}: {problem}"
                    )
        self.stdout.write(
            self.style.SUCCESS(
                f"Custody intact: {packages.count()} packages, {checked_files} files verified."
            )
        )
