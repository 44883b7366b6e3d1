"""VAE-GAN on the offline digits: are reconstructions the right digit, are samples digits?

    python benchmarks/vaegan_digits.py                          # 1500 steps, seed 0
    python benchmarks/vaegan_digits.py --steps 500,1500 --gamma 5e-5,1e-3
    python benchmarks/vaegan_digits.py --pictures docs/images   # also the docs' pictures

Trains `ganzoo.VAEGAN` (the paper's losses and RMSprop(3e-4) on all three players;
CPU-sized DCGAN-family widths `--base-filters`, `--latent-dim`) on the bundled digits
at 32×32×1 without the last 200, which are held out, and at each checkpoint prints:
- `recon accuracy`: the share of the 200 held-out digits whose reconstruction
  `Dec(μ(x))` ganzoo's digits classifier (`ganzoo.metrics.digits_classifier`) reads as
  the digit it came from (the real held-out digits' accuracy for reference);
- `FD ratio`: the Fréchet distance between 1,000 real digits and 1,000 prior samples on
  the classifier's features (`extractor="digits"`, as `ganzoo.testing.learning`), over
  the untrained model's.
Times are process CPU seconds of training (both cores count) and wall seconds.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

HELD_OUT = 200
SAMPLES = 1000


def _accuracy(classifier, images, labels) -> float:
    predicted = np.argmax(classifier.predict(np.clip(images, -1, 1), verbose=0), axis=1)
    return float(np.mean(predicted == labels))


def _distance(gan, real_statistics, seed: int) -> float:
    from ganzoo.metrics import fid

    samples = np.clip(np.asarray(gan.generate(SAMPLES, seed=seed + 1)), -1, 1)
    return float(fid(real_statistics, samples, extractor="digits"))


def write_pictures(gan, test_x, out: str) -> None:
    """`vaegan_reconstructions.png` (rows of 8 held-out digits, then their
    reconstructions) and `vaegan_prior_samples.png` (64 prior samples), 2× enlarged."""
    from ganzoo.callbacks import image_grid, save_png

    originals = test_x[:32].reshape(4, 8, *test_x.shape[1:])
    decoded = np.asarray(gan.reconstruct(test_x[:32])).reshape(originals.shape)
    rows = np.stack([originals, decoded], axis=1).reshape(-1, *test_x.shape[1:])
    for name, images in (("reconstructions", rows), ("prior_samples", gan.generate(64, seed=0))):
        picture = image_grid(np.asarray(images), columns=8)
        save_png(np.repeat(np.repeat(picture, 2, axis=0), 2, axis=1), f"{out}/vaegan_{name}.png")


def run(args, seed: int, gamma: float) -> None:
    import keras
    import tensorflow as tf

    import ganzoo
    from ganzoo.data.digits import load_digits_arrays
    from ganzoo.metrics import compute_statistics
    from ganzoo.metrics.digits_classifier import load_digits_classifier

    classifier = load_digits_classifier()
    images, labels = load_digits_arrays(32)
    train_x, test_x, test_y = images[:-HELD_OUT], images[-HELD_OUT:], labels[-HELD_OUT:]
    real_statistics = compute_statistics(images[:SAMPLES], "digits")
    keras.utils.set_random_seed(seed)
    gan = ganzoo.VAEGAN.for_images(
        (32, 32, 1),
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        gamma=gamma,
        adversarial_loss=args.loss,
        seed=seed,
    )
    gan.compile()
    data = (
        tf.data.Dataset.from_tensor_slices(train_x)
        .shuffle(len(train_x), seed=seed)
        .repeat()
        .batch(args.batch_size, drop_remainder=True)
    )
    untrained = _distance(gan, real_statistics, seed)
    print(
        f"seed {seed} gamma {gamma:g} loss {args.loss}: untrained FD {untrained:.1f}, real "
        f"held-out accuracy {_accuracy(classifier, test_x, test_y):.3f}",
        flush=True,
    )
    done, cpu, wall = 0, 0.0, 0.0
    for steps in sorted(int(s) for s in args.steps.split(",")):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        gan.fit(data, epochs=1, steps_per_epoch=steps - done, verbose=0)
        cpu += time.process_time() - start_cpu
        wall += time.perf_counter() - start_wall
        done = steps
        accuracy = _accuracy(classifier, np.asarray(gan.reconstruct(test_x)), test_y)
        distance = _distance(gan, real_statistics, seed)
        print(
            f"  steps {steps}: recon accuracy {accuracy:.3f} | FD {distance:.1f} ratio "
            f"{distance / untrained:.3f} | {cpu:.0f} s CPU, {wall:.0f} s wall",
            flush=True,
        )
    if args.pictures:
        write_pictures(gan, test_x, args.pictures)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="1500", help="comma-separated checkpoints (1500)")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (0)")
    parser.add_argument("--gamma", default="5e-5", help="comma-separated gammas (5e-5)")
    parser.add_argument("--loss", default="minimax", help="adversarial loss (minimax)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step (64)")
    parser.add_argument("--base-filters", type=int, default=16, help="network width (16)")
    parser.add_argument("--latent-dim", type=int, default=32, help="size of z (32)")
    parser.add_argument("--pictures", default=None, help="folder for the docs' pictures")
    args = parser.parse_args(argv)
    for seed in (int(s) for s in args.seeds.split(",")):
        for gamma in (float(g) for g in args.gamma.split(",")):
            run(args, seed, gamma)


if __name__ == "__main__":
    main()
