"""Seconds per epoch that `ganzoo.callbacks.Diagnostics` adds, against a training epoch.

Loads a trained DCGAN (e.g. `ganzoo train dcgan --out runs/dcgan`), times one training
epoch on the digits and `Diagnostics.measure` (what the callback runs at each epoch's
end), alternating, and prints the medians.

    nice -n 10 python benchmarks/diagnostics_cost.py runs/dcgan/model.keras
"""

from __future__ import annotations

import sys
import time

import numpy as np

import ganzoo
from ganzoo.callbacks import Diagnostics

ROUNDS = 3


def main(path: str) -> None:
    gan = ganzoo.saving.load_model(path)
    data = ganzoo.data.load("digits", batch_size=32, seed=0)
    diagnostics = Diagnostics(data)
    diagnostics.set_model(gan)
    diagnostics.on_train_begin()
    diagnostics.measure(0)  # first call traces and loads the classifier
    gan.fit(data, epochs=1, verbose=0)  # first epoch traces the step
    epochs, measures = [], []
    for round_ in range(ROUNDS):
        start = time.perf_counter()
        gan.fit(data, epochs=1, verbose=0)
        epochs.append(time.perf_counter() - start)
        start = time.perf_counter()
        diagnostics.measure(round_ + 1)
        measures.append(time.perf_counter() - start)
    epoch, measure = float(np.median(epochs)), float(np.median(measures))
    print(
        f"training epoch {epoch:.2f} s, diagnostics {measure:.2f} s per epoch "
        f"({100 * measure / epoch:.1f} % of an epoch); medians of {ROUNDS}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
