"""The diagnostics figure: what `ganzoo.callbacks.Diagnostics` logs for a healthy and a
collapsed DCGAN on the offline digits.

Both runs train the main job's DCGAN (32×32×1, latent 100, batch 32) for `--epochs`
epochs of `--steps` generator steps with `Diagnostics` (the digits classifier for
`modes_covered`); the collapsed run's generator ignores its latent (its input is
multiplied by 0, so every sample is the same learnt image). Prints each run's
warnings and writes `docs/images/diagnostics_curves.png`: `modes_covered`,
`sample_diversity`, D's accuracies and `g_grad_norm` per epoch.

    PYTHONPATH=$PWD nice -n 10 python scripts/make_diagnostics_figure.py --epochs 6 --steps 56
"""

from __future__ import annotations

import argparse

SHAPE, LATENT, BATCH, SEED = (32, 32, 1), 100, 32, 0
PANELS = (
    ("modes_covered", "classes covered (of 10)"),
    ("sample_diversity", "sample diversity (fakes / real)"),
    ("d_real_accuracy", "D accuracy on real"),
    ("g_grad_norm", "generator gradient norm"),
)


def latent_ignoring_generator(image_shape: tuple[int, int, int], latent_dim: int):
    """A generator collapsed by construction: every latent gives the same image."""
    import keras
    import numpy as np

    z = keras.Input((latent_dim,))
    constant = keras.layers.Lambda(lambda t: t * 0.0)(z)
    x = keras.layers.Dense(int(np.prod(image_shape)), activation="tanh")(constant)
    return keras.Model(z, keras.layers.Reshape(image_shape)(x), name="collapsed_generator")


def train(collapsed: bool, epochs: int, steps: int):
    """`(history, warnings)` of one run with `Diagnostics`."""
    import keras

    import ganzoo
    from ganzoo.callbacks import Diagnostics

    keras.utils.set_random_seed(SEED)
    gan = ganzoo.DCGAN.for_images(SHAPE, latent_dim=LATENT, seed=SEED)
    if collapsed:
        generator = latent_ignoring_generator(SHAPE, LATENT)
        gan = ganzoo.DCGAN(generator, gan.discriminator, latent_dim=LATENT, seed=SEED)
    gan.compile()
    data = ganzoo.data.load("digits", batch_size=BATCH, seed=SEED, repeat=True)
    diagnostics = Diagnostics(data, verbose=0)
    history = gan.fit(
        data, epochs=epochs, steps_per_epoch=steps, callbacks=[diagnostics], verbose=0
    )
    return history.history, diagnostics.warnings


def plot(runs: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(PANELS), figsize=(4 * len(PANELS), 3.2))
    for axis, (key, title) in zip(axes, PANELS, strict=True):
        for name, (history, _) in runs.items():
            values = history[key]
            axis.plot(range(1, len(values) + 1), values, marker="o", label=name)
        axis.set_title(title)
        axis.set_xlabel("epoch")
        if key == "g_grad_norm":
            axis.set_yscale("log")
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--steps", type=int, default=56, help="generator steps per epoch")
    parser.add_argument("--out", default="docs/images/diagnostics_curves.png")
    args = parser.parse_args(argv)
    if args.epochs < 2 or args.steps < 1:
        parser.error(f"expected --epochs >= 2 and --steps >= 1; got {args.epochs}, {args.steps}")
    runs = {}
    for name, collapsed in (("healthy DCGAN", False), ("latent-ignoring generator", True)):
        runs[name] = train(collapsed, args.epochs, args.steps)
        history, warnings = runs[name]
        print(
            f"{name}: " + ", ".join(f"{k} {[round(v, 3) for v in history[k]]}" for k, _ in PANELS)
        )
        for epoch, kind, message in warnings:
            print(f"  epoch {epoch}: {kind}: {message}")
    plot(runs, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
