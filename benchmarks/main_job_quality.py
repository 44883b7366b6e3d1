"""The main job's quality: Fréchet distance of `ganzoo train dcgan` as a multiple of the floor.

Trains the main job's model (DCGAN on the offline digits at 32×32×1, batch 32, latent
100, 56 steps per epoch) with each listed configuration of the training options, and
after each listed epoch prints the Fréchet distance on ganzoo's digits classifier
(1,000 samples against the first 1,000 digits, as `benchmarks/ema_quality.py`) and
its multiple of the real-vs-real floor: 1,000 digits against the other 797, the mean
of three random splits, printed first.

    nice -n 10 python benchmarks/main_job_quality.py --configs default diffaugment --seeds 0 1
    nice -n 10 python benchmarks/main_job_quality.py --list
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np

import ganzoo
from ganzoo.data.digits import load_digits_arrays
from ganzoo.metrics import compute_statistics, fid

SIZE, BATCH, SAMPLES = 32, 32, 1000

# Constructor options of `DCGAN.for_images`, by name.
CONFIGS = {
    "default": {},
    "diffaugment": {"augment": "diffaugment"},
    "ada": {"augment": "ada"},
    "label_smoothing": {"label_smoothing": 0.1},
    "instance_noise": {"instance_noise": 0.1, "instance_noise_steps": 1680},
    "minibatch_std": {"minibatch_std": True},
    "ema": {"ema": 0.999, "ema_rampup": 0.05},
    "feature_matching": {"feature_matching": 1.0},
    "wide": {"base_filters": 64},
    "wide_diffaugment": {"base_filters": 64, "augment": "diffaugment"},
    "diffaugment_ema": {"augment": "diffaugment", "ema": 0.999, "ema_rampup": 0.05},
}


def floor(images: np.ndarray, splits: int = 3) -> float:
    """Mean Fréchet distance of 1,000 random digits against the other 797."""
    rng = np.random.default_rng(0)
    scores = []
    for _ in range(splits):
        order = rng.permutation(len(images))
        scores.append(float(fid(images[order[:SAMPLES]], images[order[SAMPLES:]], "digits")))
    return float(np.mean(scores))


def run(name: str, seed: int, epochs: list[int], real, floor_fd: float) -> None:
    keras.utils.set_random_seed(seed)
    gan = ganzoo.DCGAN.for_images((SIZE, SIZE, 1), seed=seed, **CONFIGS[name])
    gan.compile()
    data = ganzoo.data.load("digits", batch_size=BATCH, image_size=SIZE, seed=seed)
    done, start = 0, time.process_time()
    for target in epochs:
        gan.fit(data, initial_epoch=done, epochs=target, verbose=0)
        done = target
        score = float(fid(real, np.clip(gan.generate(SAMPLES, seed=99), -1, 1), "digits"))
        print(
            f"{name} seed {seed} epoch {target}: FD {score:.1f} = {score / floor_fd:.1f}x floor "
            f"({time.process_time() - start:.0f} CPU-s)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["default"], choices=sorted(CONFIGS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--list", action="store_true", help="print the configurations")
    args = parser.parse_args()
    if args.list:
        for name, options in CONFIGS.items():
            print(f"{name}: {options}")
        return
    images = load_digits_arrays(SIZE)[0]
    floor_fd = floor(images)
    print(f"real-vs-real floor: FD {floor_fd:.2f}", flush=True)
    real = compute_statistics(images[:SAMPLES], "digits")
    for name in args.configs:
        for seed in args.seeds:
            run(name, seed, sorted(args.epochs), real, floor_fd)


if __name__ == "__main__":
    main()
