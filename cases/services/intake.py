"""Intake: three doors (browser form, REST API, bulk CSV), one service.

A report names items. An item whose normalised URL, SHA-256 or MD5 matches an item
already known — reported by any jurisdiction — is not created again: the report names
the existing item (same URL) or adds the new URL to the existing case (same content
elsewhere), and the reporting desk joins that case as a participant. Only what is new
opens a case, routed to the desk of the platform's establishment jurisdiction.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import CaseStatus, Network, ParticipantRole, ReportSource
from cases.models import (
    Case,
    CaseParticipant,
    ProtectedSource,
    Report,
    ReportedItem,
    ReportItem,
)
from cases.normalise import InvalidURL, normalise_url
from cases.routing import DomainIndex, desk_for, route
from cases.services.joins import Link, report_links
from cases.submitters import Submitter
from deadlines.choices import DeadlineKind
from deadlines.services import Clock, Responsible, deadlines_start
from liaison.models import Jurisdiction, LiaisonDesk
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import Conflict, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate

MAX_ITEMS_PER_REPORT = 10_000
LOOKUP_BATCH = 500
# How an item's hashes and codes are written; the API's schema states the same patterns.
SHA256_PATTERN = "[0-9A-Fa-f]{64}"  # PDQ hashes too
MD5_PATTERN = "[0-9A-Fa-f]{32}"
COUNTRY_PATTERN = "[A-Za-z]{2}"
_SHA256 = re.compile(f"^{SHA256_PATTERN}$")
_MD5 = re.compile(f"^{MD5_PATTERN}$")


@dataclass(frozen=True)
class ItemInput:
    url: str = ""
    sha256: str = ""
    md5: str = ""
    pdq: str = ""
    hosting_country: str = ""
    hosting_ip: str = ""


@dataclass(frozen=True)
class SourceIdentity:
    """Who a protected source is (cases.models.ProtectedSource): kept apart from the report."""

    name: str = ""
    contact: str = ""
    how_they_know: str = ""


@dataclass(frozen=True)
class ReportInput:
    source: str
    reporting_jurisdiction: str
    items: Sequence[ItemInput]
    acute: bool = False
    summary: str = ""
    external_reference: str = ""
    protected_source: SourceIdentity | None = None


@dataclass
class _Prepared:
    position: int
    url: str
    normalized: str
    digest: str
    host: str
    sha256: str
    md5: str
    pdq: str
    hosting_country: str
    hosting_ip: str | None
    network: str = Network.WEB


@dataclass(frozen=True)
class _Line:
    prepared: _Prepared
    item: ReportedItem
    case: Case | None  # None for an item whose new case is not opened yet
    matched_by: str
    new: bool


@dataclass(frozen=True)
class ItemResult:
    position: int
    item_id: int
    new: bool
    matched_by: str
    case_id: int
    case_reference: str
    lead_jurisdiction: str


@dataclass
class IntakeResult:
    report: Report
    items: list[ItemResult] = field(default_factory=list)
    cases_opened: list[Case] = field(default_factory=list)
    cases_joined: list[Case] = field(default_factory=list)  # existing cases it matched
    join_outcomes: dict[int, Link] = field(default_factory=dict)  # by case id

    @property
    def counts(self) -> dict[str, int]:
        new = sum(1 for item in self.items if item.new)
        return {"items": len(self.items), "new": new, "matched": len(self.items) - new}


Progress = Callable[[int, int, int], None]  # (checked, matched, new)


# --- Validation ---------------------------------------------------------------------


def _hex(value: str) -> str:
    return value.strip().lower()


def prepare_items(
    items: Iterable[ItemInput], *, known_codes: set[str], first_position: int = 0
) -> tuple[list[_Prepared], dict[int, dict[str, list[str]]]]:
    """Normalise and check every item; errors keyed by position, then field."""
    prepared: list[_Prepared] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for position, item in enumerate(items, start=first_position):
        problems: dict[str, list[str]] = defaultdict(list)
        sha256, md5, pdq = _hex(item.sha256), _hex(item.md5), _hex(item.pdq)
        normalized = digest = host = ""
        network = Network.WEB
        if item.url.strip():
            try:
                result = normalise_url(item.url)
                normalized, digest, host = result.url, result.digest, result.host
                network = result.network
            except InvalidURL as exc:
                problems["url"].append(str(exc))
        elif not (sha256 or md5):
            problems["url"].append(_("Give a URL, a SHA-256 or an MD5 for each item."))
        if sha256 and not _SHA256.match(sha256):
            problems["sha256"].append(_("A SHA-256 is 64 hexadecimal digits."))
        if md5 and not _MD5.match(md5):
            problems["md5"].append(_("An MD5 is 32 hexadecimal digits."))
        if pdq and not _SHA256.match(pdq):
            problems["pdq"].append(_("A PDQ hash is 64 hexadecimal digits."))
        country = item.hosting_country.strip().upper()
        if country and country not in known_codes:
            problems["hosting_country"].append(
                _("%(code)s is not a jurisdiction known to the network.") % {"code": country}
            )
        ip = item.hosting_ip.strip() or None
        if ip:
            try:
                ip = str(ipaddress.ip_address(ip))
            except ValueError:
                problems["hosting_ip"].append(_("%(ip)s is not an IP address.") % {"ip": ip})
        if problems:
            errors[position] = dict(problems)
            continue
        prepared.append(
            _Prepared(
                position,
                item.url.strip(),
                normalized,
                digest,
                host,
                sha256,
                md5,
                pdq,
                country,
                ip,
                network,
            )
        )
    return prepared, errors


def reporting_jurisdiction_of(
    code: str, submitter: Submitter
) -> tuple[Jurisdiction | None, list[str]]:
    """The jurisdiction a report comes from: always one of the sender's own (an empty
    code means the sender's only one). Returns it, or the errors that refuse it."""
    own = submitter.own_jurisdictions()
    code = (code or "").strip().upper()
    if not code and len(own) == 1:
        code = own[0]
    jurisdiction = Jurisdiction.objects.filter(code=code).first() if code else None
    if jurisdiction is None:
        return None, [
            _("%(code)s is not a jurisdiction known to the network.") % {"code": code or "—"}
        ]
    if code not in own:
        return None, [
            _("You report for %(own)s only: a report comes from the sender's own jurisdiction.")
            % {"own": ", ".join(own) or "—"}
        ]
    if desk_for(jurisdiction) is None:
        return None, [
            _("%(code)s has no liaison desk in the network to take the report.") % {"code": code}
        ]
    return jurisdiction, []


