"""Evidence packages: the uniform template, files encrypted at rest, the hash-chained
chain of custody, sealing, reading content (always logged), transfers and purges.

Every read or change of content appends a ``CustodyEvent`` to the package's chain, in
the same transaction; the chain uses the export format's hashing (evidence/verify.py),
so what is stored is exactly what another country verifies.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.access import may_add_mla_document
from cases.choices import ParticipantRole
from cases.models import Case, CaseParticipant
from cases.transitions import MLA
from liaison import keys
from liaison.models import Authority, LiaisonDesk
from takedown.core.audit import actor_label_for, atomic, audit_record
from takedown.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import AuditEvent, User
from takedown.core.references import allocate
from takedown.core.transitions import lock

from . import crypto
from .access import may_handle, may_hold, may_read_content, may_share, shareable_desks
from .choices import CustodyAction, PackageStatus
from .models import CustodyEvent, EvidenceItem, EvidencePackage, LegalHold, PackageShare
from .transitions import PACKAGE
from .verify import GENESIS_HASH, canonical_json, custody_event_hash, utc_timestamp

TEMPLATE_FIELDS = (
    "collecting_authority",
    "collection_method",
    "collection_tool",
    "captured_at",
    "source_url",
    "hosting_ip",
    "hosting_asn",
    "hosting_provider",
    "content_sha256",
    "content_md5",
    "provenance",
    "legal_basis",
    "classification",
)
REQUIRED_FIELDS = (
    "collection_method",
    "collection_tool",
    "captured_at",
    "source_url",
    "hosting_provider",
    "provenance",
    "legal_basis",
    "classification",
)


def _audit(action: str, *, actor: User, obj, now, **data) -> None:
    audit_record(action=f"evidence.{action}", actor=actor, obj=obj, data=data, now=now)


def evidence_storage():
    return storages["evidence"]


# --- The chain of custody ---------------------------------------------------------------


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    return actor.get_username() if isinstance(actor, User) else str(actor)


def custody_event_body(event: CustodyEvent) -> dict:
    """The event as hashed and exported (custody.json)."""
    return {
        "sequence": event.sequence,
        "action": event.action,
        "actor": event.actor_label,
        "authority": event.authority_label,
        "occurred_at": utc_timestamp(event.occurred_at),
        "reason": event.reason,
        "item_digest": event.item_digest,
        "details": event.details,
    }


def custody_record(
    *,
    package: EvidencePackage,
    action: CustodyAction,
    actor=None,
    reason: str = "",
    item: EvidenceItem | None = None,
    details: dict | None = None,
    now: datetime | None = None,
) -> CustodyEvent:
    """Append one event to the package's chain (the package row is locked, so two
    appends cannot fork it). Call inside the transaction of what it records."""
    now = now or timezone.now()
    with atomic():
        EvidencePackage.objects.select_for_update(of=("self",), no_key=True).only("pk").get(
            pk=package.pk
        )
        last = package.custody_events.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        event = CustodyEvent(
            package=package,
            sequence=sequence,
            action=action,
            actor=actor if isinstance(actor, User) else None,
            actor_label=_actor_label(actor),
            authority=getattr(actor, "authority", None),
            authority_label=getattr(getattr(actor, "authority", None), "name", ""),
            occurred_at=now,
            reason=reason,
            item=item,
            item_digest=item.sha256 if item else "",
            details=details or {},
            prev_hash=prev_hash,
        )
        event.details = _json_roundtrip(event.details)
        event.hash = custody_event_hash(custody_event_body(event), prev_hash=prev_hash)
        event.save()
        # The chain's new head goes into the audit chain too: a removed last event
        # leaves a chain that links, but not up to the head the audit log holds.
        audit_record(
            action=CUSTODY_HEAD,
            obj=package,
            data={"sequence": sequence, "head": event.hash},
            now=now,
        )
    return event


CUSTODY_HEAD = "evidence.custody_head"


def _recorded_head(package: EvidencePackage) -> tuple[int, str] | None:
    """The last head of the package's chain that the audit log recorded."""
    data = (
        AuditEvent.objects.filter(
            action=CUSTODY_HEAD, object_type="evidence.evidencepackage", object_id=str(package.pk)
        )
        .order_by("-id")
        .values_list("data", flat=True)
        .first()
    )
    return (data["sequence"], data["head"]) if data else None


