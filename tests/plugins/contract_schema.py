#!/usr/bin/env python3
"""The JSON Schemas of docs/ against real messages (ctest plugin_contract_schema, label plugin).

Every golden request (`flash plugin request --engine E`) must validate against
docs/plugin-request.schema.json, and every response — of each built-in generator exposed as an
in-process plugin (`flash plugin run builtin:X`) and of the example plugin — against
docs/plugin-response.schema.json. The schemas must also reject what Flash rejects (a file outside
`out`, a diagnostic without a code), so they are not vacuous.
    contract_schema.py FLASH_BINARY
"""
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from flash_run import run_flash  # noqa: E402

ENGINES = ["postgresql", "mysql", "sqlite"]
GENERATORS = ["builtin:go", "builtin:js", "builtin:python", str(ROOT / "examples/plugins/flash-gen-markdown")]


def validator(name):
    schema = json.loads((ROOT / "docs" / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def flash_json(flash, args):
    r = run_flash(flash, args, cwd=str(ROOT), timeout=120)
    if r.returncode != 0:
        raise SystemExit(f"flash {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def main():
    flash = sys.argv[1]
    req_v, resp_v = validator("plugin-request.schema.json"), validator("plugin-response.schema.json")
    failures, checked = [], 0
    for engine in ENGINES:
        req = flash_json(flash, ["plugin", "request", "--engine", engine])
        for e in req_v.iter_errors(req):
            failures.append(f"request {engine}: {e.json_path}: {e.message}")
        checked += 1
        for gen in GENERATORS:
            resp = flash_json(flash, ["plugin", "run", gen, "--engine", engine])
            if not resp["files"]:
                failures.append(f"response {gen} {engine}: no files")
            for e in resp_v.iter_errors(resp):
                failures.append(f"response {gen} {engine}: {e.json_path}: {e.message}")
            checked += 1
    bad = [{"files": [{"name": "../up.txt", "contents": ""}]},
           {"files": [{"name": "/etc/x", "contents": ""}]},
           {"files": [], "diagnostics": [{"message": "no code"}]},
           {"files": [{"name": "a", "contents": 1}]}]
    for b in bad:
        if resp_v.is_valid(b):
            failures.append(f"the response schema accepts {json.dumps(b)}")
    for f in failures:
        print(f)
    print(f"contract schema: {checked} real messages validated, {len(bad)} bad responses rejected, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