MAX_SOURCE_TEXT = 2000


def _source_refusal(source: SourceIdentity) -> list[str]:
    texts = (source.name, source.contact, source.how_they_know)
    if not (source.name.strip() or source.contact.strip()):
        return [_("A protected source has a name or a way to reach them.")]
    if any(len(text) > MAX_SOURCE_TEXT for text in texts):
        return [_("At most %(max)d characters each.") % {"max": MAX_SOURCE_TEXT}]
    return []


def validate_report(
    data: ReportInput, submitter: Submitter
) -> tuple[Jurisdiction, list[_Prepared]]:
    errors: dict[str, object] = {}
    if data.source not in ReportSource.values:
        errors["source"] = [_("Unknown source: %(s)s.") % {"s": data.source}]
    known_codes = set(Jurisdiction.objects.values_list("code", flat=True))
    jurisdiction, refused = reporting_jurisdiction_of(data.reporting_jurisdiction, submitter)
    if refused:
        errors["reporting_jurisdiction"] = refused
    if not data.items:
        errors["items"] = [_("A report names at least one item.")]
    elif len(data.items) > MAX_ITEMS_PER_REPORT:
        errors["items"] = [
            _("At most %(max)d items per report; use the bulk CSV import for more.")
            % {"max": MAX_ITEMS_PER_REPORT}
        ]
    if data.protected_source is not None and (refused := _source_refusal(data.protected_source)):
        errors["protected_source"] = refused
    prepared: list[_Prepared] = []
    if "items" not in errors:
        prepared, item_errors = prepare_items(data.items, known_codes=known_codes)
        if item_errors:
            errors["items"] = {str(position): fields for position, fields in item_errors.items()}
    if errors:
        raise ValidationFailed(_("The report is not valid; nothing was saved."), fields=errors)
    return jurisdiction, prepared