def _json_roundtrip(value):
    import json

    return json.loads(canonical_json(value))


@dataclass(frozen=True)
class ChainBreak:
    package: str
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"package {self.package}, event {self.sequence}: {self.reason}"


def verify_chain(package: EvidencePackage) -> ChainBreak | None:
    """Each event links to the one before and matches its hash, and the chain ends at
    the head the audit log recorded last (packages from before heads were recorded
    have none, and are checked link by link only)."""
    prev, last = GENESIS_HASH, 0
    for expected, event in enumerate(package.custody_events.order_by("sequence"), 1):
        if event.sequence != expected or event.prev_hash != prev:
            return ChainBreak(
                package.reference, event.sequence, _("the link to the event before is broken")
            )
        if custody_event_hash(custody_event_body(event), prev_hash=prev) != event.hash:
            return ChainBreak(
                package.reference, event.sequence, _("its content does not match its hash: edited")
            )
        prev, last = event.hash, event.sequence
    recorded = _recorded_head(package)
    if recorded is not None and recorded != (last, prev):
        sequence, _head = recorded
        if sequence > last:
            reason = _("events %(a)d to %(b)d are missing (the audit log records them)") % {
                "a": last + 1,
                "b": sequence,
            }
        else:
            reason = _("the chain does not end at the head the audit log recorded")
        return ChainBreak(package.reference, min(sequence, last + 1), reason)
    return None


# --- Packages ---------------------------------------------------------------------------


def package_create(
    *,
    case: Case,
    officer: User,
    previous: EvidencePackage | None = None,
    now: datetime | None = None,
    **template,
) -> EvidencePackage:
    now = now or timezone.now()
    if not may_handle(officer, case):
        raise PermissionDenied(_("Only officers of the case's desks can add evidence."))
    unknown = set(template) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("Not a template field.")] for name in unknown})
    with atomic():
        if previous is not None:
            previous = _lock(previous)
            PACKAGE.require(previous, "followed_up")
        number = allocate(f"evidence-{now.year}")[0]
        package = EvidencePackage(
            reference=f"EP-{now.year}-{number:06d}",
            case=case,
            created_by=officer,
            created_at=now,
            collecting_authority=template.pop("collecting_authority", None) or officer.authority,
            previous_package=previous,
            **template,
        )
        package.save()
        _audit("package_created", actor=officer, obj=package, now=now, reference=package.reference)
        if previous is not None:
            PACKAGE.move(
                previous, "followed_up", actor=officer, now=now, data={"by": package.reference}
            )
    return package


def _lock(package: EvidencePackage) -> EvidencePackage:
    return lock(EvidencePackage.objects.select_related("case", "collecting_authority"), package.pk)


def package_update(
    *, package: EvidencePackage, officer: User, now: datetime | None = None, **template
) -> EvidencePackage:
    now = now or timezone.now()
    with atomic():
        package = _lock(package)
        _require_draft(package, "package_updated")
        if not may_handle(officer, package):
            raise PermissionDenied(_("Only officers of the case's desks can change evidence."))
        for name, value in template.items():
            if name not in TEMPLATE_FIELDS:
                raise ValidationFailed(fields={name: [_("Not a template field.")]})
            setattr(package, name, value)
        try:
            package.full_clean(exclude=["case", "created_by", "collecting_authority"])
        except DjangoValidationError as exc:
            raise ValidationFailed(fields=exc.message_dict) from None
        PACKAGE.move(
            package,
            "package_updated",
            actor=officer,
            now=now,
            fields=template,
            data={"fields": sorted(template)},
        )
    return package


def _require_draft(package: EvidencePackage, action: str) -> None:
    if not PACKAGE.can(package, action):
        raise InvalidTransition(
            _("A sealed package cannot change: put new material in a follow-up package.")
        )


