"""Wall seconds of the contract harness per variant and per check.

Runs every `tests/models/test_*.py::*::test_contract` in this process, one at a time
(no xdist), and prints the seconds `GANTestCase.run_gan_test` spent in each check
(`check_seconds`), the test's whole wall time and the process CPU seconds it used.
Run it on a quiet machine: the figures are wall times.

    python benchmarks/harness_time.py                 # every variant
    python benchmarks/harness_time.py -k "dcgan or wgan"
    python benchmarks/harness_time.py --tests tests/test_options_contract.py tests/test_ada.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ["outputs", "config", "fit", "saving", "bad_input", "strategy", "precision", "xla"]
CHECKS.append("resume")


class HarnessTimes:
    """A pytest plugin that keeps each contract test's `check_seconds`."""

    def __init__(self):
        self.rows: list[tuple[str, dict, float, float]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = yield
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        seconds = getattr(item.instance, "check_seconds", None)
        if outcome.excinfo is None and seconds is not None:
            name = Path(item.path).stem.removeprefix("test_")
            if hasattr(item, "callspec"):
                name += f"[{item.callspec.id}]"
            self.rows.append((name, seconds, wall, cpu))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default=None, help="a pytest -k expression on the test ids")
    parser.add_argument(
        "--tests", nargs="+", default=["tests/models"], help="test files or folders (tests/models)"
    )
    args = parser.parse_args(argv)
    plugin = HarnessTimes()
    pytest_args = ["-q", "-o", "addopts=", "-p", "no:cacheprovider"]
    pytest_args += [str(ROOT / path) for path in args.tests]
    pytest_args += ["-k", f"test_contract and ({args.k})" if args.k else "test_contract"]
    code = pytest.main(pytest_args, plugins=[plugin])
    print()
    print(f"| variant | {' | '.join(CHECKS)} | test wall s | CPU s |")
    print(f"|---|{'---:|' * (len(CHECKS) + 2)}")
    for name, seconds, wall, cpu in plugin.rows:
        cells = " | ".join(f"{seconds[c]:.1f}" if c in seconds else "–" for c in CHECKS)
        print(f"| {name} | {cells} | {wall:.1f} | {cpu:.1f} |")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
