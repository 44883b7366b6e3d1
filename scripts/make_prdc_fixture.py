"""Writes tests/testdata/prdc_reference.npz: features and the values of the authors' `prdc`.

The reference is `prdc.compute_prdc` of Naeem et al. (2020), PyPI `prdc==0.2`
(clovaai/generative-evaluation-prdc), which `tests/metrics/test_prdc.py` compares
`ganzoo.metrics.prdc` with, without needing the package at test time.

Run (the package only for this script: `pip install --no-deps prdc==0.2`):
    python scripts/make_prdc_fixture.py
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
from prdc import compute_prdc

OUT = Path(__file__).resolve().parents[1] / "tests" / "testdata" / "prdc_reference.npz"
KS = (1, 3, 5)


def main() -> None:
    rng = np.random.RandomState(2020)
    # Fakes shifted and narrower than the reals, with more of them than reals, so the
    # four values differ from each other and from 0 and 1.
    real = rng.normal(size=(300, 16))
    fake = 0.7 * rng.normal(size=(200, 16)) + 0.4
    values = {}
    for k in KS:
        with contextlib.redirect_stdout(io.StringIO()):  # compute_prdc prints the counts
            result = compute_prdc(real, fake, nearest_k=k)
        for name, value in result.items():
            values[f"{name}_k{k}"] = np.float64(value)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUT, real=real, fake=fake, ks=np.array(KS), **values)
    print(f"Wrote {OUT}: " + ", ".join(f"{n} {float(v):.6f}" for n, v in values.items()))


if __name__ == "__main__":
    main()