def missing_fields(package: EvidencePackage) -> list[str]:
    missing = [name for name in REQUIRED_FIELDS if getattr(package, name) in (None, "")]
    if not (package.content_sha256 or package.items.exists()):
        missing.append("content_sha256")
    return missing


def missing_labels(package: EvidencePackage) -> list[str]:
    """What ``missing_fields`` names, as the template's labels say it."""
    return [
        _("a file (or the content's SHA-256)")
        if name == "content_sha256"
        else str(capfirst(EvidencePackage._meta.get_field(name).verbose_name))
        for name in missing_fields(package)
    ]


# --- Files ------------------------------------------------------------------------------


def item_record(
    *,
    package: EvidencePackage,
    officer: User,
    file_id,
    original_name: str,
    storage_name: str,
    content_type: str,
    sealed: crypto.SealedFile,
    pdq: str = "",
    now: datetime | None = None,
) -> EvidenceItem:
    """Record a file the upload handler has encrypted into storage, with its custody event."""
    now = now or timezone.now()
    with atomic():
        package = _lock(package)
        _require_draft(package, "file_added")
        if not may_handle(officer, package):
            raise PermissionDenied(_("Only officers of the case's desks can add evidence."))
        item = EvidenceItem.objects.create(
            package=package,
            file_id=file_id,
            original_name=original_name[:255],
            storage_name=storage_name,
            content_type=content_type,
            size=sealed.size,
            sha256=sealed.sha256,
            md5=sealed.md5,
            pdq=pdq,
            wrapped_key=crypto.wrap_data_key(sealed.data_key, file_id=file_id),
            chunk_size=sealed.chunk_size,
            uploaded_by=officer,
            created_at=now,
        )
        custody_record(
            package=package,
            action=CustodyAction.COLLECTED,
            actor=officer,
            item=item,
            now=now,
            reason=_("Uploaded"),
            details={
                "file_id": str(file_id),
                "size": item.size,
                "md5": item.md5,
                "content_type": content_type,
            },
        )
        PACKAGE.move(
            package,
            "file_added",
            actor=officer,
            now=now,
            data={"file_id": str(file_id), "size": item.size, "sha256": item.sha256},
        )
    return item


def item_plaintext(item: EvidenceItem) -> Iterator[bytes]:
    """Decrypted content, each chunk checked; the stored SHA-256 is checked before the
    last chunk is released. Raises ``EvidenceIntegrityError`` on any mismatch."""
    source = evidence_storage().open(item.storage_name, "rb")
    try:
        yield from crypto.decrypt_stream(
            file_id=item.file_id,
            data_key=crypto.unwrap_data_key(item.wrapped_key, file_id=item.file_id),
            source=source,
            expected_sha256=item.sha256,
        )
    finally:
        source.close()


def item_check(item: EvidenceItem) -> str | None:
    """None when the stored file decrypts to its recorded digest, else why not."""
    try:
        for _chunk in item_plaintext(item):
            pass
    except (crypto.EvidenceIntegrityError, OSError) as exc:
        return str(exc) or type(exc).__name__
    return None


def item_open_for_reading(
    *,
    item: EvidenceItem,
    user: User,
    reason: str,
    action: CustodyAction = CustodyAction.DOWNLOADED,
    now: datetime | None = None,
) -> Iterator[bytes]:
    """An explicit, permission-checked, logged read. The file is checked in full first,
    so a tampered file is refused (and the refusal recorded) before anything is sent."""
    now = now or timezone.now()
    package = item.package
    if not may_read_content(user, package):
        raise PermissionDenied(
            _("Reading evidence content needs the permission and a desk of the case.")
        )
    if item.purged_at is not None:
        raise InvalidTransition(_("This file was purged under the retention rules."))
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why you open the file.")]})
    problem = item_check(item)
    with atomic():
        if problem is not None:
            custody_record(
                package=package,
                action=CustodyAction.VERIFIED,
                actor=user,
                item=item,
                now=now,
                reason=_("Refused: the stored file does not match its digest"),
                details={"ok": False, "problem": problem},
            )
            _audit("integrity_failure", actor=user, obj=item, now=now, problem=problem)
        else:
            custody_record(
                package=package, action=action, actor=user, item=item, reason=reason, now=now
            )
            _audit(f"{action}", actor=user, obj=item, now=now, reason=reason)
    if problem is not None:
        raise crypto.EvidenceIntegrityError(problem)
    return item_plaintext(item)


