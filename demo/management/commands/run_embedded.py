"""Start the web server, a Celery worker and the beat scheduler together on the
embedded default (SQLite, filesystem broker). Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import print_logins


class Command(BaseCommand):
    help = "Run web, worker and beat in one terminal (the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options):
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "takedown"]
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                *celery,
                "worker",
                "--pool=threads",
                "--concurrency=4",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "--loglevel=INFO",
            ],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603

        # The address and the logins last, once the web server answers and the worker's
        # banner is out, so they are the last thing on the screen.
        ready = _wait_until_answering(f"http://{host}:{port}/healthz", children)
        time.sleep(2)
        self.stdout.write(
            self.style.SUCCESS(
                f"\nTakedown is running at http://{host}:{port}/"
                if ready
                else f"\nTakedown is starting at http://{host}:{port}/ (not answering yet)"
            )
        )
        print_logins(self.stdout)
        self.stdout.write("Press Ctrl-C to stop the web server, the worker and beat.\n")

        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                exited = [n for n, p in children.items() if p.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} stopped; stopping the others.")
                    break
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        self.stdout.write("Stopped.")


def _wait_until_answering(url: str, children: dict, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # nosec B310
                return True
        except OSError:
            time.sleep(0.5)
    return False
