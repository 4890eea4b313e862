"""Screenshots of the triage desk for README.md, taken from the demo data with
Debian's chromium: ``manage.py screenshots [--out docs/screenshots]``."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case, TakedownOrder
from demo.seed import DEMO_PASSWORD
from takedown.core import otp
from takedown.core.models import TOTPDevice

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _signed_in(browser, base: str, username: str):
    """A page signed in through the real form: password, then the TOTP code."""
    device = TOTPDevice.objects.get(user__username=username)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your app, or a recovery code").fill(otp.totp(device.secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    return page


class Command(BaseCommand):
    help = "Take README screenshots of the triage queue and a case page (needs seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/screenshots")
        parser.add_argument("--username", default="officer.nl")

    def handle(self, *args, out: str, username: str, **options):
        from playwright.sync_api import sync_playwright

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
            with sync_playwright() as playwright:
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
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        self.stdout.write(self.style.SUCCESS(f"Screenshots written to {out}/"))
