"""The ADA figure of docs/augmentation.md: eight digits through `ganzoo.augment.ADA`.

One row per p in 0, 0.3, 0.6 and 1.0: the same eight digits (the first of each class
0-7 of the offline digits at 32×32) through the `bgc` pipeline at that p, with the same
draws in every row (so a row differs from the one above only where a transform's gate
opened), scaled 3× with nearest neighbours. Writes `docs/images/ada_p.png`.

    PYTHONPATH=$PWD python scripts/make_ada_figure.py
"""

from __future__ import annotations

import argparse

import numpy as np

PS = (0.0, 0.3, 0.6, 1.0)


def augmented_rows(seed: int = 0) -> np.ndarray:
    """`(len(PS) · 8, 32, 32, 1)` images in [-1, 1], row by row."""
    import keras
    import tensorflow as tf

    from ganzoo.augment import ADA
    from ganzoo.data.digits import load_digits_arrays

    images, labels = load_digits_arrays(32)
    digits = tf.constant(np.stack([images[np.flatnonzero(labels == k)[0]] for k in range(8)]))
    rows = []
    for p in PS:
        augment = ADA(initial_p=p)
        generator = keras.random.SeedGenerator(seed)

        def draw(sampler, shape, generator=generator, **kwargs):
            return sampler(tuple(shape), seed=generator, **kwargs)

        rows.append(np.asarray(augment.augment(digits, draw)))
    return np.clip(np.concatenate(rows), -1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/images/ada_p.png")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from ganzoo.callbacks.image_grid import image_grid, save_png

    picture = image_grid(augmented_rows(args.seed), columns=8)
    save_png(np.repeat(np.repeat(picture, 3, axis=0), 3, axis=1), args.out)
    print(f"wrote {args.out}: rows p = {', '.join(str(p) for p in PS)}")


if __name__ == "__main__":
    main()
