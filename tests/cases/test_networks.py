"""Hosting that hides: IPFS content through any gateway is one item, onion services are
v3 addresses, magnet links are their info-hash; onion and torrent items go to the
reporting desk. Unit tests, hypothesis properties, then intake through its doors."""

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.choices import Network
from cases.models import Case, ReportedItem
from cases.normalise import InvalidURL, canonical_cid, normalise_url
from tests.cases.factories import submit
from tests.liaison.factories import PlatformFactory

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58(data: bytes) -> str:
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        out = _BASE58[digit] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def cids(content: bytes) -> tuple[str, str, str]:
    """The same content's CIDv0, CIDv1 in base32 and CIDv1 in base58 (synthetic bytes)."""
    multihash = bytes([0x12, 0x20]) + hashlib.sha256(content).digest()
    v1 = bytes([1, 0x70]) + multihash
    return (
        base58(multihash),
        "b" + base64.b32encode(v1).decode().lower().rstrip("="),
        "z" + base58(v1),
    )


def onion(key: bytes) -> str:
    checksum = hashlib.sha3_256(b".onion checksum" + key + b"\x03").digest()[:2]
    return base64.b32encode(key + checksum + b"\x03").decode().lower() + ".onion"


V0, V1, V1_58 = cids(b"synthetic test content")


def test_every_spelling_of_ipfs_content_is_one_address():
    forms = [
        f"ipfs://{V0}/photos/1.jpg",
        f"IPFS://{V1}/photos/./1.jpg",
        f"ipfs://{V1_58}/photos/1.jpg",
        f"https://gateway-one.test/ipfs/{V0}/photos/1.jpg",
        f"https://gateway-two.test/ipfs/{V1}/photos/1.jpg?filename=1.jpg#top",
        f"https://{V1}.ipfs.gateway-three.test/photos/1.jpg",
    ]
    found = {normalise_url(form).url for form in forms}
    assert found == {f"ipfs://{V1}/photos/1.jpg"}
    assert normalise_url(forms[3]).host == "gateway-one.test"
    assert normalise_url(forms[5]).host == "gateway-three.test"
    assert {normalise_url(form).network for form in forms} == {Network.IPFS}
    assert normalise_url(f"ipfs://{V0}/").url == normalise_url(f"ipfs://{V0}").url


def test_a_path_that_only_looks_like_a_gateway_stays_a_web_address():
    result = normalise_url("https://shop.example.test/ipfs/not-a-cid/x")
    assert (result.network, result.url) == (
        Network.WEB,
        "https://shop.example.test/ipfs/not-a-cid/x",
    )


@pytest.mark.parametrize(
    "text",
    [
        "ipfs://",
        "ipfs://Qmnotbase58000000000000000000000000000000000",
        "ipfs://bafy!!",
        "ipfs://x1",
    ],
)
def test_an_invalid_content_identifier_is_refused_clearly(text):
    with pytest.raises(InvalidURL, match=r"IPFS|names its content"):
        normalise_url(text)


def test_ipns_names_keys_and_domains():
    assert normalise_url("ipns://Docs.Example.TEST/a").url == "ipns://docs.example.test/a"
    peer = base58(bytes([0x12, 0x20]) + hashlib.sha256(b"synthetic key").digest())
    key = normalise_url(f"ipns://{peer}")
    assert key.url.startswith("ipns://b") and normalise_url(key.url).url == key.url


def test_onion_services_are_validated_v3_addresses():
    address = onion(b"\x07" * 32)
    result = normalise_url(f"http://{address.upper()}/board/1")
    assert (result.network, result.url) == (Network.ONION, f"http://{address}/board/1")
    with pytest.raises(InvalidURL, match="v2 onion"):
        normalise_url("http://abcdefghijklmnop.onion/")
    broken = address[:10] + ("a" if address[10] != "a" else "b") + address[11:]
    with pytest.raises(InvalidURL, match="onion"):
        normalise_url(f"http://{broken}/")


def test_magnet_links_are_their_info_hash():
    v1 = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a"
    base32 = base64.b32encode(bytes.fromhex(v1)).decode()
    forms = [
        f"magnet:?xt=urn:btih:{v1.upper()}&dn=synthetic&tr=udp://tracker.example.test:80",
        f"magnet:?dn=other&xt=urn:btih:{base32}",
        f"MAGNET:?xt=urn:btih:{v1}&xt=urn:btmh:1220{'ab' * 32}",
    ]
    assert {normalise_url(f).url for f in forms} == {f"magnet:?xt=urn:btih:{v1}"}
    v2 = normalise_url(f"magnet:?xt=urn:btmh:1220{'CD' * 32}&dn=x")
    assert (v2.url, v2.network, v2.host) == (f"magnet:?xt=urn:btmh:1220{'cd' * 32}", "torrent", "")
    for bad in ("magnet:?dn=nothing", "magnet:?xt=urn:btih:1234", "magnet:?xt=urn:btmh:1111"):
        with pytest.raises(InvalidURL, match="info-hash"):
            normalise_url(bad)