# --- Sealing ----------------------------------------------------------------------------


def template_values(package: EvidencePackage) -> dict:
    values = {}
    for name in TEMPLATE_FIELDS:
        value = getattr(package, name)
        if name == "collecting_authority":
            value = {
                "name": package.collecting_authority.name,
                "jurisdiction": package.collecting_authority.jurisdiction_id,
            }
        elif isinstance(value, datetime):
            value = utc_timestamp(value)
        values[name] = value if value is not None else ""
    return values


def seal_manifest(package: EvidencePackage) -> dict:
    return {
        # The chain's "sealed" event carries this manifest's digest, and minimised exports
        # carry the chain: without a secret salt, a guess of the fields they remove could
        # be confirmed against that digest.
        "salt": secrets.token_hex(16),
        "reference": package.reference,
        "case": package.case.reference,
        "template": template_values(package),
        "files": [
            {"file_id": str(i.file_id), "size": i.size, "sha256": i.sha256, "md5": i.md5}
            for i in package.items.order_by("created_at", "id")
        ],
        "custody_head": package.custody_events.order_by("-sequence")
        .values_list("hash", flat=True)
        .first()
        or GENESIS_HASH,
        "previous_package": package.previous_package.reference
        if package.previous_package_id
        else None,
    }


def package_seal(
    *, package: EvidencePackage, officer: User, now: datetime | None = None
) -> EvidencePackage:
    """Check the template, sign the manifest (file digests, template, chain head) with the
    collecting authority's key, and freeze the package."""
    now = now or timezone.now()
    with atomic():
        package = _lock(package)
        _require_draft(package, "sealed")
        if not may_handle(officer, package):
            raise PermissionDenied(_("Only officers of the case's desks can seal."))
        missing = missing_fields(package)
        if missing:
            raise ValidationFailed(
                _("The package is missing required fields: %(f)s.")
                % {"f": ", ".join(missing_labels(package))},
                code="package_incomplete",
                fields={name: [_("Required before sealing.")] for name in missing},
            )
        manifest = seal_manifest(package)
        signature = keys.sign(
            authority=package.collecting_authority,
            message=canonical_json(manifest),
            actor=officer,
            now=now,
        )
        package.manifest, package.signature, package.signing_key_id = (
            manifest,
            signature.value,
            signature.key_id,
        )
        package.sealed_at, package.sealed_by = now, officer
        custody_record(
            package=package,
            action=CustodyAction.SEALED,
            actor=officer,
            now=now,
            details={
                "key_id": signature.key_id,
                "manifest_sha256": hashlib.sha256(canonical_json(manifest)).hexdigest(),
            },
        )
        PACKAGE.move(
            package,
            "sealed",
            actor=officer,
            now=now,
            fields=["manifest", "signature", "signing_key_id", "sealed_at", "sealed_by"],
            data={"key_id": signature.key_id},
        )
    return package


def seal_valid(package: EvidencePackage) -> bool:
    """The collector's signature over the stored manifest; once purged (the manifest's
    personal fields minimised), the verdict the signed purge certificate recorded."""
    if package.purge_certificate is not None:
        return bool((package.purge_certificate.get("seal") or {}).get("valid_at_purge"))
    return package.manifest is not None and keys.verify(
        key_id=package.signing_key_id,
        message=canonical_json(package.manifest),
        signature=package.signature,
    )


# --- Shares with other desks of the case --------------------------------------------------


def _case_desks(package: EvidencePackage):
    return package.case.participants.values("desk")


