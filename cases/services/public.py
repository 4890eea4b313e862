"""Reports from the public page: anyone, without an account, names addresses and what
they show, and gets a follow-up code once. With the code they see how far each address
got and add information, nothing else. The code is kept only as its SHA-256 (it carries
100 random bits, so a fast hash is enough and lets the lookup use an index).

A survivor ("it shows me / my child") is put on the victim-notice path with the
preference they gave, and the report is acute. The page never opens the addresses.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.choices import PublicCategory, ReportSource, SurvivorRelation, VictimPreference
from cases.models import PublicReport, PublicReportNote, VictimNotice
from cases.services.intake import ItemInput, ReportInput, SourceIdentity, report_submit
from cases.submitters import Submitter
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import NotFound, ValidationFailed

MAX_ADDRESSES = 20
MAX_TEXT = 4000
# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_GROUPS = 5  # of 4 characters: 100 bits


@dataclass(frozen=True)
class Survivor:
    relation: str
    preference: str
    name: str = ""
    support_organisation: str = ""


@dataclass(frozen=True)
class PublicReportInput:
    jurisdiction: str
    addresses: list[str]
    categories: list[str]
    description: str = ""
    contact: str = ""
    survivor: Survivor | None = None
    # A whistleblower or informant: name, contact and how they know are kept apart.
    source: SourceIdentity | None = None


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(4 * CODE_GROUPS))
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_hash(code: str) -> str:
    """The stored form of a code, however it was typed (case, spaces, dashes, O for 0)."""
    cleaned = "".join(code.split()).replace("-", "").upper().translate(_READ_AS)
    return hashlib.sha256(cleaned.encode()).hexdigest()


def _validate(data: PublicReportInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.addresses:
        errors["items"] = [_("Give at least one web address.")]
    elif len(data.addresses) > MAX_ADDRESSES:
        errors["items"] = [_("At most %(max)d addresses in one report.") % {"max": MAX_ADDRESSES}]
    if not data.categories:
        errors["categories"] = [_("Say what the material shows.")]
    elif not set(data.categories) <= set(PublicCategory.values):
        errors["categories"] = [_("Choose from the list.")]
    for name, text in (("description", data.description), ("contact", data.contact)):
        if len(text) > MAX_TEXT:
            errors[name] = [_("At most %(max)d characters.") % {"max": MAX_TEXT}]
    survivor = data.survivor
    if survivor is not None:
        if survivor.relation not in SurvivorRelation.values:
            errors["survivor"] = [_("Say whether it shows you or your child.")]
        if survivor.preference not in VictimPreference.values:
            errors["preference"] = [_("Say how you wish to be told what happens.")]
        elif (
            survivor.preference == VictimPreference.SURROGATE
            and not survivor.support_organisation.strip()
        ):
            errors["support_organisation"] = [_("Name the support organisation.")]
        told = survivor.preference != VictimPreference.OPT_OUT
        if told and not data.contact.strip():
            errors["contact"] = [
                _("Where we can reach you, or the support organisation, to tell you.")
            ]
        elif told and not _is_email(data.contact.strip()):
            # Victim notices go out by email (cases/services/victims.py).
            errors["contact"] = [
                _("To tell you what happens we write to an email address: give one.")
            ]
        if data.source is not None:
            # A source's contact stays with the source handlers; a victim notice would put
            # it before everyone with victim data.
            errors["protect"] = [
                _(
                    "Choose one: protection as a whistleblower or informant, or being told "
                    "what happens as the person it shows."
                )
            ]
    return errors


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except DjangoValidationError:
        return False
    return True


def public_report_submit(
    *, data: PublicReportInput, now: datetime | None = None
) -> tuple[PublicReport, str]:
    """Take the report through the one intake (matching, routing, clocks, audit) and
    return it with its follow-up code, which exists nowhere else afterwards."""
    now = now or timezone.now()
    errors = _validate(data)
    if errors:
        raise ValidationFailed(_("The report was not sent; nothing was saved."), fields=errors)
    code = new_code()
    survivor = data.survivor
    with atomic():
        result = report_submit(
            data=ReportInput(
                source=ReportSource.PUBLIC,
                reporting_jurisdiction=data.jurisdiction,
                items=[ItemInput(url=address) for address in data.addresses],
                acute=survivor is not None,  # someone shown in it is waiting
                summary=data.description.strip(),
                protected_source=data.source,
            ),
            submitter=Submitter(public=True),
            now=now,
        )
        public = PublicReport.objects.create(
            report=result.report,
            code_hash=code_hash(code),
            categories=sorted(set(data.categories)),
            contact="" if data.source else data.contact.strip(),  # a source's is kept apart
            survivor=survivor.relation if survivor else "",
            language=translation.get_language() or "en",
            created_at=now,
        )
        if survivor is not None:
            _survivor_notices(data, public, result, now)
    return public, code


def _survivor_notices(data: PublicReportInput, public: PublicReport, result, now) -> None:
    """One victim notice per case the addresses are in, as the survivor asked. Where
    the jurisdiction's rule pulls the other way, the officer decides before anything is
    sent (every drafted notice is reviewed)."""
    from cases.services.victims import rule_conflict

    survivor = data.survivor
    cases = {case.pk: case for case in [*result.cases_opened, *result.cases_joined]}
    for case in cases.values():
        rule = case.lead_desk.authority.jurisdiction.victim_notification_rule
        notice = VictimNotice.objects.create(
            case=case,
            pseudonym=survivor.name.strip() or _("Survivor (public report)"),
            contact_details=data.contact.strip(),
            preference=survivor.preference,
            support_organisation=survivor.support_organisation.strip(),
            language=public.language,
            rule=rule,
            public_report=public,
            created_at=now,
        )
        audit_record(
            action="victim.notice_recorded",
            actor="public",
            obj=notice,
            case_id=case.pk,
            data={
                "preference": survivor.preference,
                "rule": rule,
                "conflict": bool(rule_conflict(rule, survivor.preference)),
                "decision": "",
                "from": "public_report",
            },
            now=now,
        )


def public_report_find(*, code: str) -> PublicReport:
    public = PublicReport.objects.select_related("report").filter(code_hash=code_hash(code)).first()
    if public is None:
        raise NotFound(_("No report has this follow-up code. Check it and try again."))
    return public


def public_report_add(*, code: str, text: str, now: datetime | None = None) -> PublicReportNote:
    """More information from the reporter, filed on the report's cases' timelines."""
    now = now or timezone.now()
    public = public_report_find(code=code)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise ValidationFailed(
            _("Nothing was added."),
            fields={"text": [_("Write between 1 and %(max)d characters.") % {"max": MAX_TEXT}]},
        )
    case_ids = sorted(set(public.report.lines.values_list("item__case_id", flat=True)))
    with atomic():
        note = PublicReportNote.objects.create(public_report=public, text=text, created_at=now)
        for case_id in case_ids:
            audit_record(
                action="report.information_added",
                actor="public",
                obj=public.report,
                case_id=case_id,
                data={"characters": len(text)},
                now=now,
            )
    return note
