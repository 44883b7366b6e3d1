"""The option × variant matrix: which training options each registered variant takes.

    nice -n 10 python benchmarks/option_matrix.py --markdown          # all of them
    python benchmarks/option_matrix.py --variants dcgan lsgan --options ema ada
    python benchmarks/option_matrix.py --variants sgan --tracebacks   # FAILs in full

For every registered variant (`ganzoo.registry.variants()`) and every option below,
builds the variant with its tiny test networks (`Variant.tiny`) plus the option, then
`compile()`s it with its defaults, fits one epoch of 16 random images in [-1, 1]
(batches of 8 per discriminator step, so 8 × `d_steps` per dataset batch), checks that
the logs are finite and are the model's `log_names()`, saves it to `.keras` in a
temporary folder, loads it with `keras.saving.load_model` and checks that the loaded
model's weights equal the trained model's. Every cell starts from
`keras.utils.set_random_seed(0)` and a cleared session.

Each cell is one of:
- `yes`: every step passed, and the trained weights or the generated images differ
  from the `none` cell's (same seed, same data), so the option did something;
- `default`: every step passed and nothing changed, because the variant's defaults
  already set the option (ProGAN and StyleGAN2 have an EMA of their own);
- `refused: <message>`: the constructor (`for_images`) or `compile()` raised a
  `ValueError` of ganzoo's own (the option is offered but refused for this variant);
- `not offered`: the variant has no such argument (a `TypeError` for an unexpected
  keyword, or Keras' `ValueError: Unrecognized keyword arguments passed to ...`, which
  is what an argument that falls through to `keras.Model` gives);
- `FAIL (<stage>): <exception type>: <message>`: anything else, in any stage, including
  non-finite or missing logs, a save/load weight mismatch, and `FAIL (ignored)`: the
  option was accepted but the model trained to exactly the `none` cell's weights and
  generates the same images.

The tables show short labels; the messages follow them as numbered notes. The data
of each kind (`Variant.data`) mirrors the tests' tiny data (`tests/conftest.py`'s
`tiny_images`): images; `(images, labels)` with labels in `[0, num_classes)` (SGAN: half
of them `-1`, unlabelled); aligned `(a, b)` pairs (`ganzoo.data.aligned_pairs`);
unpaired domains zipped by `ganzoo.data.paired`. The column `none` is the variant
without any option, so a variant's own failure is told from an option's. The total
process CPU time (both cores counted) is printed last.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

IMAGES = 16  # images per epoch (per discriminator step's share)
BATCH = 8  # images per discriminator step
SEED = 0

#: option name -> the `for_images` arguments it adds.
OPTIONS: dict[str, dict[str, Any]] = {
    "none": {},
    "label_smoothing": {"label_smoothing": 0.1},
    "instance_noise": {"instance_noise": 0.1, "instance_noise_steps": 10},
    "feature_matching": {"feature_matching": 1.0},
    "diffaugment": {"augment": "diffaugment"},
    "ada": {"augment": "ada"},
    "ema": {"ema": 0.999},
    "minibatch_std": {"minibatch_std": True},
    "minibatch_discrimination": {"minibatch_discrimination": 4},
    "spectral_norm": {"spectral_norm": True},
}

#: short labels of the tables, per outcome kind.
SHORT = {
    "yes": "yes",
    "default": "default",
    "refused": "refused",
    "not offered": "not offered",
    "FAIL": "FAIL",
}


@dataclass
class Cell:
    """The outcome of one (variant, option) cell.

    Args:
        kind: `"yes"`, `"default"`, `"refused"`, `"not offered"` or `"FAIL"`.
        message: `"refused: ..."` / `"FAIL (stage): Type: ..."`; empty otherwise.
        seconds: process CPU seconds the cell took.
        trace: the formatted traceback of a FAIL.
        weights: the model's weights after training (for the `ignored` check).
        config: the model's `get_config()` (for the `ignored` check).
    """

    kind: str
    message: str = ""
    seconds: float = 0.0
    trace: str = field(default="", repr=False)
    weights: list = field(default_factory=list, repr=False)
    config: dict = field(default_factory=dict, repr=False)

    @property
    def outcome(self) -> str:
        """The cell as the matrix states it: `yes`, `refused: ...`, `not offered`, `FAIL ...`."""
        return self.message or self.kind


class CheckError(Exception):
    """A check of the cell failed (non-finite logs, mismatched weights, ...)."""


def first_line(error: BaseException) -> str:
    """The first non-empty line of `error`'s message."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else ""


