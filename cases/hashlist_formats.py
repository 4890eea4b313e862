"""The stay-down hash list in the formats other tools read: CSV, a STIX 2.1 bundle of
indicators, and a MISP event. Hashes only. Identifiers are derived from the item, so an
export made again names the same indicators and attributes."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from cases.models import HashListChange

# The namespace of every identifier these exports derive (uuid5): stable across exports.
NAMESPACE = uuid.UUID("6c1a3f0e-6f5b-5d3e-9a51-7d2c6b0e4a11")
PRODUCER = "Takedown network"


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def _id(kind: str, *parts) -> str:
    """Derived from what it names, in UUIDv4's form (version 4 bits), as STIX asks of
    its objects' identifiers: the same entry gets the same identifier in every export."""
    derived = uuid.uuid5(NAMESPACE, ":".join([kind, *map(str, parts)]))
    return str(uuid.UUID(bytes=derived.bytes, version=4))


def distinct(entries: Iterable[HashListChange]) -> list[HashListChange]:
    """One entry per set of hashes: the same file reported twice is one line, indicator
    or attribute (MISP refuses a value twice)."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for entry in entries:
        key = (entry.sha256, entry.md5, entry.pdq)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def as_csv(entries: Iterable[HashListChange]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sha256", "md5", "pdq", "classification", "illegal_in", "first_seen"])
    for e in distinct(entries):
        writer.writerow(
            [e.sha256, e.md5, e.pdq, e.classification, " ".join(e.illegal_in), _time(e.first_seen)]
        )
    return buffer.getvalue()


def _stix_pattern(entry: HashListChange) -> str:
    parts = [f"file:hashes.'SHA-256' = '{entry.sha256}'"] if entry.sha256 else []
    parts += [f"file:hashes.MD5 = '{entry.md5}'"] if entry.md5 else []
    return "[" + " OR ".join(parts) + "]" if parts else ""


def as_stix(entries: Iterable[HashListChange], *, scope: str, now: datetime) -> str:
    """A bundle: the producing identity and one indicator per entry with a SHA-256 or an
    MD5 (STIX file hashes; a PDQ-only entry has no STIX pattern and is left out)."""
    identity = f"identity--{_id('identity', PRODUCER)}"
    stamp = _time(now)
    objects: list[dict] = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": identity,
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": PRODUCER,
            "identity_class": "organization",
        }
    ]
    for entry in distinct(entries):
        pattern = _stix_pattern(entry)
        if not pattern:
            continue
        objects.append(
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{_id('indicator', entry.item_id, scope)}",
                "created_by_ref": identity,
                # created stays put from one version of the indicator to the next
                "created": _time(entry.first_seen),
                "modified": _time(entry.created_at),
                "name": "Material confirmed illegal (child sexual abuse)",
                "description": f"{entry.classification}; illegal in "
                f"{', '.join(entry.illegal_in) or '—'}. Block re-uploads of this file.",
                "indicator_types": ["malicious-activity"],
                "pattern": pattern,
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": _time(entry.first_seen),
            }
        )
    bundle = {"type": "bundle", "id": f"bundle--{_id('bundle', scope, stamp)}", "objects": objects}
    return json.dumps(bundle, indent=2)


def as_misp(entries: Iterable[HashListChange], *, scope: str, now: datetime) -> str:
    """One MISP event whose attributes are the hashes (sha256, md5; a PDQ as text, which
    MISP has no type for), each flagged for detection (``to_ids``)."""
    attributes = []
    seen_values: set[tuple[str, str]] = set()
    for entry in distinct(entries):
        comment = f"{entry.classification}; illegal in {', '.join(entry.illegal_in) or '—'}"
        for kind, value, to_ids in (
            ("sha256", entry.sha256, True),
            ("md5", entry.md5, True),
            ("text", f"pdq:{entry.pdq}" if entry.pdq else "", False),
        ):
            if value and (kind, value) not in seen_values:
                seen_values.add((kind, value))
                attributes.append(
                    {
                        "uuid": _id("attribute", entry.item_id, scope, kind),
                        "type": kind,
                        "category": "Payload delivery" if to_ids else "Other",
                        "value": value,
                        "to_ids": to_ids,
                        "comment": comment,
                        "timestamp": str(int(entry.created_at.timestamp())),
                        "distribution": "0",
                    }
                )
    event = {
        "Event": {
            "uuid": _id("event", scope),
            "info": f"Stay-down hash list ({'network-wide' if scope == '*' else scope})",
            "date": now.astimezone(UTC).date().isoformat(),
            "timestamp": str(int(now.timestamp())),
            "threat_level_id": "1",
            "analysis": "2",
            "distribution": "0",
            "published": False,
            "Orgc": {"name": PRODUCER, "uuid": _id("organisation", PRODUCER)},
            "Attribute": attributes,
        }
    }
    return json.dumps(event, indent=2)