# --- The service --------------------------------------------------------------------


def report_submit(
    *,
    data: ReportInput,
    submitter: Submitter | User,
    now: datetime | None = None,
    group_by_route: bool = False,
    progress: Progress | None = None,
    prepared: list[_Prepared] | None = None,
) -> IntakeResult:
    """Validate everything, then write everything in one transaction, or nothing.

    ``group_by_route`` (bulk imports) opens one case per platform instead of one per
    report, so a file of many URLs becomes cases a prosecutor can act on platform by
    platform. A race with another intake of the same new URL is retried.
    """
    now = now or timezone.now()
    submitter = Submitter.of(submitter)
    if prepared is None:
        jurisdiction, prepared = validate_report(data, submitter)
    else:
        jurisdiction = Jurisdiction.objects.get(code=data.reporting_jurisdiction.upper())
    for attempt in range(3):
        try:
            with atomic():
                return _intake(
                    data, jurisdiction, prepared, submitter, now, group_by_route, progress
                )
        except IntegrityError:
            if attempt == 2:
                raise Conflict(
                    _("The same items are being reported right now; try again.")
                ) from None
    raise AssertionError("unreachable")


def _lookup(field_name: str, values: set[str]) -> dict[str, ReportedItem]:
    found: dict[str, ReportedItem] = {}
    ordered = sorted(values)
    for start in range(0, len(ordered), LOOKUP_BATCH):
        batch = ordered[start : start + LOOKUP_BATCH]
        for item in ReportedItem.objects.filter(**{f"{field_name}__in": batch}).only(
            "id", "case_id", field_name
        ):
            found.setdefault(getattr(item, field_name), item)
    return found


def _survivors(case_ids: set[int]) -> dict[int, Case]:
    """Cases by id, following merges to the surviving case."""
    cases = {
        c.pk: c for c in Case.objects.filter(pk__in=case_ids).select_related("lead_desk__authority")
    }
    for case_id, case in list(cases.items()):
        seen = {case_id}
        while case.merged_into_id is not None and case.merged_into_id not in seen:
            seen.add(case.merged_into_id)
            case = Case.objects.select_related("lead_desk__authority").get(pk=case.merged_into_id)
        cases[case_id] = case
    return cases