def _share_rows(package, desks, officer, now) -> list[str]:
    """Shares for the desks that do not hold the package yet; their names."""
    names = []
    for desk in desks:
        if not PackageShare.objects.filter(
            package=package, desk=desk, revoked_at__isnull=True
        ).exists():
            PackageShare.objects.create(
                package=package, desk=desk, granted_by=officer, granted_at=now
            )
            names.append(desk.name)
    return names


def package_share(
    *,
    package: EvidencePackage,
    officer: User,
    desk: LiaisonDesk,
    reason: str,
    now: datetime | None = None,
) -> PackageShare:
    """The lead desk lets another desk of the case read the package (recorded in custody)."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the desk needs the evidence.")]})
    with atomic():
        package = _lock(package)
        if not may_share(officer, package):
            raise PermissionDenied(_("Only the lead desk shares evidence with another desk."))
        if not shareable_desks(package).filter(pk=desk.pk).exists():
            raise ValidationFailed(
                fields={"desk": [_("Choose a desk of the case that does not hold it yet.")]}
            )
        share = PackageShare.objects.create(
            package=package, desk=desk, granted_by=officer, granted_at=now
        )
        custody_record(
            package=package,
            action=CustodyAction.GRANTED,
            actor=officer,
            reason=reason,
            now=now,
            details={"desk": desk.name, "desk_id": desk.pk},
        )
        _audit("shared", actor=officer, obj=package, now=now, desk=desk.name, reason=reason)
    return share


def package_share_withdraw(
    *, share: PackageShare, officer: User, reason: str, now: datetime | None = None
) -> PackageShare:
    now = now or timezone.now()
    with atomic():
        package = _lock(share.package)
        share = PackageShare.objects.select_for_update().select_related("desk").get(pk=share.pk)
        if not may_share(officer, package):
            raise PermissionDenied(_("Only the lead desk withdraws a share."))
        if share.revoked_at is not None:
            raise InvalidTransition(_("This share was already withdrawn."))
        share.revoked_at = now
        share.save(update_fields=["revoked_at"])
        custody_record(
            package=package,
            action=CustodyAction.REVOKED,
            actor=officer,
            reason=reason,
            now=now,
            details={"desk": share.desk.name, "desk_id": share.desk_id},
        )
        _audit("share_withdrawn", actor=officer, obj=package, now=now, desk=share.desk.name)
    return share


# --- Transfers --------------------------------------------------------------------------


def package_transfer(
    *,
    package: EvidencePackage,
    officer: User,
    to_authority: Authority,
    reason: str,
    now: datetime | None = None,
) -> EvidencePackage:
    now = now or timezone.now()
    with atomic():
        package = _lock(package)
        if not PACKAGE.can(package, "transferred"):
            raise InvalidTransition(_("Seal the package before transferring it."))
        if not may_share(officer, package):
            raise PermissionDenied(_("Only the lead desk transfers evidence."))
        details = {
            "to_authority": to_authority.name,
            "to_authority_id": to_authority.pk,
            "to_jurisdiction": to_authority.jurisdiction_id,
        }
        # The receiving authority's desks on the case must open the package to receive it.
        desks = LiaisonDesk.objects.filter(authority=to_authority, pk__in=_case_desks(package))
        details["shared_with"] = _share_rows(package, desks, officer, now)
        custody_record(
            package=package,
            action=CustodyAction.TRANSFERRED,
            actor=officer,
            reason=reason,
            now=now,
            details=details,
        )
        PACKAGE.move(package, "transferred", actor=officer, now=now, data=details)
    return package


def package_receive(
    *, package: EvidencePackage, officer: User, now: datetime | None = None
) -> list[str]:
    """The receiving side: checks the seal, the chain and every file, and records the
    receipt and the verdict. Returns the problems found (none: verified)."""
    now = now or timezone.now()
    problems = [] if seal_valid(package) else [_("the seal's signature does not verify")]
    if (chain_break := verify_chain(package)) is not None:
        problems.append(str(chain_break))
    problems += [
        f"{i.file_id}: {p}"
        for i in package.items.filter(purged_at__isnull=True)
        if (p := item_check(i))
    ]
    with atomic():
        package = _lock(package)
        if not PACKAGE.can(package, "received"):
            raise InvalidTransition(_("Only a transferred package can be received."))
        transfer = (
            package.custody_events.filter(action=CustodyAction.TRANSFERRED)
            .order_by("-sequence")
            .first()
        )
        receiving = transfer.details.get("to_authority_id") if transfer else None
        if receiving not in {
            officer.authority_id,
            *officer.desks.values_list("authority_id", flat=True),
        }:
            raise PermissionDenied(
                _("Only the authority it was transferred to records its receipt.")
            )
        custody_record(package=package, action=CustodyAction.RECEIVED, actor=officer, now=now)
        custody_record(
            package=package,
            action=CustodyAction.VERIFIED,
            actor=officer,
            now=now,
            details={"ok": not problems, "problems": problems},
        )
        PACKAGE.move(
            package,
            "receipt_failed" if problems else "received",
            actor=officer,
            now=now,
            data={"problems": problems},
        )
    return problems


# --- Retention --------------------------------------------------------------------------


def in_force(today: date) -> Q:
    """A hold that is not lifted and whose end date, if it has one, is not past."""
    return Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gte=today))


def hold_day(now: datetime | None = None) -> date:
    """The day a hold's end date is compared with: the UTC date (a hold "until" a day
    holds through that day)."""
    return timezone.localdate(now or timezone.now(), UTC)


def holds_in_force(package: EvidencePackage, now: datetime | None = None) -> QuerySet[LegalHold]:
    return package.holds.filter(in_force(hold_day(now)))


def with_hold_flag(packages: QuerySet[EvidencePackage]) -> QuerySet[EvidencePackage]:
    """``on_hold`` on each package: a hold is in force (for lists of packages)."""
    holds = LegalHold.objects.filter(in_force(hold_day()), package=OuterRef("pk"))
    return packages.annotate(on_hold=Exists(holds))


def _require_hold_actor(actor, package: EvidencePackage) -> None:
    """An officer of the lead desk on the page; the operator's command passes a label."""
    if isinstance(actor, User) and not may_hold(actor, package):
        raise PermissionDenied(_("Only officers of the lead desk place or lift a legal hold."))


