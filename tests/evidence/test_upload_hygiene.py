"""Upload hygiene (issue 18): an upload that does not end as an EvidenceItem row leaves no
ciphertext behind, and an image with a huge pixel count is refused before it is decoded.

Every test goes through the real view with the Django test client. All images are
generated here (synthetic noise or lines), never real material.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from evidence import services
from evidence.models import EvidenceItem
from tests.conftest import login
from tests.evidence.conftest import synthetic_png

pytestmark = pytest.mark.django_db

CSRF_SECRET = "a" * 32  # a well-formed CSRF secret (the cookie a signed-in browser holds)


def url(package) -> str:
    return f"/evidence/{package.reference}/upload/"


def ciphertexts() -> set[str]:
    """The names of the encrypted files in the evidence storage."""
    location = Path(storages["evidence"].location)
    return {path.name for path in location.glob("*.tdev")} if location.exists() else set()


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def png_part(name: str = "capture.png", seed: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, synthetic_png(seed=seed))


def csrf_client(officer) -> Client:
    """A signed-in browser with its CSRF cookie, whose CSRF checks are enforced."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = login(officer).cookies
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


@pytest.fixture
def stored_before():
    return ciphertexts()


def assert_nothing_stored(stored_before):
    assert not EvidenceItem.objects.exists()
    assert ciphertexts() - stored_before == set(), "orphan ciphertext left in storage"


# --- Orphan ciphertext ---------------------------------------------------------------


def test_with_the_csrf_token_the_upload_is_stored(evidence_officer, package, stored_before):
    """The control for the next test: the same client, with the token, stores the file."""
    response = csrf_client(evidence_officer).post(
        url(package), {"file": png_part(), "csrfmiddlewaretoken": CSRF_SECRET}
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert ciphertexts() - stored_before == {item.storage_name}


def test_an_upload_refused_by_csrf_leaves_no_ciphertext(evidence_officer, package, stored_before):
    """A forged form: the browser sends its cookies, but not the token. The body has been
    streamed (and encrypted) by the time the token is checked; the file must go."""
    response = csrf_client(evidence_officer).post(url(package), {"file": png_part()})
    assert response.status_code == 403
    assert_nothing_stored(stored_before)


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param(lambda: {"file": png_part(), "attachment": png_part("b.png", 2)}, id="after"),
        pytest.param(lambda: {"attachment": png_part("b.png", 2), "file": png_part()}, id="before"),
        pytest.param(lambda: {"attachment": png_part()}, id="alone"),
    ],
)
def test_a_file_part_under_another_name_is_refused_and_nothing_kept(
    evidence_officer, package, stored_before, parts
):
    response = login(evidence_officer).post(url(package), parts())
    assert response.status_code == 302
    assert "One evidence file per upload" in messages_of(response)
    assert_nothing_stored(stored_before)


def test_two_file_parts_are_refused_and_nothing_kept(evidence_officer, package, stored_before):
    response = login(evidence_officer).post(
        url(package), {"file": [png_part("a.png", 1), png_part("b.png", 2)]}
    )
    assert response.status_code == 302
    assert "One evidence file per upload" in messages_of(response)
    assert_nothing_stored(stored_before)


def test_a_failure_while_recording_leaves_no_ciphertext(
    evidence_officer, package, stored_before, monkeypatch
):
    """Not only a refusal (ApplicationError): any exception before the row exists."""

    def broken(**_kwargs):
        raise RuntimeError("database gone (synthetic)")

    monkeypatch.setattr(services, "item_record", broken)
    with pytest.raises(RuntimeError):
        login(evidence_officer).post(url(package), {"file": png_part()})
    assert_nothing_stored(stored_before)


# --- Huge images and the PDQ hash ----------------------------------------------------


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """9000 x 9000 pixels in a few hundred KB: generated lines on black, 1-bit, so making
    it costs ~10 MB, where decoding it to RGB for PDQ costs ~2 GiB and seconds."""
    from PIL import Image, ImageDraw

    image = Image.new("1", (9000, 9000))
    draw = ImageDraw.Draw(image)
    for offset in range(0, 9000, 211):
        draw.line((0, offset, 9000, 9000 - offset), fill=1, width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def decoded(monkeypatch):
    """The sizes of the images Pillow is asked to decode. A decode is refused at once (so
    a failing test is quick), which the PDQ code swallows: hence the record."""
    from PIL import ImageFile

    sizes = []

    def load(image):
        sizes.append(image.size)
        raise MemoryError("decoding refused by the test")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


def test_a_huge_image_is_refused_before_it_is_decoded_and_nothing_kept(
    evidence_officer, package, huge_png, decoded, stored_before
):
    """A few hundred KB declaring 9000 x 9000 pixels: refused with a clear message from
    its header alone (decoding it would cost ~2 GiB and seconds), nothing stored."""
    assert len(huge_png) < 1_000_000
    response = login(evidence_officer).post(
        url(package), {"file": SimpleUploadedFile("huge.png", huge_png)}, follow=True
    )
    (message,) = [str(m) for m in response.context["messages"]]
    assert "81.0 megapixels" in message and "ZIP" in message
    assert not EvidenceItem.objects.exists()
    assert decoded == []
    assert ciphertexts() == stored_before


def test_the_pixel_cap_is_a_setting(evidence_officer, package, settings, decoded):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 100 * 100
    login(evidence_officer).post(
        url(package), {"file": SimpleUploadedFile("c.png", synthetic_png(128, 128, seed=3))}
    )
    assert not EvidenceItem.objects.exists()
    assert decoded == []


def test_an_image_under_the_cap_still_gets_its_pdq_hash(evidence_officer, package, settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 128 * 128
    login(evidence_officer).post(
        url(package), {"file": SimpleUploadedFile("c.png", synthetic_png(128, 128, seed=3))}
    )
    assert len(EvidenceItem.objects.get().pdq) == 64