def _intake(
    data: ReportInput,
    jurisdiction: Jurisdiction,
    prepared: list[_Prepared],
    submitter: Submitter,
    now: datetime,
    group_by_route: bool,
    progress: Progress | None,
) -> IntakeResult:
    reporting_desk = desk_for(jurisdiction)
    by_digest = _lookup("url_digest", {p.digest for p in prepared if p.digest})
    by_sha = _lookup("sha256", {p.sha256 for p in prepared if p.sha256})
    by_md5 = _lookup("md5", {p.md5 for p in prepared if p.md5})
    known = {
        **{i.pk: i for i in by_digest.values()},
        **{i.pk: i for i in by_sha.values()},
        **{i.pk: i for i in by_md5.values()},
    }
    cases = _survivors({item.case_id for item in known.values()})

    index = DomainIndex()
    codes = set(Jurisdiction.objects.values_list("code", flat=True))
    lines: list[_Line] = []
    new_items: list[ReportedItem] = []
    new_by_digest: dict[str, _Line] = {}
    joined: dict[int, Case] = {}
    groups: dict[tuple, list[ReportedItem]] = defaultdict(list)
    matched = 0
    for checked, p in enumerate(prepared, start=1):
        existing, matched_by = None, ""
        if p.digest and p.digest in by_digest:
            existing, matched_by = by_digest[p.digest], "url"
        elif p.digest and p.digest in new_by_digest:
            lines.append(replace(new_by_digest[p.digest], prepared=p, new=False))
            continue  # named twice in this report
        elif p.sha256 and p.sha256 in by_sha:
            existing, matched_by = by_sha[p.sha256], "sha256"
        elif p.md5 and p.md5 in by_md5:
            existing, matched_by = by_md5[p.md5], "md5"
        if existing is not None:
            case = cases[existing.case_id]
            joined[case.pk] = case
            matched += 1
            if matched_by != "url" and p.digest:
                # The same content at another URL: a new item, in the case that has it.
                item = _new_item(p, index, codes, now, case=case)
                new_items.append(item)
                line = _Line(p, item, case, matched_by, new=False)
                new_by_digest[p.digest] = line
            else:
                line = _Line(p, existing, case, matched_by, new=False)
        else:
            item = _new_item(p, index, codes, now, case=None)
            new_items.append(item)
            groups[item._route.key if group_by_route else ("report",)].append(item)
            line = _Line(p, item, None, "", new=True)
            if p.digest:
                new_by_digest[p.digest] = line
        lines.append(line)
        if progress is not None and checked % 1000 == 0:
            progress(checked, matched, checked - matched)
    if progress is not None:
        progress(len(prepared), matched, len(prepared) - matched)

    report = Report.objects.create(
        source=data.source,
        reporting_jurisdiction=jurisdiction,
        external_reference=data.external_reference,
        acute=data.acute,
        summary=data.summary,
        received_at=now,
        **submitter.report_fields(),
    )
    opened_rows = _open_cases(groups, reporting_desk, data, now)
    opened = [case for case, _participants, _count in opened_rows]
    ReportedItem.objects.bulk_create(new_items, batch_size=2000)
    ReportItem.objects.bulk_create(
        [
            ReportItem(
                report=report,
                item=line.item,
                position=line.prepared.position,
                matched_by=line.matched_by,
            )
            for line in lines
        ],
        batch_size=2000,
    )
    _announce(opened_rows, report, submitter, now)
    if data.protected_source is not None:
        _protect_source(report, data.protected_source, lines, submitter, now)
    links = report_links(
        cases=list(joined.values()),
        desk=reporting_desk,
        report=report,
        submitter=submitter,
        now=now,
    )

    result = IntakeResult(
        report=report,
        cases_opened=opened,
        cases_joined=list(joined.values()),
        join_outcomes=links,
    )
    for line in lines:
        case = line.case or line.item.case  # new items got their case in _open_cases
        result.items.append(
            ItemResult(
                position=line.prepared.position,
                item_id=line.item.pk,
                new=line.new,
                matched_by=line.matched_by,
                case_id=case.pk,
                case_reference=case.reference,
                lead_jurisdiction=case.lead_desk.authority.jurisdiction_id,
            )
        )
    audit_record(
        action="report.received",
        actor=submitter.actor,
        obj=report,
        data={
            **result.counts,
            "source": data.source,
            "cases_opened": [c.reference for c in opened],
            "cases_joined": [c.reference for c in joined.values()],
        },
        now=now,
    )
    return result


def _protect_source(report, identity: SourceIdentity, lines, submitter, now) -> None:
    """The identity in its own encrypted row; the log says only that there is one."""
    source = ProtectedSource.objects.create(
        report=report,
        name=identity.name.strip(),
        contact=identity.contact.strip(),
        how_they_know=identity.how_they_know.strip(),
        recorded_at=now,
    )
    case_ids = {(line.case or line.item.case).pk for line in lines}
    for case_id in sorted(case_ids):
        audit_record(
            action="source.protected", actor=submitter.actor, obj=source, case_id=case_id, now=now
        )


def _new_item(p: _Prepared, index: DomainIndex, codes: set[str], now, *, case) -> ReportedItem:
    routed = route(
        index=index,
        host=p.host,
        stated_country=p.hosting_country,
        known_codes=codes,
        network=p.network,
    )
    item = ReportedItem(
        case=case,
        url=p.url,
        normalized_url=p.normalized,
        url_digest=p.digest,
        domain=p.host,
        network=p.network,
        platform=routed.platform,
        hosting_jurisdiction_id=routed.hosting_jurisdiction_id,
        hosting_ip=p.hosting_ip,
        sha256=p.sha256,
        md5=p.md5,
        pdq=p.pdq,
        created_at=now,
    )
    item._route = routed
    return item