def hold_place(
    *,
    package: EvidencePackage,
    actor: User | str,
    reason: str,
    until: date | None = None,
    now: datetime | None = None,
) -> LegalHold:
    """Keep the package past its retention period: no purge while the hold is in force."""
    now = now or timezone.now()
    _require_hold_actor(actor, package)
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("Say why the package is held.")]
    if until is not None and until < hold_day(now):
        errors["until"] = [_("The end date is in the past; leave it empty for no end date.")]
    if errors:
        raise ValidationFailed(_("No hold was placed."), fields=errors)
    with atomic():
        package = _lock(package)
        if package.purged_at is not None:
            raise InvalidTransition(_("The package's content is already purged."))
        hold = LegalHold.objects.create(
            package=package,
            reason=reason.strip(),
            until=until,
            placed_at=now,
            placed_by=actor_label_for(actor),
        )
        audit_record(
            action="evidence.hold_placed",
            actor=actor,
            obj=package,
            data={"reference": package.reference, "reason": hold.reason, "until": until},
            now=now,
        )
    return hold


def hold_lift(
    *, hold: LegalHold, actor: User | str, reason: str, now: datetime | None = None
) -> LegalHold:
    now = now or timezone.now()
    _require_hold_actor(actor, hold.package)
    if not reason.strip():
        raise ValidationFailed(
            _("The hold was not lifted."), fields={"reason": [_("Say why it is lifted.")]}
        )
    with atomic():
        package = _lock(hold.package)
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise InvalidTransition(_("This hold was already lifted."))
        hold.lifted_at, hold.lifted_by, hold.lift_reason = (
            now,
            actor_label_for(actor),
            reason.strip(),
        )
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit_record(
            action="evidence.hold_lifted",
            actor=actor,
            obj=package,
            data={"reference": package.reference, "hold": hold.pk, "reason": hold.lift_reason},
            now=now,
        )
    return hold


