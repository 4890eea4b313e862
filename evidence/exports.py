"""Sealed exports a receiving country verifies offline with evidence/verify.py.

The zip (format in evidence/verify.py) is streamed to the caller, never stored: files are
decrypted from storage chunk by chunk and, unless the operator allows clear exports,
encrypted at once to the receiving authority's X25519 key.
"""

from __future__ import annotations

import hashlib
import hmac
import zipfile
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import keys
from liaison.choices import KeyPurpose
from liaison.models import Authority
from takedown.core.audit import atomic
from takedown.core.errors import InvalidTransition, PermissionDenied
from takedown.core.models import User

from .access import may_export
from .choices import CustodyAction
from .models import EvidencePackage
from .services import (
    custody_event_body,
    custody_record,
    item_check,
    item_plaintext,
    template_values,
    verify_chain,
)
from .transitions import PACKAGE
from .verify import FORMAT_VERSION, ReceiverEncryptor, canonical_json, utc_timestamp

EXPORT_FORMAT = "takedown-evidence-export"
REMOVED_WHEN_MINIMISED = ("hosting_ip",)
PSEUDONYMISED_WHEN_MINIMISED = ("provenance",)
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "application/json": ".json",
    "text/html": ".html",
    "application/warc": ".warc",
}


class _Pipe:
    """A write-only stream the zip is written into; the generator drains it."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def _pseudonym(value: str) -> str:
    """The same value gives the same pseudonym, so records can still be linked."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"pseudonym:{digest[:24]}"


def export_template(package: EvidencePackage, *, minimised: bool) -> tuple[dict, dict]:
    template = template_values(package)
    if not minimised:
        return template, {"removed": [], "pseudonymised": []}
    for name in REMOVED_WHEN_MINIMISED:
        template.pop(name, None)
    for name in PSEUDONYMISED_WHEN_MINIMISED:
        if template.get(name):
            template[name] = _pseudonym(str(template[name]))
    return template, {
        "removed": list(REMOVED_WHEN_MINIMISED),
        "pseudonymised": list(PSEUDONYMISED_WHEN_MINIMISED),
    }


def package_export(
    *,
    package: EvidencePackage,
    officer: User,
    receiver: Authority,
    reason: str,
    clear: bool = False,
    now: datetime | None = None,
) -> tuple[str, Iterator[bytes]]:
    """Record the export and return (file name, zip stream). Data-minimised when the
    receiving jurisdiction's profile asks for it."""
    now = now or timezone.now()
    if not may_export(officer, package):
        raise PermissionDenied(
            _("Exporting evidence needs the export permission and a desk of the case.")
        )
    if not PACKAGE.can(package, "exported"):
        raise InvalidTransition(_("Only a sealed package can be exported."))
    if clear and not settings.EVIDENCE_ALLOW_CLEAR_EXPORTS:
        raise InvalidTransition(
            _("Exports in clear are not allowed here: files are encrypted to the receiver.")
        )
    recipient = (
        None
        if clear
        else keys.current_key(authority=receiver, purpose=KeyPurpose.ENCRYPTION, now=now)
    )
    if recipient is None and not clear:
        raise InvalidTransition(
            _("%(a)s has no encryption key to export to; an operator must create one.")
            % {"a": receiver.name}
        )
    items = [i for i in package.items.order_by("created_at", "id") if i.purged_at is None]
    problems = [f"{i.file_id}: {p}" for i in items if (p := item_check(i))]
    if (chain_break := verify_chain(package)) is not None:
        problems.append(str(chain_break))
    if problems:
        raise InvalidTransition(
            _("Stored files fail their digests; nothing exported: %(p)s")
            % {"p": "; ".join(problems)}
        )
    # Everything that can refuse the export is checked before it is recorded: the
    # append-only chain must never show an export that did not happen.
    minimised = receiver.jurisdiction.requires_minimised_exports
    # A minimised export is the exporting authority's own document, signed over what it
    # holds; a full one carries the collector's seal and is signed by the collector.
    signer = officer.authority if minimised else package.collecting_authority
    signing_key = keys.current_key(authority=signer, now=now) if signer else None
    if signing_key is None:
        raise keys.NoSigningKey(
            _("%(a)s has no signing key: an operator must create one; nothing was exported.")
            % {"a": signer.name if signer else _("Your authority")}
        )
    with atomic():
        custody_record(
            package=package,
            action=CustodyAction.EXPORTED,
            actor=officer,
            reason=reason,
            now=now,
            details={
                "to_authority": receiver.name,
                "to_jurisdiction": receiver.jurisdiction_id,
                "minimised": minimised,
                "encrypted": not clear,
                "recipient_key_id": recipient.key_id if recipient else None,
            },
        )
        PACKAGE.move(
            package,
            "exported",
            actor=officer,
            now=now,
            data={"to": receiver.name, "minimised": minimised, "encrypted": not clear},
        )
    events = [
        custody_event_body(e) | {"prev_hash": e.prev_hash, "hash": e.hash}
        for e in package.custody_events.select_related("authority").order_by("sequence")
    ]
    template, minimised_fields = export_template(package, minimised=minimised)
    paths = {i.pk: f"files/{i.file_id}{EXTENSIONS.get(i.content_type, '.bin')}" for i in items}
    manifest = {
        "format": EXPORT_FORMAT,
        "version": FORMAT_VERSION,
        "reference": package.reference,
        "case": package.case.reference,
        "issuing_authority": {
            "id": signer.pk,
            "name": signer.name,
            "jurisdiction": signer.jurisdiction_id,
        },
        "created_at": utc_timestamp(now),
        "template": template,
        "files": [
            {"path": paths[i.pk], "size": i.size, "sha256": i.sha256, "encrypted": not clear}
            for i in items
        ],
        "custody_head": events[-1]["hash"],
        "minimised": minimised_fields,
        # The collector's seal signs the full template: beside a minimised one it would
        # let a guess of the removed fields be confirmed offline, so it stays home.
        "seal": None
        if minimised
        else {"key_id": package.signing_key_id, "signature": package.signature},
    }
    if minimised:
        manifest["signed_over"] = (
            "this minimised manifest, by the exporting authority; the collector's seal over "
            "the full template is withheld"
        )
    manifest["key_id"] = signing_key.key_id  # the signature covers which key made it
    signature = keys.sign(authority=signer, message=canonical_json(manifest), now=now)
    encryptor = (
        ReceiverEncryptor(
            keys.b64url_decode(recipient.public_key),
            reference=package.reference,
            recipient_key_id=recipient.key_id,
        )
        if recipient
        else None
    )

    def stream() -> Iterator[bytes]:
        pipe = _Pipe()
        with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", canonical_json(manifest))
            archive.writestr(
                "signature.json",
                canonical_json(
                    {
                        "key_id": signature.key_id,
                        "algorithm": "Ed25519",
                        "signature": signature.value,
                    }
                ),
            )
            archive.writestr("custody.json", canonical_json(events))
            yield pipe.drain()
            for item in items:
                info = zipfile.ZipInfo(paths[item.pk], date_time=now.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                chunks = item_plaintext(item)
                if encryptor is not None:
                    chunks = encryptor.encrypt_file(paths[item.pk], chunks)
                with archive.open(info, "w", force_zip64=True) as member:
                    for chunk in chunks:
                        member.write(chunk)
                        yield pipe.drain()
            if encryptor is not None:
                archive.writestr("encryption.json", canonical_json(encryptor.document()))
        yield pipe.drain()

    return f"{package.reference}{'-minimised' if minimised else ''}.zip", stream()
