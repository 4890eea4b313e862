import struct
import zlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from evidence import services
from liaison.choices import KeyPurpose
from liaison.keys import authority_key_create
from tests.cases.factories import join, open_case
from tests.liaison.factories import officer_of


def synthetic_png(width: int = 64, height: int = 48, seed: int = 1) -> bytes:
    """A real PNG of generated noise: never real material."""
    import random

    rng = random.Random(seed)
    rows = b"".join(
        b"\x00" + bytes(rng.getrandbits(8) for _ in range(width * 3)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def evidence_officer(actors):
    officer = actors["owner"]
    for codename in ("view_evidence_content", "export_evidence"):
        officer.user_permissions.add(Permission.objects.get(codename=codename))
    authority_key_create(authority=officer.authority)
    return officer


@pytest.fixture
def package(evidence_officer):
    case = open_case(evidence_officer, "https://b-social.test/p/evidence")
    return services.package_create(
        case=case,
        officer=evidence_officer,
        collection_method="Screen capture by the desk",
        collection_tool="Takedown capture 1.0 (test)",
        captured_at=timezone.now() - timedelta(hours=1),
        source_url="https://b-social.test/p/evidence",
        hosting_ip="192.0.2.10",
        hosting_asn=64500,
        hosting_provider="Example hosting (test)",
        provenance="Reported by the DE hotline (synthetic)",
        legal_basis="Art. 3 (demo)",
        classification="illegal_all",
    )


@pytest.fixture
def receiver(network):
    from tests.liaison.factories import AuthorityFactory

    authority = AuthorityFactory(jurisdiction=network["nl"], name="NL police (receiver)")
    key = authority_key_create(authority=authority, purpose=KeyPurpose.ENCRYPTION)
    return authority, key


@pytest.fixture
def nl_officer(network, package, evidence_officer):
    """An officer of the NL desk, which reports the same URL and is let in by the lead."""
    officer = officer_of(network["desk_nl"], username="nl-officer")
    join(officer, package.source_url, jurisdiction="NL", lead=evidence_officer)
    assert package.case.participants.filter(desk=network["desk_nl"]).exists()
    return officer
