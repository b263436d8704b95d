"""Running the real flash binary on scratch projects, with stable keys for its failures."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from flash_run import TimeoutExpired, run_flash  # noqa: E402

TIMEOUT = 300

TOML = """version = "2"
schema_dir = "db/schema"
queries = "db/queries"
migrations_path = "db/migrations"

[database]
provider = "{provider}"
url_env = "DATABASE_URL"
"""


class FlashError(Exception):
    """A failed flash command: `key` is stable across runs (no ids, paths or database names)."""

    def __init__(self, key: str, detail: str):
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail


def make_project(root: str, engine: str, files: list[tuple[str, str]]) -> None:
    """A scratch Flash project; `files` are (source path, name in schema_dir), copied byte for byte."""
    shutil.rmtree(root, ignore_errors=True)
    for d in ("db/schema", "db/migrations", "db/queries"):
        os.makedirs(os.path.join(root, d))
    with open(os.path.join(root, "flash.toml"), "w", encoding="utf-8") as f:
        f.write(TOML.format(provider=engine))
    for src, name in files:
        shutil.copyfile(src, os.path.join(root, "db", "schema", name))


def scrub(text: str, replace: dict[str, str]) -> str:
    for k, v in replace.items():
        text = text.replace(k, v)
    # The proof's scratch database (`flash_prove_<pid>_<n>_<random>`) and the engine's version.
    text = re.sub(r"\b(PostgreSQL|MySQL|SQLite) \S.*?(, scratch database flash_prove_\d+_\d+_\d+| in memory)",
                  r"\1 <scratch>", text)
    text = re.sub(r"\b\d{14}(_\w+)?", "<id>", text)  # migration ids / file names
    text = re.sub(r"0x[0-9a-f]{6,}", "<addr>", text)
    return re.sub(r"\s+", " ", text).strip()


def key_message(msg: str) -> str:
    """The part of a message that names the problem, without positions that shift with unrelated changes
    (statement numbers, generated file names and lines)."""
    msg = re.sub(r"^migration <id> failed at statement \d+ of \d+: ", "", msg)
    msg = re.sub(r" \(<work>[^)]*\)?$", "", msg)
    msg = re.sub(r"\bat statement \d+ of \d+", "at statement <k>", msg)
    return msg[:200]


class Flash:
    def __init__(self, binary: str):
        self.binary = binary

    def run(self, project: str, args: list[str], url: str) -> tuple[int, dict | None, str, str]:
        p = run_flash(self.binary, ["--json", "--no-color"] + args, cwd=project, env={"DATABASE_URL": url},
                      timeout=TIMEOUT)
        doc = None
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            pass
        return p.returncode, doc, p.stdout, p.stderr

    def ok(self, project: str, args: list[str], url: str, replace: dict[str, str], what: str) -> dict:
        """Runs a command that must succeed; a failure raises FlashError keyed by its diagnostic."""
        try:
            rc, doc, out, err = self.run(project, args, url)
        except TimeoutExpired:
            raise FlashError(f"{what}: timeout", f"flash {' '.join(args)} ran over {TIMEOUT}s") from None
        if rc == 0 and doc is not None and doc.get("ok", True):
            return doc
        if rc < 0:
            raise FlashError(f"{what}: crashed (signal {-rc})", scrub(err[-400:], replace))
        e = (doc or {}).get("error") or {}
        if e:
            msg = scrub(e.get("message") or "", replace)
            where = e.get("file") or ""
            loc = f"{scrub(where, replace)}:{e.get('line')}" if where else ""
            key = f"{what}: {e.get('code') or 'error'}: {key_message(msg)}"
            return _raise(key, f"exit {rc}: {msg} {loc} {scrub(e.get('hint') or '', replace)}".strip())
        raise FlashError(f"{what}: exit {rc}", scrub((err or out)[-400:], replace))


def _raise(key: str, detail: str):
    raise FlashError(key, detail)
