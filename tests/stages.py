#!/usr/bin/env python3
"""The stage rule of ARCHITECTURE.md, checked against the code.

ARCHITECTURE.md lists the folders of src/flash in pipeline order; a stage may use only the stages
above it. This reads that order from the table, then fails (exit 1, one line per offence) when
  - a file under src/flash/<stage>/ includes "flash/<later stage>/...",
  - a flash_stage(... DEPS ...) in src/CMakeLists.txt links a later stage,
  - a folder of src/flash is missing from the table.
Registered in ctest as `stages` (label stages); run by hand as `python3 tests/stages.py`.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def stage_order() -> list[str]:
    order: list[str] = []
    for line in (ROOT / "ARCHITECTURE.md").read_text().splitlines():
        m = re.match(r"\|\s*`src/flash/([a-z_]+)/`", line)
        if m and m.group(1) not in order:
            order.append(m.group(1))
    return order


def main() -> int:
    order = stage_order()
    rank = {s: i for i, s in enumerate(order)}
    problems: list[str] = []
    src = ROOT / "src" / "flash"
    for folder in sorted(p.name for p in src.iterdir() if p.is_dir()):
        if folder not in rank:
            problems.append(f"src/flash/{folder}/ is not in the stage table of ARCHITECTURE.md")
    include = re.compile(r'^\s*#\s*include\s+"flash/([a-z_]+)/')
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h"):
            continue
        stage = path.relative_to(src).parts[0]
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = include.match(line)
            if not m or m.group(1) == stage or stage not in rank:
                continue
            used = m.group(1)
            if used not in rank or rank[used] > rank[stage]:
                problems.append(f"{path.relative_to(ROOT)}:{n}: stage {stage} includes {used}, "
                                f"which is not above it in ARCHITECTURE.md")
    cmake = (ROOT / "src" / "CMakeLists.txt").read_text()
    for m in re.finditer(r"flash_stage\(flash_([a-z_]+)\s+DIR\s+flash/[a-z_]+(.*?)\)", cmake, re.S):
        stage, rest = m.group(1), m.group(2)
        for dep in re.findall(r"\bflash_([a-z_]+)\b", rest):
            if stage in rank and dep in rank and rank[dep] >= rank[stage]:
                problems.append(f"src/CMakeLists.txt: flash_{stage} links flash_{dep}, which is not above it")
    for p in problems:
        print(p)
    print(f"stages: {len(order)} in order ({' > '.join(order)}); {len(problems)} offences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
