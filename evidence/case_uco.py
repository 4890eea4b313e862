"""A package as CASE/UCO JSON-LD (CASE 1.x, UCO 1.x), for tools that speak the
Cyber-investigation Analysis Standard Expression rather than our own export format.

Metadata only, never content:

- each file is a ``uco-observable:File`` with a ``FileFacet`` (the server-made name, as in
  a sealed export, and the size) and a ``ContentDataFacet`` (size, MIME type, SHA-256 and
  MD5 as ``uco-types:Hash``);
- the collection is a ``case-investigation:InvestigativeAction`` (method and tool as its
  description, ``startTime`` the capture time, performed by the collecting authority) whose
  object is the source URL (``uco-observable:URL``) and whose result is the files and the
  package's provenance record;
- the package is a ``case-investigation:ProvenanceRecord`` (exhibit number = reference)
  over the files;
- every custody event is a ``case-investigation:InvestigativeAction`` (name = the action,
  ``startTime``, the performer as a ``uco-identity:Identity``, its hash-chain link in the
  description) acting on the provenance record and, when it concerns one, the file;
- the case is a ``case-investigation:Investigation`` that gathers them.

The template fields marked personal (``EvidencePackage.PERSONAL_FIELDS``: hosting IP,
provenance text) and original file names (they may describe the content) are left out.
Node ids are ``kb:<kind>-<uuid5>`` derived from the package reference and the files' ids,
so exporting the same package twice gives the same graph.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from .exports import EXTENSIONS
from .models import CustodyEvent, EvidenceItem, EvidencePackage
from .verify import utc_timestamp

UCO = "https://ontology.unifiedcyberontology.org/uco/"
CONTEXT = {
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": f"{UCO}action/",
    "uco-core": f"{UCO}core/",
    "uco-identity": f"{UCO}identity/",
    "uco-observable": f"{UCO}observable/",
    "uco-types": f"{UCO}types/",
    "uco-vocabulary": f"{UCO}vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "kb": "http://example.org/kb/",
}
# The root of every id: uuid5(NAMESPACE, "takedown:evidence:<reference>") per package.
NAMESPACE = uuid.NAMESPACE_URL


def _package_namespace(reference: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"takedown:evidence:{reference}")


class _Ids:
    """Deterministic node ids: ``kb:<kind>-<uuid5(package namespace, name)>``."""

    def __init__(self, reference: str) -> None:
        self._namespace = _package_namespace(reference)

    def __call__(self, kind: str, name: str = "") -> str:
        return f"kb:{kind}-{uuid.uuid5(self._namespace, f'{kind}:{name}')}"


def _ref(node_id: str) -> dict[str, str]:
    return {"@id": node_id}


def _typed(value: Any, datatype: str) -> dict[str, Any]:
    return {"@type": datatype, "@value": value}


def _datetime(moment: datetime) -> dict[str, str]:
    return _typed(utc_timestamp(moment), "xsd:dateTime")


def _integer(value: int) -> dict[str, Any]:
    return _typed(value, "xsd:integer")


def _hash(node_id: str, method: str, value: str) -> dict[str, Any]:
    return {
        "@id": node_id,
        "@type": "uco-types:Hash",
        # A plain string: a vocabulary-typed literal does not validate with CASE 1.5.
        "uco-types:hashMethod": method,
        "uco-types:hashValue": _typed(value, "xsd:hexBinary"),
    }


def _file_name(item: EvidenceItem) -> str:
    """The name a sealed export gives the file: never the uploader's name."""
    return f"{item.file_id}{EXTENSIONS.get(item.content_type, '.bin')}"


def _file_nodes(item: EvidenceItem, ids: _Ids) -> list[dict[str, Any]]:
    key = str(item.file_id)
    sha256_id, md5_id = ids("hash", f"{key}:sha256"), ids("hash", f"{key}:md5")
    file_node: dict[str, Any] = {
        "@id": ids("file", key),
        "@type": "uco-observable:File",
        "uco-core:name": _file_name(item),
        "uco-core:hasFacet": [
            {
                "@id": ids("file-facet", key),
                "@type": "uco-observable:FileFacet",
                "uco-observable:fileName": _file_name(item),
                "uco-observable:sizeInBytes": _integer(item.size),
            },
            {
                "@id": ids("content-data-facet", key),
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:sizeInBytes": _integer(item.size),
                "uco-observable:mimeType": item.content_type,
                "uco-observable:hash": [_ref(sha256_id), _ref(md5_id)],
            },
        ],
    }
    if item.purged_at is not None:
        file_node["uco-core:description"] = (
            f"Content purged under the retention rules at {utc_timestamp(item.purged_at)}; "
            "metadata and digests kept."
        )
    return [
        file_node,
        _hash(sha256_id, "SHA256", item.sha256),
        _hash(md5_id, "MD5", item.md5),
    ]


