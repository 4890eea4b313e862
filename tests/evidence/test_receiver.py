"""The receiving country end to end with its own key: it generates the key pair with the
standalone tool, registers only the public half, receives an export, verifies it and
decrypts every file, with nothing but the two standalone files and ``cryptography``
(an interpreter started without site-packages: Django is not importable there)."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cryptography
import pytest
from django.core.management import CommandError, call_command

from liaison.choices import KeyPurpose
from liaison.keys import current_key
from liaison.models import AuthorityKey
from takedown.core.choices import Role
from tests.conftest import login
from tests.evidence.test_exports import LOG, PNG, export, upload
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SITE = Path(cryptography.__file__).resolve().parents[1]
BOOT = (
    "import runpy, sys; deps, tools = sys.argv[1:3]; sys.path[:0] = [deps, tools]; "
    "sys.argv = [tools + '/receiver.py', *sys.argv[3:]]; "
    "runpy.run_path(tools + '/receiver.py', run_name='__main__')"
)


@pytest.fixture
def sealed(evidence_officer, package):
    client = login(evidence_officer)
    upload(client, package, PNG, "capture.png")
    upload(client, package, LOG, "capture.log")
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    package.refresh_from_db()
    return package


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    """The two files a receiving country is given, and cryptography with what it needs."""
    base = tmp_path_factory.mktemp("receiving-country")
    tools, deps = base / "tools", base / "deps"
    tools.mkdir()
    for name in ("verify.py", "receiver.py"):
        shutil.copy(ROOT / "evidence" / name, tools / name)
    deps.mkdir()
    for entry in SITE.iterdir():
        if entry.name.startswith(("cryptography", "cffi", "_cffi_backend", "pycparser")):
            copy = shutil.copytree if entry.is_dir() else shutil.copy
            copy(entry, deps / entry.name)
    return tools, deps


def run_tool(standalone, *args, cwd: Path) -> subprocess.CompletedProcess[str]:
    tools, deps = standalone
    return subprocess.run(
        [sys.executable, "-S", "-c", BOOT, str(deps), str(tools), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        timeout=120,
    )


def test_the_tools_run_with_cryptography_alone(standalone, tmp_path):
    _tools, deps = standalone
    probe = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(deps)!r}]; import django"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    assert probe.returncode != 0 and "No module named 'django'" in probe.stderr
    assert run_tool(standalone, "--help", cwd=tmp_path).returncode == 0


def test_a_receiver_with_its_own_key_verifies_and_decrypts_an_export(
    standalone, tmp_path, evidence_officer, sealed, network
):
    receiver = AuthorityFactory(jurisdiction=network["nl"], name="NL police (own key)")
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    export_form = page.split(f"/evidence/{sealed.reference}/export/", 1)[1].split("</form>")[0]
    assert "NL police (own key)" not in export_form  # no key yet: not offered

    generated = run_tool(standalone, "generate", "nl-police", cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    key_file, pub_file = tmp_path / "nl-police.key", tmp_path / "nl-police.pub"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert run_tool(standalone, "generate", "nl-police", cwd=tmp_path).returncode == 2

    # The receiving desk's own officer registers the public half on its page.
    officer = UserFactory(authority=receiver, roles=[Role.LIAISON_OFFICER])
    response = login(officer).post(
        "/accounts/receiving-keys/", {"public_key": pub_file.read_text()}
    )
    assert response.status_code == 302, response.content
    registered = current_key(authority=receiver, purpose=KeyPurpose.ENCRYPTION)
    assert registered.public_key == pub_file.read_text().strip()
    # The issuer's database holds no private key of this receiver.
    assert registered.held_by_authority
    assert all(k.private_key == "" for k in AuthorityKey.objects.filter(authority=receiver))
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    assert "NL police (own key)" in page.split("/export/", 1)[1].split("</form>")[0]

    response = export(login(evidence_officer), sealed, receiver)
    assert response.status_code == 200, response.content
    package = tmp_path / "export.zip"
    package.write_bytes(b"".join(response.streaming_content))
    issuer = tmp_path / "issuer.pub"
    issuer.write_text(current_key(authority=sealed.collecting_authority).public_key)

    out = tmp_path / "files"
    extracted = run_tool(
        standalone,
        "extract",
        str(package),
        "--trusted-key",
        str(issuer),
        "--key",
        str(key_file),
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert extracted.returncode == 0, extracted.stdout + extracted.stderr
    assert "VERDICT: VERIFIED" in extracted.stdout
    written = sorted(p for p in out.rglob("*") if p.is_file())
    expected = {item.sha256 for item in sealed.items.all()}
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in written} == expected
    assert {p.read_bytes() for p in written} == {PNG, LOG}

    # Another key cannot open it, and nothing is written.
    run_tool(standalone, "generate", "other", cwd=tmp_path)
    refused = run_tool(
        standalone,
        "extract",
        str(package),
        "--trusted-key",
        str(issuer),
        "--key",
        str(tmp_path / "other.key"),
        "--out",
        str(tmp_path / "nothing"),
        cwd=tmp_path,
    )
    assert refused.returncode == 1 and "Nothing was written" in refused.stdout
    assert not any((tmp_path / "nothing").iterdir())


def test_registering_refuses_what_is_not_a_public_key_and_a_key_twice(network, tmp_path):
    receiver = AuthorityFactory(jurisdiction=network["nl"])
    with pytest.raises(CommandError, match="Not an X25519 public key"):
        call_command(
            "authority_keys", "register", "--authority", str(receiver.pk), "--public-key", "abc"
        )
    assert not AuthorityKey.objects.filter(authority=receiver).exists()
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from evidence.verify import key_text

    public = key_text(X25519PrivateKey.generate().public_key()).strip()
    # "=": base64url text may begin with "-", which would read as an option otherwise.
    call_command(
        "authority_keys", "register", "--authority", str(receiver.pk), f"--public-key={public}"
    )
    with pytest.raises(CommandError, match="already registered"):
        call_command(
            "authority_keys", "register", "--authority", str(receiver.pk), f"--public-key={public}"
        )