def retention_deadline(package: EvidencePackage) -> datetime:
    days = package.case.lead_desk.authority.jurisdiction.evidence_retention_days
    return (package.sealed_at or package.created_at) + timedelta(days=days)


def package_purge(
    *, package: EvidencePackage, now: datetime | None = None, reason: str = ""
) -> EvidencePackage:
    """Delete the content (the files), keep metadata, digests and the chain; the purge is
    the chain's last event, and the case shows it as a certificate."""
    now = now or timezone.now()
    with atomic():
        package = _lock(package)
        if package.purged_at is not None or holds_in_force(package, now).exists():
            raise InvalidTransition(
                _("A package under legal hold, or already purged, is not purged.")
            )
        storage = evidence_storage()
        items = list(package.items.filter(purged_at__isnull=True))
        for item in items:
            # The ciphertext goes once the purge is committed; the cleared key already
            # makes it unreadable if anything fails before then.
            transaction.on_commit(lambda name=item.storage_name: storage.delete(name))
            # Crypto-shredding too: without the data key no copy can ever be read.
            EvidenceItem.objects.filter(pk=item.pk).update(purged_at=now, wrapped_key="")
            custody_record(
                package=package,
                action=CustodyAction.PURGED,
                item=item,
                now=now,
                reason=reason or _("Retention period ended"),
            )
        if not items:
            custody_record(
                package=package,
                action=CustodyAction.PURGED,
                now=now,
                reason=reason or _("Retention period ended"),
            )
        package.purged_at = now
        package.purge_certificate, package.purge_signature = _purge_certificate(
            package, items, now, reason or _("Retention period ended")
        )
        _minimise_at_purge(package)
        package.save(
            update_fields=[
                "purged_at",
                "purge_certificate",
                "purge_signature",
                "manifest",
                *MINIMISED_AT_PURGE,
            ]
        )
        audit_record(
            action="evidence.purged",
            obj=package,
            data={"reference": package.reference, "reason": reason or "retention"},
            now=now,
        )
    return package


PURGE_CERTIFICATE_FORMAT = "takedown-purge-certificate"
# Personal data nobody needs once the content is gone: who supplied it and where it was
# hosted, and the files' own names. The digests, sizes and the chain stay.
MINIMISED_AT_PURGE = ("hosting_ip", "provenance")
MINIMISED_FILE_FIELDS_AT_PURGE = ("original_name",)


def _minimise_at_purge(package: EvidencePackage) -> None:
    """Clear the personal fields, in the package, its files and the stored manifest. The
    seal was checked first and the certificate records it (with the manifest's digest),
    so what the seal attested stays provable without keeping what it contained."""
    for name in MINIMISED_AT_PURGE:
        setattr(package, name, None if name == "hosting_ip" else "")
    if package.manifest is not None:
        template = package.manifest["template"]
        package.manifest = {
            **package.manifest,
            "template": {**template, **dict.fromkeys(MINIMISED_AT_PURGE, "")},
        }
    package.items.update(original_name="")


