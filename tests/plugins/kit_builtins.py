#!/usr/bin/env python3
"""The conformance kit against every built-in generator (ctest plugin_kit_builtins, label plugin).

kit_builtins.py FLASH: asks `flash --json plugins` for the built-in generators — the generator table
itself, so a new built-in joins without editing this test — and runs `flash plugin test builtin:NAME`
on each. Fails when one does not conform, or when fewer than the three of the first release
(go, js, python) are listed.
"""
import json
import subprocess
import sys
import tempfile

flash = sys.argv[1]
with tempfile.TemporaryDirectory() as cwd:  # no flash.toml: only the built-ins and PATH
    r = subprocess.run([flash, "--json", "plugins"], cwd=cwd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit(f"flash plugins: exit {r.returncode}\n{r.stderr}")
    builtins = [p["name"] for p in json.loads(r.stdout)["plugins"] if p.get("kind") == "builtin"]
    print("built-in generators:", ", ".join(builtins))
    missing = {"builtin:go", "builtin:js", "builtin:python"} - set(builtins)
    if missing:
        sys.exit(f"not listed: {sorted(missing)}")
    failed = []
    for name in builtins:
        k = subprocess.run([flash, "plugin", "test", name], cwd=cwd, capture_output=True, text=True, timeout=300)
        print(k.stdout.strip().splitlines()[-1] if k.stdout.strip() else "", f"(exit {k.returncode})")
        if k.returncode != 0:
            failed.append(name)
            print(k.stdout, k.stderr)
    sys.exit(f"do not conform: {failed}" if failed else 0)
