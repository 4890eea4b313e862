"""Generate the typed Python client for platforms, clients/python/, from the OpenAPI
document, with openapi-python-client (the dev extra).

    python clients/generate.py                 # rewrite clients/python/ (make client)
    python clients/generate.py --check         # exit 1 if it is stale (make client-check)
    python clients/generate.py --schema F.json # from a saved document instead of the app

Without --schema the document is the one the app serves at /api/schema/, made by
``manage.py spectacular`` (settings: $DJANGO_SETTINGS_MODULE, by default the test
settings, which need no database or secrets). The same document always gives
byte-identical files: the generator's settings are in clients/python-config.yaml, its
README template in clients/templates/, and its formatter is the ruff pinned in
constraints.txt. tests/clients/test_python_client.py runs the same comparison on the
document the app serves.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CLIENTS = Path(__file__).resolve().parent
ROOT = CLIENTS.parent
OUTPUT = CLIENTS / "python"
CONFIG = CLIENTS / "python-config.yaml"
TEMPLATES = CLIENTS / "templates"
HINT = "run `make client` and commit clients/python/"

# Never part of the generated tree (what its .gitignore ignores, and tool caches): a
# client installed in place, or byte-compiled, is still the same client.
IGNORED_NAMES = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", "build", "dist"}
IGNORED_SUFFIXES = (".pyc", ".egg-info")


class GenerationFailed(Exception):
    """The generator (or its ruff post hook) failed: the client was not generated."""


def ignored(relative: Path) -> bool:
    return any(part in IGNORED_NAMES or part.endswith(IGNORED_SUFFIXES) for part in relative.parts)


def files(root: Path) -> set[Path]:
    """Every file of a generated tree, relative to its root."""
    if not root.exists():
        return set()
    return {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not ignored(path.relative_to(root))
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """What differs between a freshly generated tree and a committed one, byte for byte,
    one line per file, sorted: ``changed``, ``new`` (generated, not in ``actual``) or
    ``stale`` (in ``actual``, no longer generated)."""
    want, have = files(expected), files(actual)
    found = [f"new: {path}" for path in want - have]
    found += [f"stale: {path}" for path in have - want]
    found += [
        f"changed: {path}"
        for path in want & have
        if not filecmp.cmp(expected / path, actual / path, shallow=False)
    ]
    return sorted(found, key=lambda line: (line.split(": ", 1)[1], line))


def app_schema(into: Path) -> Path:
    """The document the app serves, written to ``into`` by ``manage.py spectacular``."""
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "takedown.settings.test")
    result = subprocess.run(  # noqa: S603 (fixed arguments, this interpreter)
        [sys.executable, "manage.py", "spectacular", "--format", "openapi-json", "--file", into],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise GenerationFailed(f"manage.py spectacular failed:\n{result.stderr}")
    if result.stderr.strip():
        print(result.stderr.strip(), file=sys.stderr)
    return into


def generate(schema: Path, output: Path) -> str:
    """Generate the client for ``schema`` into ``output`` (which must not exist).
    Returns the generator's warnings (empty when there are none): endpoints or models it
    could not express are left out of the client, so a warning is worth reading."""
    if output.exists():
        raise GenerationFailed(f"{output} exists: generate into a new directory")
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("ruff", path=bin_dir) is None:
        # Another ruff (or none: the generator skips a missing hook with a warning)
        # would format the files differently.
        raise GenerationFailed(f"no ruff beside {sys.executable}: install the dev extra")
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONHASHSEED": "0",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "COLUMNS": "200",
    }
    result = subprocess.run(  # noqa: S603 (fixed arguments, this interpreter)
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema),
            "--config",
            str(CONFIG),
            "--custom-template-path",
            str(TEMPLATES),
            "--meta",
            "setup",
            "--output-path",
            str(output),
        ],
        cwd=output.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not output.is_dir():
        raise GenerationFailed(
            f"openapi-python-client failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stderr.strip()


def sync(source: Path, target: Path) -> list[str]:
    """Make ``target``'s generated files those of ``source``; leaves ignored files (an
    in-place install's egg-info, caches) alone. Returns what changed."""
    changed = differences(source, target)
    for path in files(target) - files(source):
        (target / path).unlink()
    for path in files(source):
        if not (target / path).exists() or not filecmp.cmp(
            source / path, target / path, shallow=False
        ):
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / path, target / path)
    for directory in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if stale")
    parser.add_argument("--schema", type=Path, help="an OpenAPI document (JSON or YAML)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="takedown-client-") as tmp:
        work = Path(tmp)
        try:
            schema = args.schema.resolve() if args.schema else app_schema(work / "schema.json")
            warnings = generate(schema, work / "python")
        except GenerationFailed as exc:
            print(exc, file=sys.stderr)
            return 2
        if warnings:
            print(f"openapi-python-client warnings:\n{warnings}", file=sys.stderr)
        if args.check:
            stale = differences(work / "python", OUTPUT)
            if stale:
                print(f"clients/python/ is not what the schema generates ({HINT}):")
                print("\n".join(f"  {line}" for line in stale))
                return 1
            print("clients/python/ matches the schema.")
            return 0
        changed = sync(work / "python", OUTPUT)
    print(f"clients/python/: {len(changed)} file(s) differed from the schema's client")
    for line in changed:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