def _lead_and_participants(
    items: list[ReportedItem], reporting_desk: LiaisonDesk
) -> tuple[LiaisonDesk, list[LiaisonDesk]]:
    """The lead is the desk of the platforms' establishment (hosting) jurisdiction when it
    is in the network, else the reporting desk; other involved desks participate."""
    codes = Counter(i.hosting_jurisdiction_id for i in items if i.hosting_jurisdiction_id)
    desks: list[LiaisonDesk] = []
    for code, _count in codes.most_common():
        desk = desk_for(Jurisdiction.objects.get(code=code))
        if desk is not None and desk not in desks:
            desks.append(desk)
    lead = desks[0] if desks else reporting_desk
    participants = [d for d in [*desks, reporting_desk] if d != lead]
    return lead, list(dict.fromkeys(participants))


def _open_cases(groups, reporting_desk, data, now) -> list[tuple[Case, list[LiaisonDesk], int]]:
    """Case rows and their desks, with one insert each; clocks and audit events come
    last (``_announce``)."""
    if not groups:
        return []
    numbers = iter(allocate(f"case-{now.year}", len(groups)))
    planned = []
    for items in groups.values():
        lead, participants = _lead_and_participants(items, reporting_desk)
        case = Case(
            reference=f"TD-{now.year}-{next(numbers):06d}",
            status=CaseStatus.NEW,
            lead_desk=lead,
            acute=data.acute,
            priority=1 if data.acute else 3,
            summary=data.summary,
            created_at=now,
        )
        planned.append((case, lead, participants, items))
    Case.objects.bulk_create([case for case, *_rest in planned])
    CaseParticipant.objects.bulk_create(
        [
            row
            for case, lead, participants, _items in planned
            for row in (
                CaseParticipant(case=case, desk=lead, role=ParticipantRole.LEAD, joined_at=now),
                *(
                    CaseParticipant(
                        case=case,
                        desk=desk,
                        role=ParticipantRole.PARTICIPANT,
                        joined_at=now,
                        reason=_("Involved jurisdiction"),
                    )
                    for desk in participants
                ),
            )
        ]
    )
    opened = []
    for case, _lead, participants, items in planned:
        for item in items:
            item.case = case
        opened.append((case, participants, len(items)))
    return opened


def _announce(opened, report, submitter, now) -> None:
    """Start the clocks and write the audit events of new cases. Done at the end of the
    intake transaction: the audit chain's lock is then held only briefly, even for a bulk
    import of many thousand rows."""
    cases_clocks_start(
        cases=[case for case, _participants, _count in opened],
        reporting_code=report.reporting_jurisdiction_id,
        start=now,
    )
    for case, participants, item_count in opened:
        audit_record(
            action="case.opened",
            actor=submitter.actor,
            obj=case,
            data={
                "report": report.pk,
                "items": item_count,
                "lead_desk": case.lead_desk.name,
                "participants": [d.name for d in participants],
                "acute": case.acute,
            },
            now=now,
        )


CASE_CLOCKS = (DeadlineKind.ASSESSMENT, DeadlineKind.FINAL_ORDER)


def case_clocks_start(*, case: Case, reporting_code: str, start: datetime) -> None:
    """The assessment and final-order clocks, both from the time the report came in."""
    cases_clocks_start(cases=[case], reporting_code=reporting_code, start=start)


def cases_clocks_start(*, cases: list[Case], reporting_code: str, start: datetime) -> None:
    """``case_clocks_start`` for many cases, with one insert of their clocks."""
    started = deadlines_start(
        [
            Clock(
                kind=kind,
                subject=case,
                responsible=Responsible(desk=case.lead_desk),
                label=case.reference,
                case_id=case.pk,
                assignee=case.assignee,
                acute=case.acute,
                parties=frozenset({reporting_code}),
            )
            for case in cases
            for kind in CASE_CLOCKS
        ],
        start=start,
    )
    for case, assessment in zip(cases, started[:: len(CASE_CLOCKS)], strict=True):
        case.queue_due_at = assessment.due_at  # the queue's order: the assessment's due time
    Case.objects.bulk_update(cases, ["queue_due_at"])