def is_not_offered(error: BaseException) -> bool:
    """Whether `error` says that the variant takes no such keyword argument."""
    text = str(error)
    if isinstance(error, TypeError):
        return "unexpected keyword argument" in text
    return isinstance(error, ValueError) and text.startswith("Unrecognized keyword arguments")


def make_data(variant, gan) -> Any:
    """A tiny batched dataset of `variant`'s data kind for `gan` (two batches)."""
    import tensorflow as tf

    import ganzoo
    from ganzoo.models.sgan import SGAN

    shape = tuple(variant.tiny["image_shape"])
    batch = BATCH * int(getattr(gan, "d_steps", 1))
    count = IMAGES * int(getattr(gan, "d_steps", 1))
    rng = np.random.default_rng(SEED)

    def images(seed_offset: int = 0) -> np.ndarray:
        generator = np.random.default_rng(SEED + seed_offset)
        return generator.uniform(-1, 1, size=(count, *shape)).astype("float32")

    if variant.data == "images":
        return tf.data.Dataset.from_tensor_slices(images()).batch(batch, drop_remainder=True)
    if variant.data == "labelled":
        labels = rng.integers(0, int(variant.tiny["num_classes"]), size=(count,)).astype("int32")
        if issubclass(variant.cls, SGAN):
            labels[1::2] = -1  # half of them unlabelled
        return tf.data.Dataset.from_tensor_slices((images(), labels)).batch(
            batch, drop_remainder=True
        )
    if variant.data == "paired":
        return ganzoo.data.aligned_pairs(images(0), images(1), batch, seed=SEED)
    if variant.data == "unpaired":
        domain_a = tf.data.Dataset.from_tensor_slices(images(0))
        domain_b = tf.data.Dataset.from_tensor_slices(images(1))
        return ganzoo.data.paired(domain_a, domain_b, batch, seed=SEED)
    raise ValueError(f"Unknown data kind {variant.data!r} of {variant.name!r}.")


def check_logs(gan, history: dict[str, list[float]]) -> None:
    """Raises `CheckError` unless the logs are the model's `log_names()`, all finite."""
    expected = set(gan.log_names())
    if set(history) != expected:
        missing, extra = sorted(expected - set(history)), sorted(set(history) - expected)
        raise CheckError(f"logs differ from log_names(): missing {missing}, extra {extra}")
    bad = {k: v for k, v in history.items() if not all(math.isfinite(float(x)) for x in v)}
    if bad:
        raise CheckError(f"non-finite logs {bad}")


def check_round_trip(gan, path: str) -> None:
    """Saves `gan` to `path`, loads it, and raises `CheckError` unless the weights match."""
    import keras

    gan.save(path)
    loaded = keras.saving.load_model(path)
    if type(loaded) is not type(gan):
        raise CheckError(f"loaded a {type(loaded).__name__}, saved a {type(gan).__name__}")
    if len(loaded.weights) != len(gan.weights):
        raise CheckError(f"{len(loaded.weights)} weights loaded, {len(gan.weights)} saved")
    for saved, restored in zip(gan.weights, loaded.weights, strict=True):
        if not np.array_equal(np.asarray(saved), np.asarray(restored)):
            raise CheckError(f"loaded weight {restored.path} differs from {saved.path}")


