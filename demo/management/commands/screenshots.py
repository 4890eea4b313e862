"""Screenshots of the triage desk for README.md, taken from the demo data with
Debian's chromium: ``manage.py screenshots [--out docs/screenshots]``."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cases.models import Case, TakedownOrder
from demo.seed import DEMO_PASSWORD
from takedown.core import otp
from takedown.core.models import TOTPDevice, User

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _signed_in(browser, base: str, username: str, *, width: int = 1400):
    """A page signed in through the real form: password, then the TOTP code (asked in
    the user's own language)."""
    device = TOTPDevice.objects.select_related("user").get(user__username=username)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    with translation.override(device.user.language or "en"):
        code_label = translation.gettext("Code from your app, or a recovery code")
        go = translation.gettext("Continue")
    page.get_by_label(code_label).fill(otp.totp(device.secret))
    page.get_by_role("button", name=go).click()
    page.wait_for_url(f"{base}/")
    return page


@contextmanager
def speaking(languages: dict[str, str]):
    """The demo users in these languages while the pictures are taken, then as before."""
    before = dict(User.objects.filter(username__in=languages).values_list("username", "language"))
    try:
        for username, language in languages.items():
            User.objects.filter(username=username).update(language=language)
        yield
    finally:
        for username, language in before.items():
            User.objects.filter(username=username).update(language=language)


class Command(BaseCommand):
    help = (
        "Take README screenshots: queue, case page, board, prosecutor's queue and order, a "
        "German start page and the queue on a phone (needs seed_demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/screenshots")
        parser.add_argument("--username", default="officer.nl")

    def handle(self, *args, out: str, username: str, **options):
        from playwright.sync_api import sync_playwright

        # Playwright's sync API runs an event loop in this thread; the queries here are
        # plain synchronous ones between its calls.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

        chromium = shutil.which("chromium")
        if chromium is None:
            raise CommandError("Debian's chromium is needed: apt-get install chromium")
        case = (
            Case.objects.filter(status="assessed", lead_desk__members__username=username)
            .order_by("id")
            .first()
        )
        if case is None:
            raise CommandError("No assessed demo case of that officer: run seed_demo first.")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    # Our own server on http://127.0.0.1, never a user-supplied URL.
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310  # nosec B310
                    break
                except OSError:
                    time.sleep(0.2)
            Path(out).mkdir(parents=True, exist_ok=True)
            # English for the README's main pictures; one page in German (a German
            # officer's start page, in their own language) and one on a phone.
            with sync_playwright() as playwright, speaking({username: "en", "prosecutor.nl": "en"}):
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = _signed_in(browser, base, username)
                page.goto(f"{base}/cases/")
                page.keyboard.press("j")
                page.screenshot(path=f"{out}/triage-queue.png", full_page=False)
                page.goto(f"{base}/cases/{case.reference}/")
                page.screenshot(path=f"{out}/case-page.png", full_page=True)
                page.goto(f"{base}/cases/board/")
                page.screenshot(path=f"{out}/deadlines-board.png", full_page=True)
                prosecutor = _signed_in(browser, base, "prosecutor.nl")
                prosecutor.goto(f"{base}/orders/")
                prosecutor.screenshot(path=f"{out}/prosecutor-queue.png", full_page=True)
                order = TakedownOrder.objects.filter(issuing_authority__jurisdiction="NL").first()
                if order is not None:
                    prosecutor.goto(f"{base}/orders/{order.pk}/")
                    prosecutor.screenshot(path=f"{out}/order.png", full_page=True)
                german = _signed_in(browser, base, "officer.de")
                german.screenshot(path=f"{out}/home-de.png", full_page=True)
                phone = _signed_in(browser, base, username, width=390)
                phone.goto(f"{base}/cases/")
                phone.screenshot(path=f"{out}/queue-phone.png", full_page=False)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        self.stdout.write(self.style.SUCCESS(f"Screenshots written to {out}/"))
