"""Generator EMA on the main job: Fréchet distance of EMA and raw samples, and its cost.

Trains `ganzoo train dcgan`'s default model (DCGAN on the offline digits at 32×32×1,
batch 32, latent 100) with `ema=DECAY`, and after the listed epochs prints the Fréchet
distance (ganzoo's digits classifier, 1,000 samples against 1,000 real digits) of
`generate()` (EMA) and `generate(ema=False)` (the raw generator): both come from the
same run, so they differ by the average alone. `--cost` instead times epochs with and
without the EMA, alternating, and prints the median ratio. `--figure PATH` writes the
first seed's raw and EMA samples after the last epoch side by side (same latents).

    nice -n 10 python benchmarks/ema_quality.py --seeds 0 1 2 --epochs 10 30
    nice -n 10 python benchmarks/ema_quality.py --epochs 10 --figure docs/images/ema_samples.png
    nice -n 10 python benchmarks/ema_quality.py --cost --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import keras
import numpy as np

import ganzoo
from ganzoo.callbacks import image_grid, save_png
from ganzoo.data.digits import load_digits_arrays
from ganzoo.metrics import compute_statistics, fid

SIZE, BATCH, SAMPLES = 32, 32, 1000


def _model(seed: int, ema: float | None, rampup: float | None):
    keras.utils.set_random_seed(seed)
    gan = ganzoo.DCGAN.for_images((SIZE, SIZE, 1), ema=ema, ema_rampup=rampup, seed=seed)
    gan.compile()
    return gan


def _data(seed: int):
    return ganzoo.data.load("digits", batch_size=BATCH, image_size=SIZE, seed=seed)


def save_figure(gan, path: str) -> None:
    """Raw (left) and EMA (right) samples of the same 64 latents, 8 × 8 each."""
    raw, ema = (image_grid(gan.generate(64, seed=7, ema=e), columns=8) for e in (False, True))
    gap = np.full((raw.shape[0], 16, raw.shape[2]), 255, np.uint8)
    save_png(np.concatenate([raw, gap, ema], axis=1), path)
    print(f"wrote {path} (left: raw generator, right: EMA)")


def quality(
    seed: int, epochs: list[int], decay: float, rampup: float | None, real, figure=None
) -> None:
    gan, data, done = _model(seed, decay, rampup), _data(seed), 0
    for target in epochs:
        gan.fit(data, initial_epoch=done, epochs=target, verbose=0)
        done = target
        scores = {
            name: float(fid(real, np.clip(gan.generate(SAMPLES, seed=99, ema=e), -1, 1), "digits"))
            for name, e in (("ema", True), ("raw", False))
        }
        print(
            f"seed {seed} epoch {target}: FD ema {scores['ema']:.1f} raw {scores['raw']:.1f} "
            f"(decay {decay}, rampup {rampup})",
            flush=True,
        )
    if figure:
        save_figure(gan, figure)


def cost(rounds: int, decay: float) -> None:
    models = {"raw": _model(0, None, None), "ema": _model(0, decay, 0.05)}
    data = _data(0)
    for gan in models.values():
        gan.fit(data, epochs=1, verbose=0)  # traces and warms up
    times = {name: [] for name in models}
    for _ in range(rounds):
        for name, gan in models.items():
            start = time.perf_counter()
            gan.fit(data, epochs=1, verbose=0)
            times[name].append(time.perf_counter() - start)
    ratios = [e / r for e, r in zip(times["ema"], times["raw"], strict=True)]
    print(f"epoch seconds raw {times['raw']} ema {times['ema']}")
    print(f"EMA step cost: median ratio {statistics.median(ratios):.3f} over {rounds} rounds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--decay", type=float, default=0.999)
    parser.add_argument("--rampup", type=float, default=0.05, help="<= 0: no ramp-up")
    parser.add_argument("--cost", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--figure", help="PNG of the first seed's raw and EMA samples")
    args = parser.parse_args()
    if args.cost:
        cost(args.rounds, args.decay)
        return
    real = compute_statistics(load_digits_arrays(SIZE)[0][:SAMPLES], "digits")
    rampup = args.rampup if args.rampup > 0 else None
    for i, seed in enumerate(args.seeds):
        figure = args.figure if i == 0 else None
        quality(seed, sorted(args.epochs), args.decay, rampup, real, figure)


if __name__ == "__main__":
    main()
