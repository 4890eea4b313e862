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

from cases.models import Case
from demo.seed import DEMO_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"{base}/accounts/login/")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{base}/")
                page.goto(f"{base}/cases/")
                page.keyboard.press("j")
                page.screenshot(path=f"{out}/triage-queue.png", full_page=False)
                page.goto(f"{base}/cases/{case.reference}/")
                page.screenshot(path=f"{out}/case-page.png", full_page=True)
                page.goto(f"{base}/cases/board/")
                page.screenshot(path=f"{out}/deadlines-board.png", full_page=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        self.stdout.write(self.style.SUCCESS(f"Screenshots written to {out}/"))