def _custody_description(event: CustodyEvent) -> str:
    parts = [event.reason.strip()] if event.reason.strip() else []
    if event.authority_id:
        parts.append(f"Authority: {event.authority.name}.")
    if event.item_digest:
        parts.append(f"Item SHA-256: {event.item_digest}.")
    parts.append(
        f"Chain of custody event {event.sequence}: hash {event.hash}, previous {event.prev_hash}."
    )
    return " ".join(parts)


def package_to_case_uco(package: EvidencePackage) -> dict[str, Any]:
    """The package's files, collection, provenance and chain of custody as a JSON-LD
    document (``@context`` and ``@graph``)."""
    ids = _Ids(package.reference)
    items = list(package.items.order_by("created_at", "id"))
    events = list(package.custody_events.select_related("authority", "item").order_by("sequence"))
    graph: list[dict[str, Any]] = []
    file_ids: dict[int, str] = {}
    for item in items:
        nodes = _file_nodes(item, ids)
        file_ids[item.pk] = nodes[0]["@id"]
        graph += nodes
    files = [_ref(node_id) for node_id in file_ids.values()]

    authority = package.collecting_authority
    authority_id = ids("organization", f"authority:{authority.pk}")
    graph.append(
        {
            "@id": authority_id,
            "@type": "uco-identity:Organization",
            "uco-core:name": authority.name,
            "uco-core:description": f"Collecting authority, jurisdiction {authority.jurisdiction_id}.",
        }
    )

    record_id = ids("provenance-record")
    record: dict[str, Any] = {
        "@id": record_id,
        "@type": "case-investigation:ProvenanceRecord",
        "case-investigation:exhibitNumber": package.reference,
        "uco-core:description": (
            f"Evidence package {package.reference} of case {package.case.reference}"
            f" ({package.get_status_display()})."
            + (
                f" Follow-up to package {package.previous_package.reference}."
                if package.previous_package_id
                else ""
            )
        ),
    }
    if files:
        record["uco-core:object"] = files
    graph.append(record)

    collection_id = ids("collection-action")
    collection: dict[str, Any] = {
        "@id": collection_id,
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": "collection",
        "uco-core:description": (
            f"Collection method: {package.collection_method or 'not stated'}. "
            f"Collection tool: {package.collection_tool or 'not stated'}."
        ),
        "uco-action:performer": _ref(authority_id),
        "uco-action:result": [*files, _ref(record_id)],
    }
    if package.captured_at is not None:
        collection["uco-action:startTime"] = _datetime(package.captured_at)
    if package.source_url:
        url_id = ids("url")
        graph.append(
            {
                "@id": url_id,
                "@type": "uco-observable:URL",
                "uco-core:hasFacet": [
                    {
                        "@id": ids("url-facet"),
                        "@type": "uco-observable:URLFacet",
                        "uco-observable:fullValue": package.source_url,
                    }
                ],
            }
        )
        collection["uco-action:object"] = [_ref(url_id)]
    graph.append(collection)

    performers: dict[str, str] = {}
    custody_ids = []
    for event in events:
        performer = performers.get(event.actor_label)
        if performer is None:
            performer = performers[event.actor_label] = ids("identity", event.actor_label)
            graph.append(
                {
                    "@id": performer,
                    "@type": "uco-identity:Identity",
                    "uco-core:name": event.actor_label,
                }
            )
        objects = [_ref(record_id)]
        if event.item_id and event.item_id in file_ids:
            objects.append(_ref(file_ids[event.item_id]))
        custody_id = ids("custody-action", str(event.sequence))
        custody_ids.append(custody_id)
        graph.append(
            {
                "@id": custody_id,
                "@type": "case-investigation:InvestigativeAction",
                "uco-core:name": event.action,
                "uco-core:description": _custody_description(event),
                "uco-action:startTime": _datetime(event.occurred_at),
                "uco-action:performer": _ref(performer),
                "uco-action:object": objects,
            }
        )

    graph.append(
        {
            "@id": ids("investigation"),
            "@type": "case-investigation:Investigation",
            "uco-core:name": package.case.reference,
            "uco-core:object": [
                _ref(record_id),
                _ref(collection_id),
                *(_ref(node_id) for node_id in custody_ids),
            ],
        }
    )
    return {"@context": dict(CONTEXT), "@graph": graph}