def run_cell(variant, option: str) -> Cell:
    """Builds, compiles, fits, saves and loads `variant` with `option`; never raises."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    start = time.process_time()
    stage = "build"

    def done(kind: str, message: str = "", trace: str = "") -> Cell:
        return Cell(kind, message, time.process_time() - start, trace)

    try:
        gan = variant.build_tiny(seed=SEED, **OPTIONS[option])
        stage = "compile"
        gan.compile()
    except (TypeError, ValueError) as error:
        if is_not_offered(error):
            return done("not offered")
        if isinstance(error, ValueError):
            return done("refused", f"refused: {first_line(error)}")
        return done("FAIL", f"FAIL ({stage}): TypeError: {first_line(error)}", _trace())
    except Exception as error:
        return done(
            "FAIL", f"FAIL ({stage}): {type(error).__name__}: {first_line(error)}", _trace()
        )
    try:
        stage = "data"
        data = make_data(variant, gan)
        stage = "fit"
        history = gan.fit(data, epochs=1, verbose=0).history
        stage = "logs"
        check_logs(gan, history)
        stage = "save/load"
        with tempfile.TemporaryDirectory() as tmp:
            check_round_trip(gan, os.path.join(tmp, f"{variant.name}_{option}.keras"))
    except Exception as error:
        return done(
            "FAIL", f"FAIL ({stage}): {type(error).__name__}: {first_line(error)}", _trace()
        )
    cell = done("yes")
    cell.weights, cell.config = fingerprint(gan), gan.get_config()
    return cell


def fingerprint(gan) -> list[np.ndarray]:
    """What an option that acts must change: the trained weights, and the images
    `generate` makes (which an EMA changes without changing the training)."""
    arrays = [np.asarray(w) for w in gan.trainable_weights]
    # Translators (CycleGAN, Pix2Pix) refuse to generate without images.
    with contextlib.suppress(ValueError):
        arrays.append(np.asarray(gan.generate(4, seed=0)))
    return arrays


def is_default(options: dict[str, Any], config: dict[str, Any]) -> bool:
    """Whether the variant's config without options already holds these values. A
    variant that has an EMA of its own counts for `ema=`: with the ramp-up, the decay
    only shows after more steps than this run has."""

    def same(key: str, value: Any) -> bool:
        if key == "ema":
            return config.get("ema") is not None
        return key in config and config[key] == value

    return all(same(key, value) for key, value in options.items())


def same_weights(one: list, two: list) -> bool:
    """Whether two models' weight lists are identical."""
    return len(one) == len(two) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(one, two, strict=True)
    )


def _trace() -> str:
    return traceback.format_exc()


def table(
    rows: dict[str, dict[str, Cell]], options: list[str], markdown: bool
) -> tuple[str, list[str]]:
    """The matrix as text (or Markdown) with short labels, and its numbered notes."""
    notes: list[str] = []

    def label(cell: Cell) -> str:
        if not cell.message:
            return SHORT[cell.kind]
        if cell.message not in notes:
            notes.append(cell.message)
        return f"{SHORT[cell.kind]} [{notes.index(cell.message) + 1}]"

    body = [[name, *(label(cells[o]) for o in options)] for name, cells in rows.items()]
    header = ["variant", *options]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        notes = [note.replace("|", "\\|") for note in notes]
    else:
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *body]
        ]
    return "\n".join(lines), [f"[{i}] {note}" for i, note in enumerate(notes, 1)]


def main(argv: list[str] | None = None) -> int:
    """Runs the matrix; returns 1 when some cell FAILed, else 0."""
    from ganzoo import registry

    names = registry.names()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", nargs="+", choices=names, default=names, metavar="V")
    parser.add_argument(
        "--options",
        nargs="+",
        choices=list(OPTIONS),
        default=list(OPTIONS),
        metavar="O",
        help=f"of {list(OPTIONS)}",
    )
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--tracebacks", action="store_true", help="print each FAIL's traceback")
    args = parser.parse_args(argv)

    cpu, wall = time.process_time(), time.perf_counter()
    rows: dict[str, dict[str, Cell]] = {}
    for name in args.variants:
        variant = registry.get(name)
        rows[name] = {}
        for option in args.options:
            cell = run_cell(variant, option)
            baseline = rows[name].get("none")
            if (
                option != "none"
                and cell.kind == "yes"
                and baseline is not None
                and baseline.kind == "yes"
                and same_weights(cell.weights, baseline.weights)
            ):
                if is_default(OPTIONS[option], baseline.config):
                    cell.kind = "default"
                else:
                    cell.kind = "FAIL"
                    cell.message = "FAIL (ignored): the none cell's weights and images"
            if option != "none":
                cell.weights, cell.config = [], {}  # only the baseline's are kept
            rows[name][option] = cell
            print(
                f"{name:10s} {option:26s} {cell.seconds:6.1f} s CPU  {cell.outcome}",
                file=sys.stderr,
                flush=True,
            )
            if cell.trace and args.tracebacks:
                print(cell.trace, file=sys.stderr, flush=True)
    text, notes = table(rows, args.options, markdown=False)
    print(text, *notes, sep="\n")
    if args.markdown:
        text, notes = table(rows, args.options, markdown=True)
        print("", text, "", *notes, sep="\n")
    print(
        "\nnot offered: no such argument; refused: a ValueError of for_images or "
        "compile(); FAIL (stage): anything else"
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"total CPU time {cpu:.0f} s ({cpu / 60:.1f} min), wall {wall:.0f} s, "
        f"{sum(len(r) for r in rows.values())} cells"
    )
    failed = any(c.kind == "FAIL" for r in rows.values() for c in r.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
