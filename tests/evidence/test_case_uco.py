"""The CASE/UCO JSON-LD export, fetched through its view and validated offline with
``case_validate`` from case-utils (the dev extra), in a subprocess."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from evidence.choices import CustodyAction
from evidence.models import EvidenceItem
from takedown.core.choices import Role
from takedown.core.models import AuditEvent
from tests.conftest import login, service_unavailable
from tests.evidence.conftest import synthetic_png
from tests.evidence.test_views_evidence import upload
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db

LOG = b"2026-01-01T00:00:00Z capture log (synthetic)\n" * 40


def case_validate() -> str:
    beside = Path(sys.executable).with_name("case_validate")
    found = str(beside) if beside.exists() else shutil.which("case_validate")
    if found is None:
        service_unavailable("case_validate (case-utils, in the dev extra) is not installed")
    return found


def validate(command: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [command, str(path)], capture_output=True, text=True, timeout=300, check=False
    )


def nodes_of(document: dict, kind: str) -> list[dict]:
    return [node for node in document["@graph"] if node["@type"] == kind]


def fetch(client, package):
    return client.get(f"/evidence/{package.reference}/case-uco.json")


@pytest.fixture
def filled_package(evidence_officer, package):
    """Two uploaded files, sealed, one logged download: custody events with and
    without a file."""
    client = login(evidence_officer)
    assert upload(client, package, synthetic_png(seed=3)).status_code == 302
    assert upload(client, package, LOG, name="capture.log").status_code == 302
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    first = EvidenceItem.objects.order_by("created_at", "id").first()
    response = client.post(
        f"/evidence/files/{first.file_id}/download/", {"reason": "Prepare the MLA file"}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    package.refresh_from_db()
    return package


def test_export_validates_with_case_validate(evidence_officer, filled_package, tmp_path):
    command = case_validate()
    response = fetch(login(evidence_officer), filled_package)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    path = tmp_path / "package.jsonld"
    path.write_bytes(response.content)

    run = validate(command, path)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "Conforms: True" in output, output

    # The validator does check: the same graph with a digest that is not hex fails.
    document = json.loads(response.content)
    for node in nodes_of(document, "uco-types:Hash")[:1]:
        node["uco-types:hashValue"]["@value"] = "not-a-hex-digest"
    broken = tmp_path / "broken.jsonld"
    broken.write_text(json.dumps(document))
    run = validate(command, broken)
    assert run.returncode != 0 and "Conforms: False" in run.stdout, run.stdout + run.stderr


def test_export_holds_files_collection_provenance_and_custody(evidence_officer, filled_package):
    client = login(evidence_officer)
    events_before = filled_package.custody_events.count()
    document = fetch(client, filled_package).json()
    context = document["@context"]
    assert context["kb"] == "http://example.org/kb/"
    assert context["uco-observable"] == "https://ontology.unifiedcyberontology.org/uco/observable/"
    by_id = {node["@id"]: node for node in document["@graph"]}
    assert len(by_id) == len(document["@graph"])  # ids are unique

    items = list(filled_package.items.order_by("created_at", "id"))
    files = nodes_of(document, "uco-observable:File")
    assert len(files) == 2
    for item, file_node in zip(items, files, strict=True):
        assert str(item.file_id) in file_node["uco-core:name"]
        assert "capture" not in json.dumps(file_node)  # never the uploader's file name
        facet = next(
            f
            for f in file_node["uco-core:hasFacet"]
            if f["@type"] == "uco-observable:ContentDataFacet"
        )
        assert facet["uco-observable:sizeInBytes"]["@value"] == item.size
        hashes = {
            by_id[ref["@id"]]["uco-types:hashMethod"]: by_id[ref["@id"]]["uco-types:hashValue"]
            for ref in facet["uco-observable:hash"]
        }
        assert hashes == {
            "SHA256": {"@type": "xsd:hexBinary", "@value": item.sha256},
            "MD5": {"@type": "xsd:hexBinary", "@value": item.md5},
        }
    file_refs = [{"@id": node["@id"]} for node in files]

    (record,) = nodes_of(document, "case-investigation:ProvenanceRecord")
    assert record["case-investigation:exhibitNumber"] == filled_package.reference
    assert record["uco-core:object"] == file_refs

    actions = nodes_of(document, "case-investigation:InvestigativeAction")
    collection, *custody = actions
    assert collection["uco-core:name"] == "collection"
    assert filled_package.collection_tool in collection["uco-core:description"]
    assert collection["uco-action:result"] == [*file_refs, {"@id": record["@id"]}]
    (url,) = collection["uco-action:object"]
    (url_facet,) = by_id[url["@id"]]["uco-core:hasFacet"]
    assert url_facet["uco-observable:fullValue"] == filled_package.source_url

    chain = list(filled_package.custody_events.order_by("sequence"))
    assert [a["uco-core:name"] for a in custody] == [e.action for e in chain]
    assert [a["uco-core:name"] for a in custody] == [
        CustodyAction.COLLECTED,
        CustodyAction.COLLECTED,
        CustodyAction.SEALED,
        CustodyAction.DOWNLOADED,
    ]
    for action, event in zip(custody, chain, strict=True):
        assert event.hash in action["uco-core:description"]
        performer = by_id[action["uco-action:performer"]["@id"]]
        assert performer["@type"] == "uco-identity:Identity"
        assert performer["uco-core:name"] == evidence_officer.get_username()
        assert action["uco-action:object"][0] == {"@id": record["@id"]}
    assert custody[0]["uco-action:object"][1] == file_refs[0]
    assert custody[1]["uco-action:object"][1] == file_refs[1]
    assert len(custody[2]["uco-action:object"]) == 1  # the seal concerns no one file
    assert custody[3]["uco-action:object"][1] == file_refs[0]

    # Metadata only: no personal template fields, no content.
    text = json.dumps(document)
    assert filled_package.hosting_ip not in text
    assert filled_package.provenance not in text
    assert LOG.decode()[:30] not in text

    # Deterministic, recorded in the audit log, and no custody event (no content read).
    assert fetch(client, filled_package).json() == document
    assert filled_package.custody_events.count() == events_before
    assert (
        AuditEvent.objects.filter(
            action="evidence.case_uco_exported", object_id=str(filled_package.pk)
        ).count()
        == 2
    )


def test_who_may_fetch_it(evidence_officer, package, actors, network):
    auditor = UserFactory(authority=network["desk_de"].authority, roles=[Role.AUDITOR])
    # It names the source URL: the holding desks', not oversight's (which sees the chain).
    assert fetch(login(auditor), package).status_code == 403
    assert fetch(login(actors["colleague"]), package).status_code == 200
    assert fetch(login(actors["outsider"]), package).status_code == 404
    assert fetch(Client(), package).status_code == 302  # to the login page
    assert not AuditEvent.objects.filter(
        action="evidence.case_uco_exported", actor=actors["outsider"]
    ).exists()
