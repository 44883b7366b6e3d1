"""Pix2Pix on the offline digits-edges pairs: are translated edge maps the right digit?

    python benchmarks/pix2pix_digits_edges.py                        # 300 steps, seed 0
    python benchmarks/pix2pix_digits_edges.py --steps 300,1000 --seeds 0,1

Trains `ganzoo.Pix2Pix` (paper defaults: λ = 100, halved D loss, Adam(2e-4, 0.5),
dropout 0.5, the 16×16 PatchGAN at 32 px; CPU-sized widths `--filters`) on the Sobel
edge maps of the bundled digits → the digits (`ganzoo.data.digits_edges`, 32×32×1,
the last 200 pairs held out), and at each checkpoint translates the 200 held-out edge
maps and prints:
- `accuracy`: the share that ganzoo's digits classifier (`ganzoo.metrics.
  digits_classifier`) reads as the digit the edges came from;
- `l1`: the mean |G(a) - b| on the held-out pairs, in [-1, 1] units;
- the same two for an L1-only U-Net of the same size (the same generator and
  optimizer, trained on λ·L1 alone, no discriminator), and the classifier's
  accuracy on the real held-out digits for reference.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def _accuracy(classifier, images, labels) -> float:
    predicted = np.argmax(classifier.predict(np.clip(images, -1, 1), verbose=0), axis=1)
    return float(np.mean(predicted == labels))


def _evaluate(generator, classifier, test_a, test_b, test_y) -> tuple[float, float]:
    translated = np.asarray(generator(test_a, training=False))
    return _accuracy(classifier, translated, test_y), float(np.abs(translated - test_b).mean())


def _l1_only(gan_options: dict, image_shape, seed: int):
    """The same U-Net, trained by λ·L1 alone with the same optimizer."""
    import keras

    import ganzoo

    keras.utils.set_random_seed(seed)
    generator = ganzoo.Pix2Pix.for_images(image_shape, **gan_options).generator
    generator.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mae")
    return generator


def run(seed: int, checkpoints: list[int], batch_size: int, filters: int) -> None:
    import keras

    import ganzoo
    from ganzoo.metrics.digits_classifier import load_digits_classifier

    classifier = load_digits_classifier()
    train_a, train_b, test_a, test_b, _, test_y = ganzoo.data.digits_edges(32, with_labels=True)
    options = {"filters": filters, "discriminator_filters": filters}
    keras.utils.set_random_seed(seed)
    gan = ganzoo.Pix2Pix.for_images((32, 32, 1), **options, seed=seed)
    gan.compile()
    baseline = _l1_only(options, (32, 32, 1), seed)
    data = ganzoo.data.aligned_pairs(train_a, train_b, batch_size, seed=seed)
    real = _accuracy(classifier, test_b, test_y)
    done, seconds = 0, 0.0
    for steps in checkpoints:
        stream = data.repeat().take(steps - done)
        start = time.process_time()
        gan.fit(stream, epochs=1, verbose=0)
        seconds += time.process_time() - start
        baseline.fit(stream, epochs=1, verbose=0)
        done = steps
        accuracy, l1 = _evaluate(gan.generator, classifier, test_a, test_b, test_y)
        l1_accuracy, l1_l1 = _evaluate(baseline, classifier, test_a, test_b, test_y)
        print(
            f"seed {seed} steps {steps}: pix2pix accuracy {accuracy:.3f} l1 {l1:.4f} | "
            f"L1-only U-Net accuracy {l1_accuracy:.3f} l1 {l1_l1:.4f} | real digits "
            f"{real:.3f} | pix2pix CPU {seconds:.0f} s",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="300", help="comma-separated checkpoints (300)")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (0)")
    parser.add_argument("--batch-size", type=int, default=16, help="pairs per step (16)")
    parser.add_argument("--filters", type=int, default=16, help="ngf = ndf (16; paper 64)")
    args = parser.parse_args(argv)
    checkpoints = sorted(int(s) for s in args.steps.split(","))
    for seed in (int(s) for s in args.seeds.split(",")):
        run(seed, checkpoints, args.batch_size, args.filters)


if __name__ == "__main__":
    main()
