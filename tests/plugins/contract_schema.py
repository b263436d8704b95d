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
import shutil
import sys
import tempfile

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


# An external plugin that keeps the request it receives (through the real `flash gen` of a MongoDB
# project, which no golden request covers) and answers with no files.
CAPTURE = """#!/usr/bin/env python3
import json, pathlib, sys
if "--flash-contract" in sys.argv:
    print(json.dumps({"contract_versions": [1]}))
    sys.exit(0)
pathlib.Path(__file__).with_name("request.json").write_text(sys.stdin.read())
print(json.dumps({"contract_version": 1, "files": []}))
"""


def mongo_request(flash):
    with tempfile.TemporaryDirectory(prefix="flash-contract-mongo") as tmp:
        d = pathlib.Path(tmp)
        shutil.copytree(ROOT / "tests/clients/mongo/project/db", d / "db")
        (d / "flash.toml").write_text('version = "2"\nschema_dir = "db/schema"\n[database]\nprovider = "mongodb"\n'
                                      '[gen.capture]\nenabled = true\nout = "gen"\nplugin = "./capture.py"\n')
        (d / "capture.py").write_text(CAPTURE)
        (d / "capture.py").chmod(0o755)
        r = run_flash(flash, ["gen"], cwd=str(d), timeout=120)
        if r.returncode != 0:
            raise SystemExit(f"flash gen (MongoDB, capturing plugin) exited {r.returncode}: {r.stderr}")
        return json.loads((d / "request.json").read_text())


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
    req = mongo_request(flash)
    for e in req_v.iter_errors(req):
        failures.append(f"request mongodb: {e.json_path}: {e.message}")
    if req.get("dialect") != "mongodb" or len(req.get("documents", {}).get("collections", [])) != 5:
        failures.append("request mongodb: no documents with the project's 5 collections")
    checked += 1
    broken = json.loads(json.dumps(req))
    broken["documents"]["types"][0]["fields"][0]["type"] = {"bson": "integer"}
    if req_v.is_valid(broken):
        failures.append("the request schema accepts bson type `integer`")
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
