"""Every catalogue complete and compiled: the strings the code has today (extracted in a
copy of the source tree, so the check changes nothing), each translated in every
language of LANGUAGES, none fuzzy, and the committed .mo saying what the .po says.

`make messages` brings the catalogues up to date; this is what CI runs."""

from __future__ import annotations

import gettext
import shutil

# The gettext tools and manage.py, with fixed arguments.
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# What makemessages reads: the apps and templates, not tests, benchmarks or clients.
EXTRACTED = ("takedown", "liaison", "cases", "evidence", "deadlines", "demo", "templates")
SOURCE_LANGUAGE = "en"


def _catalogue(mo: Path) -> dict:
    with mo.open("rb") as fh:
        catalogue = dict(gettext.GNUTranslations(fh)._catalog)
    catalogue.pop("", None)  # the header: its dates change with every extraction
    return catalogue


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError("The gettext tools are needed (Debian: apt-get install gettext).")
    return path


def _entries(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects (--untranslated, --only-fuzzy), the header left out."""
    out = subprocess.run(  # noqa: S603  # nosec B603
        [_tool("msgattrib"), *flags, "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    msgids = []
    for block in out.split("\n\n"):
        lines = block.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("msgid ")), None)
        if start is None:
            continue
        text = lines[start].removeprefix("msgid ").strip('"')
        for line in lines[start + 1 :]:
            if not line.startswith('"'):
                break
            text += line.strip('"')
        if text:
            msgids.append(text)
    return msgids


class Command(BaseCommand):
    help = "Fail if a catalogue misses a translation or its compiled file is stale."

    def handle(self, *args, **options):
        msgfmt = _tool("msgfmt")
        base = Path(settings.BASE_DIR)
        languages = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp)
            for name in (*EXTRACTED, "locale"):
                shutil.copytree(base / name, copy / name, ignore=shutil.ignore_patterns("*.pyc"))
            shutil.copy(base / "manage.py", copy / "manage.py")
            subprocess.run(  # nosec B603
                [sys.executable, "manage.py", "makemessages", "--all", "--verbosity", "0"],
                cwd=copy,
                check=True,
            )
            for code in languages:
                po = copy / "locale" / code / "LC_MESSAGES" / "django.po"
                committed = base / "locale" / code / "LC_MESSAGES" / "django.mo"
                if not po.exists():
                    problems.append(f"{code}: no catalogue (make messages)")
                    continue
                for label, flag in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
                    problems += [f"{code}: {label}: {msgid[:100]}" for msgid in _entries(po, flag)]
                compiled = po.with_suffix(".mo")
                subprocess.run(  # noqa: S603  # nosec B603
                    [msgfmt, "--check", "-o", str(compiled), str(po)], check=True
                )
                if not committed.exists() or _catalogue(committed) != _catalogue(compiled):
                    problems.append(
                        f"{code}: {committed.relative_to(base)} is stale (make messages)"
                    )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} translation problem(s); see above.")
        self.stdout.write(f"Translations complete: {', '.join(languages)}.")
