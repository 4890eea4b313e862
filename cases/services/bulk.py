"""Bulk CSV intake: a header row, one row per item; the whole file or nothing.

Small files are imported at once; large ones by a background task, whose progress
(rows checked, matched, new) is kept in the cache — outside the import's transaction,
so the page can show it while the transaction is still open.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import ImportStatus, ReportSource
from cases.models import BulkImport
from cases.submitters import Submitter
from liaison.models import Jurisdiction
from takedown.core.audit import audit_record
from takedown.core.errors import ApplicationError, ValidationFailed
from takedown.core.models import User

from .intake import (
    ItemInput,
    ReportInput,
    prepare_items,
    report_submit,
    reporting_jurisdiction_of,
)

logger = logging.getLogger(__name__)

COLUMNS = ("url", "sha256", "md5", "pdq", "hosting_country", "hosting_ip")
MAX_REPORTED_ERRORS = 1000


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ItemInput]


def parse_csv(data: bytes) -> ParsedFile:
    """Check the file's shape (size, encoding, header, row count); rows are checked later."""
    if len(data) > settings.BULK_IMPORT_MAX_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.BULK_IMPORT_MAX_BYTES // 2**20},
            code="file_too_large",
            fields={"file": [_("File too large.")]},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("The file is not UTF-8 text."), code="invalid_csv", fields={"file": [str(exc)]}
        ) from exc
    if "\x00" in text:  # no text file holds one, and PostgreSQL cannot store it
        raise ValidationFailed(
            _("The file is not text: it contains a NUL character."),
            code="invalid_csv",
            fields={"file": [_("A NUL character is not allowed in a CSV.")]},
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise ValidationFailed(
            _("The file is empty."), code="invalid_csv", fields={"file": [_("Empty file.")]}
        ) from None
    unknown = [c for c in header if c not in COLUMNS]
    if unknown or not {"url", "sha256", "md5"} & set(header) or len(set(header)) != len(header):
        raise ValidationFailed(
            _(
                "The header row must name columns from: %(cols)s (at least one of url, sha256, md5), each once."
            )
            % {"cols": ", ".join(COLUMNS)},
            code="invalid_csv_header",
            fields={
                "header": [
                    _("Unknown or repeated columns: %(c)s") % {"c": ", ".join(unknown) or "—"}
                ]
            },
        )
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                values = values[: len(header)]  # reported as an error below only if it matters
            rows.append(ItemInput(**dict(zip(header, values, strict=False))))
            if len(rows) > settings.BULK_IMPORT_MAX_ROWS:
                raise ValidationFailed(
                    _("At most %(n)d rows per file.") % {"n": settings.BULK_IMPORT_MAX_ROWS},
                    code="too_many_rows",
                    fields={"file": [_("Too many rows.")]},
                )
    except csv.Error as exc:
        raise ValidationFailed(
            _("The file is not valid CSV: %(e)s") % {"e": exc}, code="invalid_csv"
        ) from exc
    if not rows:
        raise ValidationFailed(
            _("The file has a header but no rows."),
            code="invalid_csv",
            fields={"file": [_("No rows.")]},
        )
    return ParsedFile(rows)


def _submitter_of(job: BulkImport) -> Submitter:
    return Submitter(
        user=job.submitted_by, partner=job.partner, platform=job.platform, api_key=job.api_key
    )


def bulk_import_create(
    *,
    data: bytes,
    file_name: str,
    source: str,
    reporting_jurisdiction: str,
    acute: bool,
    summary: str,
    submitter: Submitter | User,
    now: datetime | None = None,
) -> BulkImport:
    """Check the file's shape now; import small files at once and queue large ones."""
    now = now or timezone.now()
    submitter = Submitter.of(submitter)
    parsed = parse_csv(data)
    errors = {}
    if source not in ReportSource.values:
        errors["source"] = [_("Unknown source.")]
    jurisdiction, refused = reporting_jurisdiction_of(reporting_jurisdiction, submitter)
    if refused:
        errors["reporting_jurisdiction"] = refused
    if errors:
        raise ValidationFailed(_("The import is not valid; nothing was saved."), fields=errors)
    job = BulkImport.objects.create(
        source=source,
        reporting_jurisdiction=jurisdiction,
        acute=acute,
        summary=summary,
        file_name=file_name[:255],
        csv_text=data.decode("utf-8-sig"),
        row_count=len(parsed.rows),
        created_at=now,
        api_key=submitter.api_key,
        **submitter.report_fields(),
    )
    if len(parsed.rows) <= settings.BULK_IMPORT_INLINE_ROWS:
        bulk_import_run(job_id=job.pk, submitter=submitter)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id) -> None:
    from cases.tasks import run_bulk_import

    try:
        run_bulk_import.delay(str(job_id))
    except Exception:  # the broker is down: bulk_imports_recover enqueues it again
        logger.warning("could not enqueue bulk import %s", job_id)


