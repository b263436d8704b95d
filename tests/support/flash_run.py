"""Running the real flash binary from the Python tests (the Python twin of flash_run.hpp): no TTY
(stdin from /dev/null), NO_COLOR set, output captured, a timeout. The one runner of the Python
tests (tests/fidelity, tests/corpus)."""

from __future__ import annotations

import os
import subprocess

TimeoutExpired = subprocess.TimeoutExpired


def run_flash(binary: str, args: list[str], cwd: str | None = None, env: dict[str, str] | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess:
    """`binary args...` in `cwd` with `env` added to the environment; raises TimeoutExpired."""
    full_env = dict(os.environ)
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    return subprocess.run([str(binary)] + [str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=timeout, stdin=subprocess.DEVNULL)