@given(st.binary(min_size=1, max_size=64), st.sampled_from(["", "/a", "/a/b.jpg", "/dir/"]))
def test_property_any_cid_spelling_and_gateway_meet_and_stay_put(content, path):
    v0, v1, v1_58 = cids(content)
    spellings = [
        f"ipfs://{v0}{path}",
        f"ipfs://{v1_58}{path}",
        f"https://gw.example.test/ipfs/{v1}{path}",
        f"https://{v1}.ipfs.gw.example.test{path or '/'}",
    ]
    results = {normalise_url(s).url for s in spellings}
    assert len(results) == 1
    (one,) = results
    assert normalise_url(one).url == one  # idempotent
    assert canonical_cid(v0) == canonical_cid(v1) == canonical_cid(v1_58) == v1


@given(st.binary(min_size=32, max_size=32))
def test_property_every_v3_key_is_an_onion_address_and_one_flipped_character_is_not(key):
    address = onion(key)
    assert normalise_url(f"http://{address}/").url == f"http://{address}/"
    flipped = ("b" if address[0] == "a" else "a") + address[1:]
    with pytest.raises(InvalidURL):
        normalise_url(f"http://{flipped}/")


@given(st.binary(min_size=20, max_size=20), st.text("abcdefgh", max_size=8))
def test_property_magnet_hex_and_base32_meet(info_hash, name):
    hex_form = f"magnet:?xt=urn:btih:{info_hash.hex()}&dn={name}"
    base32_form = f"magnet:?xt=urn:btih:{base64.b32encode(info_hash).decode()}"
    assert normalise_url(hex_form).url == normalise_url(base32_form).url
    assert normalise_url(normalise_url(hex_form).url).url == normalise_url(hex_form).url


@pytest.mark.django_db
def test_three_gateways_make_one_item_and_the_first_gateway_is_its_platform(actors, network):
    gateway = PlatformFactory(establishment_jurisdiction=network["nl"], domains=["gw-one.test"])
    first = submit(actors["owner"], f"https://gw-one.test/ipfs/{V0}/x.jpg")
    submit(actors["owner"], f"https://{V1}.ipfs.gw-two.test/x.jpg")
    submit(actors["outsider"], f"ipfs://{V1}/x.jpg", jurisdiction="NL")
    item = ReportedItem.objects.get()
    assert (item.network, item.normalized_url) == (Network.IPFS, f"ipfs://{V1}/x.jpg")
    assert item.platform == gateway and first.cases_opened[0].lead_desk == network["desk_nl"]


@pytest.mark.django_db
def test_onion_and_torrent_items_go_to_the_reporting_desk_whatever_country_is_stated(
    actors, network
):
    from cases.services.intake import ItemInput

    hidden = onion(bytes(range(32)))
    result = submit(
        actors["outsider"],
        items=[
            ItemInput(url=f"http://{hidden}/v/1", hosting_country="DE"),
            ItemInput(url=f"magnet:?xt=urn:btih:{'e' * 40}", hosting_country="DE"),
        ],
        jurisdiction="NL",
    )
    (case,) = result.cases_opened
    assert case.lead_desk == network["desk_nl"]  # the reporting desk, not DE's
    items = list(case.items.order_by("id"))
    assert [i.network for i in items] == [Network.ONION, Network.TORRENT]
    assert all(i.platform is None and i.hosting_jurisdiction is None for i in items)
    assert Case.objects.count() == 1
    from tests.conftest import login

    page = login(actors["outsider"]).get(f"/cases/{case.reference}/").content.decode()
    assert 'data-network="onion"' in page and 'data-network="torrent"' in page
    assert "No platform can be ordered" in page


@pytest.mark.django_db
def test_an_assessed_onion_case_proposes_investigation_not_an_order(actors, network):
    from cases.services.triage import case_assess, next_action

    case = submit(actors["owner"], f"http://{onion(bytes(32))}/x").cases_opened[0]
    assessment = case_assess(
        case=case,
        officer=actors["owner"],
        depiction_type="real",
        age_group="pubescent",
        severity=3,
        risk_score=40,
        classification=None,
        expected_version=None,
    )
    code, text = next_action(Case.objects.get(pk=case.pk), assessment)
    assert code == "investigate" and "No removal order is possible" in text


@pytest.mark.django_db
def test_a_bulk_file_takes_every_form_and_meets_the_same_items(actors, network):
    from cases.services.bulk import bulk_import_create

    rows = "\n".join(
        [
            "url",
            f"https://gw.example.test/ipfs/{V0}/a.jpg",
            f"ipfs://{V1}/a.jpg",  # the same content: one item
            f"http://{onion(bytes([5]) * 32)}/b",
            f"magnet:?xt=urn:btih:{'d' * 40}&dn=synthetic",
        ]
    )
    job = bulk_import_create(
        data=(rows + "\n").encode(),
        file_name="forms.csv",
        source="hotline",
        reporting_jurisdiction="DE",
        acute=False,
        summary="",
        submitter=actors["owner"],
    )
    job.refresh_from_db()
    assert job.status == "done", job.result
    networks = sorted(ReportedItem.objects.values_list("network", flat=True))
    assert networks == [Network.IPFS, Network.ONION, Network.TORRENT]


def test_an_ipns_key_is_one_name_as_a_peer_id_or_as_its_cid():
    multihash = bytes([0x12, 0x20]) + hashlib.sha256(b"synthetic ipns key").digest()
    peer = base58(multihash)
    as_cid = "z" + base58(bytes([1, 0x72]) + multihash)
    assert normalise_url(f"ipns://{peer}/x").url == normalise_url(f"ipns://{as_cid}/x").url