# A job still "running" after this was on a worker that died: its transaction was
# rolled back, so it can run again from the start.
RUNNING_LEASE = timedelta(seconds=1800 + 120)
QUEUED_GRACE = timedelta(minutes=2)


def bulk_imports_recover(*, now: datetime | None = None) -> int:
    """Re-enqueue jobs whose task was lost (broker down, Redis flushed, worker died)."""
    now = now or timezone.now()
    BulkImport.objects.filter(
        status=ImportStatus.RUNNING, started_at__lt=now - RUNNING_LEASE
    ).update(status=ImportStatus.QUEUED, started_at=None)
    stale = list(
        BulkImport.objects.filter(
            status=ImportStatus.QUEUED, created_at__lt=now - QUEUED_GRACE
        ).values_list("pk", flat=True)
    )
    for job_id in stale:
        _enqueue(job_id)
    return len(stale)


def progress_key(job_id) -> str:
    return f"bulk-import:{job_id}:progress"


def import_progress(job: BulkImport) -> dict:
    return cache.get(progress_key(job.pk)) or {
        "phase": job.status,
        "checked": 0,
        "matched": 0,
        "new": 0,
        "total": job.row_count,
    }


def bulk_import_run(*, job_id, submitter: Submitter | None = None) -> BulkImport:
    """Validate every row, then import in one transaction (nothing if any row is bad).
    Idempotent: a job that is done or refused is left as it is."""
    claimed = BulkImport.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    job = BulkImport.objects.select_related(
        "reporting_jurisdiction", "submitted_by", "partner", "platform", "api_key"
    ).get(pk=job_id)
    if not claimed:
        return job
    submitter = submitter or _submitter_of(job)
    total = job.row_count

    def report_progress(phase: str, checked: int, matched: int = 0, new: int = 0) -> None:
        cache.set(
            progress_key(job.pk),
            {"phase": phase, "checked": checked, "matched": matched, "new": new, "total": total},
            timeout=24 * 3600,
        )

    rows = parse_csv(job.csv_text.encode()).rows
    report_progress("checking", 0)
    known = set(Jurisdiction.objects.values_list("code", flat=True))
    # Row 1 is the header: positions are line numbers, as the officer sees them.
    prepared, row_errors = prepare_items(rows, known_codes=known, first_position=2)
    report_progress("checking", len(rows))
    if row_errors:
        return _finish(
            job,
            ImportStatus.FAILED,
            {
                "error_count": len(row_errors),
                "errors": [
                    {"row": row, "fields": fields}
                    for row, fields in list(row_errors.items())[:MAX_REPORTED_ERRORS]
                ],
            },
            report_progress,
            submitter,
        )
    try:
        result = report_submit(
            data=ReportInput(
                source=job.source,
                reporting_jurisdiction=job.reporting_jurisdiction_id,
                items=rows,
                acute=job.acute,
                summary=job.summary,
                external_reference=job.file_name[:100],
            ),
            submitter=submitter,
            group_by_route=True,
            prepared=prepared,
            progress=lambda checked, matched, new: report_progress(
                "importing", checked, matched, new
            ),
        )
    except ApplicationError as exc:
        return _finish(
            job,
            ImportStatus.FAILED,
            {"error_count": 1, "errors": [{"row": None, "fields": {"file": [exc.detail]}}]},
            report_progress,
            submitter,
        )
    job.report = result.report
    return _finish(
        job,
        ImportStatus.DONE,
        {
            **result.counts,
            "cases_opened": [c.reference for c in result.cases_opened],
            "cases_joined": [c.reference for c in result.cases_joined],
        },
        report_progress,
        submitter,
    )


def _finish(
    job: BulkImport, status: ImportStatus, result: dict, report_progress, submitter: Submitter
) -> BulkImport:
    job.status = status
    job.result = result
    job.finished_at = timezone.now()
    job.csv_text = ""  # the URLs now live in the items (or nowhere, if refused)
    job.save(update_fields=["status", "result", "finished_at", "csv_text", "report"])
    report_progress(status, job.row_count, result.get("matched", 0), result.get("new", 0))
    audit_record(
        action=f"bulk_import.{status}",
        actor=submitter.actor,
        obj=job,
        data={"rows": job.row_count, **{k: v for k, v in result.items() if k != "errors"}},
    )
    return job
