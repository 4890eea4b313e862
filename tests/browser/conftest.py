import os
import shutil

import pytest

from tests.conftest import service_unavailable

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        service_unavailable("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def sign_in(page, live_server, username: str, password: str = "correct-horse-battery") -> None:
    """The real sign-in: password, then the TOTP code of an enrolled device."""
    from django.utils import timezone

    from takedown.core import otp
    from takedown.core.models import TOTPDevice, User

    user = User.objects.get(username=username)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": otp.new_secret(), "confirmed_at": timezone.now()}
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/**")
    page.get_by_label("Code from your app, or a recovery code").fill(otp.totp(device.secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