def _purge_certificate(
    package: EvidencePackage, items: list[EvidenceItem], now: datetime, reason: str
) -> tuple[dict, str]:
    """What was destroyed, in full (SHA-256, MD5 and size per file) and the chain's head
    after the purge, signed by the authority that collected it (whose key sealed it);
    the signature is over the certificate's canonical JSON, as for an export."""
    signer = package.collecting_authority
    head = package.custody_events.order_by("-sequence").values_list("hash", flat=True).first()
    certificate = {
        "format": PURGE_CERTIFICATE_FORMAT,
        "version": 1,
        "reference": package.reference,
        "case": package.case.reference,
        "purged_at": utc_timestamp(now),
        "reason": reason,
        "issuing_authority": {
            "id": signer.pk,
            "name": signer.name,
            "jurisdiction": signer.jurisdiction_id,
        },
        "files": [
            {"file_id": str(i.file_id), "sha256": i.sha256, "md5": i.md5, "size": i.size}
            for i in sorted(items, key=lambda i: (i.created_at, i.pk))
        ],
        "custody_head": head,
        "seal": {
            "key_id": package.signing_key_id,
            "manifest_sha256": hashlib.sha256(canonical_json(package.manifest)).hexdigest(),
            "valid_at_purge": seal_valid(package),
        }
        if package.manifest is not None
        else None,
        "minimised": {
            "package": list(MINIMISED_AT_PURGE),
            "files": list(MINIMISED_FILE_FIELDS_AT_PURGE),
        },
    }
    key = keys.current_key(authority=signer, now=now)
    certificate["key_id"] = key.key_id if key else ""
    signature = keys.sign(authority=signer, message=canonical_json(certificate), now=now)
    return certificate, signature.value


# --- Documents that answer an MLA request -----------------------------------------------


def mla_document_add(
    *,
    mla,
    responder: User,
    file_id,
    original_name: str,
    storage_name: str,
    content_type: str,
    sealed: crypto.SealedFile,
    now: datetime | None = None,
) -> EvidenceItem:
    """The requested desk answers with a document: it joins the case as a participant
    (a coalition) and the document is evidence like any other — encrypted, hashed, in a
    package of its authority that is linked to the request, with its custody chain."""
    now = now or timezone.now()
    if not may_add_mla_document(responder, mla):
        raise PermissionDenied(_("Only officers of the requested authority's desks add documents."))
    if not MLA.can(mla, "document_added"):
        raise InvalidTransition(_("Documents are added while the request is open."))
    desk = responder.desks.filter(authority=mla.requested_authority).order_by("id").first()
    with atomic():
        _participant, joined = CaseParticipant.objects.get_or_create(
            case=mla.case,
            desk=desk,
            defaults={
                "role": ParticipantRole.PARTICIPANT,
                "joined_at": now,
                "reason": _("Answering %(ref)s") % {"ref": mla.reference},
            },
        )
        if joined:
            audit_record(
                action="case.desk_joined",
                actor=responder,
                obj=mla.case,
                data={"desk": desk.name, "mla": mla.reference},
                now=now,
            )
        package = mla.evidence_packages.filter(
            collecting_authority=mla.requested_authority, status=PackageStatus.DRAFT
        ).first() or package_create(
            case=mla.case,
            officer=responder,
            collecting_authority=mla.requested_authority,
            collection_method=_("Produced in answer to %(ref)s") % {"ref": mla.reference},
            legal_basis=mla.legal_basis,
            now=now,
        )
        package.mla_requests.add(mla)
        MLA.move(
            mla, "document_added", actor=responder, now=now, data={"package": package.reference}
        )
        return item_record(
            package=package,
            officer=responder,
            file_id=file_id,
            original_name=original_name,
            storage_name=storage_name,
            content_type=content_type,
            sealed=sealed,
            now=now,
        )


# --- Key-encryption keys --------------------------------------------------------------------


def data_keys_rewrap(*, actor=None, now: datetime | None = None) -> int:
    """Re-wrap every file's data key under the current key-encryption key (the content
    is not re-encrypted), and record it: after a KEK rotation, the old KEK can go once
    this has run."""
    from takedown.core.crypto import keyring

    now = now or timezone.now()
    current = keyring().current_kid
    rewrapped = 0
    for item in (
        EvidenceItem.objects.filter(purged_at__isnull=True).exclude(wrapped_key="").iterator()
    ):
        if keyring().kid_of(item.wrapped_key) == current:
            continue
        EvidenceItem.objects.filter(pk=item.pk, wrapped_key=item.wrapped_key).update(
            wrapped_key=crypto.rewrap_data_key(item.wrapped_key, file_id=item.file_id)
        )
        rewrapped += 1
    audit_record(
        action="evidence.keys_rewrapped",
        actor=actor,
        data={"kek": current, "data_keys": rewrapped},
        now=now,
    )
    return rewrapped
