#!/usr/bin/env python3
"""bench/parts.py: what the split into parts costs and saves (README "Parts and packages").

  python3 bench/parts.py [--split build] [--aio build-aio] [--runs 40]

--split: a default build tree (bin/flash = the base, bin/flash-core = the core part).
--aio:   an all-in-one flash: by default bin/all-in-one/flash of the split tree (target
         flash_all_in_one, the same objects linked into one executable, built here when missing);
         a tree configured with -DFLASH_ALL_IN_ONE=ON gives the same binary.
Measures, printing one Markdown table each:
  1. stripped size of the base, of each part and of the all-in-one binary (`strip` of a copy);
  2. start-up: `flash --version` and `flash status` (a migrated SQLite project) through the base
     (base → exec → flash-core) vs the all-in-one binary vs flash-core called directly — `--runs`
     repeated runs each, interleaved, median and min wall time (hyperfine-style, no shell);
  3. an external generator vs a built-in one on bench/synth.py's project (1,000 tables, 5,000
     queries): `flash --force gen` with only [gen.markdown] = examples/plugins/flash-gen-markdown
     (Python) vs only the built-in [gen.python] vs only [gen.go], 3 runs each, median.
"""
import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
ap = argparse.ArgumentParser()
ap.add_argument("--split", default=str(ROOT / "build"))
ap.add_argument("--aio", default=None)
ap.add_argument("--runs", type=int, default=40)
ap.add_argument("--gen-runs", type=int, default=3)
a = ap.parse_args()
split = pathlib.Path(a.split)
AIO = pathlib.Path(a.aio) / "bin" / "flash" if a.aio else split / "bin" / "all-in-one" / "flash"
if not AIO.exists() and not a.aio:
    subprocess.run(["cmake", "--build", str(split), "--target", "flash_all_in_one", "-j", "2"], check=True)
BASE, CORE = split / "bin" / "flash", split / "bin" / "flash-core"
work = pathlib.Path(tempfile.mkdtemp(prefix="flash-bench-parts-"))
env = {**os.environ, "HOME": str(work / "home"), "NO_COLOR": "1"}
(work / "home").mkdir()


def stripped(exe: pathlib.Path) -> int:
    copy = work / ("s-" + exe.parent.name + "-" + exe.name)
    shutil.copy2(exe, copy)
    subprocess.run(["strip", str(copy)], check=True)
    return copy.stat().st_size


def mib(n: int) -> str:
    return f"{n / 1048576:.2f} MiB"


print("## Stripped sizes\n\n| executable | stripped | as built (RelWithDebInfo) |\n|---|---:|---:|")
parts = sorted(p for p in (split / "bin").glob("flash-*") if os.access(p, os.X_OK) and "test" not in p.name)
for exe, label in [(BASE, "flash (base)")] + [(p, p.name) for p in parts] + [(AIO, "flash (all-in-one)")]:
    print(f"| {label} | {mib(stripped(exe))} | {mib(exe.stat().st_size)} |")

proj = work / "proj"
proj.mkdir()
for cmd in (["init", "--sqlite"], ["migrate", "init"], ["apply"]):
    (proj / ".env").write_text("DATABASE_URL=sqlite://db/dev.db\n")
    subprocess.run([str(AIO), *cmd], cwd=proj, env=env, check=True, stdout=subprocess.DEVNULL)


def once(argv, cwd) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt = (time.perf_counter() - t0) * 1000
    if r.returncode != 0:
        sys.exit(f"{argv} exited {r.returncode}")
    return dt


print(f"\n## Start-up ({a.runs} runs each, interleaved; wall ms)\n")
print("| command | base → flash-core | all-in-one | flash-core direct |\n|---|---:|---:|---:|")
for args in (["--version"], ["status"]):
    times = {"base": [], "aio": [], "core": []}
    for exe in (BASE, AIO, CORE):  # warm the page cache
        once([str(exe), *args], proj)
    for _ in range(a.runs):
        for key, exe in (("base", BASE), ("aio", AIO), ("core", CORE)):
            times[key].append(once([str(exe), *args], proj))
    cell = lambda k: f"{statistics.median(times[k]):.2f} (min {min(times[k]):.2f})"  # noqa: E731
    print(f"| flash {' '.join(args)} | {cell('base')} | {cell('aio')} | {cell('core')} |")

synth = work / "synth"
subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(synth), "--tables", "1000", "--queries", "5000"],
               check=True, stdout=subprocess.DEVNULL)
toml = (synth / "flash.toml").read_text()
base_toml = re.sub(r"enabled = true", "enabled = false", toml)
plugin = ROOT / "examples" / "plugins" / "flash-gen-markdown"
variants = {
    "external plugin flash-gen-markdown (Python)": base_toml + f'\n[gen.markdown]\nplugin = "{plugin}"\nout = "gen/md"\nenabled = true\n',
    "built-in python": re.sub(r'(\[gen.python\]\nenabled = )false', r"\1true", base_toml),
    "built-in go": re.sub(r'(\[gen.go\]\nenabled = )false', r"\1true", base_toml),
}
print(f"\n## flash --force gen on the synthetic project (1,000 tables, 5,000 queries; {a.gen_runs} runs, median ms)\n")
print("| generator | through the base | all-in-one |\n|---|---:|---:|")
for name, text in variants.items():
    (synth / "flash.toml").write_text(text)
    cells = []
    for exe in (BASE, AIO):
        runs = []
        for _ in range(a.gen_runs):
            t0 = time.perf_counter()
            r = subprocess.run([str(exe), "--force", "gen"], cwd=synth, env=env, capture_output=True, text=True)
            runs.append((time.perf_counter() - t0) * 1000)
            if r.returncode != 0:
                sys.exit(f"gen with {name}: exit {r.returncode}\n{r.stderr[-2000:]}")
        cells.append(f"{statistics.median(runs):.0f}")
    print(f"| {name} | {' | '.join(cells)} |")
shutil.rmtree(work, ignore_errors=True)
