"""Trains every registered variant briefly on the offline digits; writes the docs' pictures.

    python scripts/make_doc_images.py                        # all variants, ~18 CPU-minutes
    python scripts/make_doc_images.py --variants dcgan,cgan  # some of them
    python scripts/make_doc_images.py --quick --out /tmp/x --zoo /tmp/x/zoo.md  # smoke run

Each variant of `ganzoo.registry` trains on the bundled digits (32×32×1, no download)
for a fixed number of generator steps (`BUDGETS`; a variant added to the registry later
gets `DEFAULT_BUDGET` until it is given its own), then the script writes into `--out`
(`docs/images/`):

- `<name>_samples.png`: 64 samples of the generator (for an image-to-image variant,
  which has no latents, its `ImageGrid` picture: rows of `a, G(a), F(G(a)), b, F(b),
  G(F(b))` for CycleGAN, `edges, G(edges), digit` for Pix2Pix);
- `<name>_grid.png`: the variant's own `ImageGrid` layout when it differs from plain
  samples (CGAN: a row per class; InfoGAN: a traversal of the categorical code);
- `<name>_continuous<i>.png`: for a variant with continuous codes (InfoGAN), a
  traversal of code `i` from -2 to 2 along each row;
- `<name>_losses.png`: the losses of `History` against generator steps;
- `<name>_thumb.png`: 4×4 samples for the README's gallery;

and the table `--zoo` (`docs/zoo.md`): per variant its paper, data kind, options, the
Fréchet distance between real digits and its samples on the features of ganzoo's
digits classifier (`extractor="digits"`), generator steps, CPU (process) time and wall
time of training. It is a short CPU run for pictures, not a benchmark of the variants.

`--quick` trains each variant's tiny test networks (`Variant.tiny`, at 32×32×1) for a
few steps, for the test of this script. Rerun the script whenever a variant's defaults
change.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import importlib.util
import inspect
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np

import ganzoo
from ganzoo import registry
from ganzoo.base import GAN
from ganzoo.callbacks import ImageGrid, image_grid, save_png

ROOT = Path(__file__).resolve().parents[1]
CYCLEGAN_EXAMPLE = ROOT / "examples" / "cyclegan_horse2zebra.py"
IMAGE_SIZE = 32
IMAGE_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
NUM_CLASSES = 10
SEED = 0
SAMPLES = 64  # images in `<name>_samples.png`
GRID_N = 100  # images asked of `ImageGrid` (CGAN: 10 per class; InfoGAN: 10 rows)
TRANSLATION_ROWS = 4  # test pairs in an image-to-image variant's grid
THUMB = 16  # images in `<name>_thumb.png` (4×4)
TRAVERSAL_STEPS = 8
SCALE = 2  # pixels per image pixel in the docs' pictures (thumbnails: 1)
RESULTS_FILE = "zoo.json"


@dataclasses.dataclass(frozen=True)
class Budget:
    """How one variant trains for the pictures.

    Args:
        steps: generator steps in all.
        batch_size: images per generator step (a critic with `d_steps` critic steps
            reads `d_steps` times as many per generator step).
        options: `for_images` arguments beyond the image shape (CPU-sized networks).
        log_every: generator steps per Keras epoch, i.e. per point of the loss curve.
    """

    steps: int
    batch_size: int = 32
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    log_every: int = 50


# Sized so that each variant draws recognisable digits on a 2-core CPU: about 18
# CPU-minutes of training for all of them. Options shrink the networks where the
# defaults are for GPUs.
BUDGETS: dict[str, Budget] = {
    "vanilla": Budget(6000, 64, log_every=200),
    "dcgan": Budget(450, log_every=25),
    "cgan": Budget(300, log_every=25),
    "infogan": Budget(1000, 32, {"base_filters": 32}, log_every=50),
    "wgan_gp": Budget(400, 16, {"base_filters": 32}, log_every=20),
    "lsgan": Budget(800, 32, {"latent_dim": 32, "base_filters": 16}, log_every=50),
    "wgan": Budget(1000, 32, {"latent_dim": 32, "base_filters": 16}, log_every=50),
    "sngan": Budget(400, 16, {"base_filters": 16}, log_every=20),
    "cyclegan": Budget(
        250, 4, {"filters": 16, "residual_blocks": 2, "discriminator_filters": 16}, log_every=25
    ),
    "acgan": Budget(400, log_every=25),
    "r3gan": Budget(2400, 16, {"base_filters": 16}, log_every=100),
    "sgan": Budget(2000, 100, log_every=100),  # the few-label benchmark's longest budget
    "pix2pix": Budget(300, 16, {"filters": 16, "discriminator_filters": 16}, log_every=25),
    # gamma and the loss as benchmarks/vaegan_digits.py measured them at this width.
    "vaegan": Budget(
        300,
        64,
        {
            "latent_dim": 32,
            "base_filters": 16,
            "gamma": 1e-2,
            "adversarial_loss": "non_saturating",
        },
        log_every=25,
    ),
    "stylegan2": Budget(
        600, 32, {"latent_dim": 64, "channel_base": 1024, "channel_max": 64}, log_every=50
    ),
    # The learning budget's growth: 4x4 to 32x32 over 9,600 images, then 400 steps there.
    # 64-feature networks, 1,600 images per phase: 32x32 from step 600 of 1,000.
    "progan": Budget(
        1000,
        16,
        {
            "fmap_base": 1024,
            "fmap_max": 64,
            "stable_images": 1600,
            "fade_in_images": 1600,
            "ema_rampup": 0.05,
        },
        log_every=50,
    ),
}
DEFAULT_BUDGET = Budget(500)
QUICK_BUDGET = Budget(4, 8, log_every=2)
QUICK_FID_SAMPLES = 200


@dataclasses.dataclass
class Result:
    """One row of the zoo table (also kept in `<out>/zoo.json`)."""

    name: str
    cls: str
    paper: str
    data: str
    docs: str
    options: dict[str, Any]
    steps: int
    batch_size: int
    fid: float | None
    fid_note: str
    cpu_s: float
    wall_s: float
    files: list[str]  # file names in the picture folder
    quick: bool = False


# ---------------------------------------------------------------------- data


def _cyclegan_example():
    """The CycleGAN example module, whose offline `--dataset digits` domains are reused."""
    spec = importlib.util.spec_from_file_location("cyclegan_horse2zebra", CYCLEGAN_EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _repeat(dataset):
    """`dataset.repeat()`, keeping the cheap first batch that fit's input check reads."""
    return ganzoo.data.keep_preview(dataset.repeat(), dataset)


@dataclasses.dataclass
class Data:
    """What a variant trains on and is judged against."""

    train: Any  # an endless tf.data.Dataset of batches
    grid_inputs: tuple | None = None  # image-to-image variants: (test A, test B)
    # image-to-image: ((what, source images, direction, target images), ...); the first
    # goes into the table.
    fid_pairs: tuple = ()


_KNOWN_DOMAIN = "F(B) against A (white-on-black digits, as the classifier knows them)"
_INVERTED_DOMAIN = "G(A) against B (inverted digits, which the classifier never saw)"


def load_data(variant: registry.Variant, batch_size: int) -> Data:
    """The offline digits in the form `variant.data` asks for.

    Raises:
        NotImplementedError: for a data kind without an offline digits set.
    """
    if variant.data in ("images", "labelled"):
        dataset = ganzoo.data.load(
            "digits",
            batch_size=batch_size * variant.d_steps,
            seed=SEED,
            with_labels=variant.data == "labelled",
            repeat=True,
        )
        return Data(dataset)
    if variant.data == "unpaired":
        example = _cyclegan_example()
        args = example.build_parser().parse_args(["--dataset", "digits", "--seed", str(SEED)])
        train, test_a, test_b = example.load_data(args, IMAGE_SIZE, batch_size)
        train_a, train_b, _, _ = example._digits_domains(IMAGE_SIZE)
        return Data(
            _repeat(train),
            (test_a[:TRANSLATION_ROWS], test_b[:TRANSLATION_ROWS]),
            (
                (_KNOWN_DOMAIN, train_b, "b2a", train_a),
                (_INVERTED_DOMAIN, train_a, "a2b", train_b),
            ),
        )
    if variant.data == "paired":  # Sobel edge maps of the digits -> the digits
        train_a, train_b, test_a, test_b = ganzoo.data.digits_edges(IMAGE_SIZE)
        train = ganzoo.data.aligned_pairs(train_a, train_b, batch_size, seed=SEED)
        return Data(
            _repeat(train),
            (test_a[:TRANSLATION_ROWS], test_b[:TRANSLATION_ROWS]),
            (("G(edges) against the digits", train_a, "a2b", train_b),),
        )
    raise NotImplementedError(f"no offline digits set for data kind {variant.data!r}")


# ---------------------------------------------------------------------- pictures


def _has_own_grid(model: keras.Model) -> bool:
    """Whether `model.grid_images` lays out more than plain samples."""
    own = getattr(type(model), "grid_images", None)
    return own is not None and own is not GAN.grid_images


def _has_latents(model: keras.Model) -> bool:
    return getattr(model, "latent_dim", None) is not None


def _translate(model: keras.Model, images: np.ndarray, direction: str) -> np.ndarray:
    if callable(getattr(model, "translate", None)):
        out = model.translate(images, direction)
    else:
        out = model.generate(images=images, direction=direction)
    return np.clip(np.asarray(out, np.float32), -1.0, 1.0)


def plot_losses(history: dict[str, list[float]], log_every: int, title: str, path: str) -> None:
    """Draws every logged quantity of `History.history` against generator steps."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 3.2), dpi=100)
    for key, values in sorted(history.items()):
        values = np.asarray(values, np.float64)
        if values.ndim != 1 or not len(values) or not np.isfinite(values).any():
            continue
        steps = log_every * np.arange(1, len(values) + 1)
        axes.plot(steps, values, label=key, linewidth=1.2)
    axes.set_xlabel("generator steps")
    axes.set_ylabel(f"mean of each {log_every} steps")
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def _newest_grid(folder: str) -> str:
    paths = sorted(glob.glob(os.path.join(folder, "*.png")), key=os.path.getmtime)
    if not paths:
        raise RuntimeError(f"ImageGrid wrote no picture into {folder}.")
    return paths[-1]


def _read_png(path: str) -> np.ndarray:
    """A PNG as a uint8 `(H, W, C)` array."""
    from PIL import Image

    with Image.open(path) as image:
        picture = np.asarray(image)
    return picture[..., None] if picture.ndim == 2 else picture


def write_pictures(
    name: str, model: keras.Model, data: Data, grid_file: str, out: str
) -> list[str]:
    """Writes the variant's pictures (but the loss curve) into `out`; returns their paths."""
    files = []

    def put(picture: np.ndarray, suffix: str, scale: int = SCALE) -> None:
        path = os.path.join(out, f"{name}_{suffix}.png")
        save_png(np.repeat(np.repeat(picture, scale, axis=0), scale, axis=1), path)
        files.append(path)

    if _has_latents(model):
        samples = np.asarray(model.generate(SAMPLES, seed=SEED), np.float32)
        put(image_grid(samples, columns=8), "samples")
        put(image_grid(samples[:THUMB], columns=4), "thumb", scale=1)
        if _has_own_grid(model):
            put(_read_png(grid_file), "grid")
        continuous = int(getattr(model, "continuous_codes", 0) or 0)
        for index in range(
            continuous if callable(getattr(model, "traversal_latents", None)) else 0
        ):
            latents = model.traversal_latents(
                "continuous", TRAVERSAL_STEPS, index=index, rows=TRAVERSAL_STEPS, seed=SEED
            )
            images = np.asarray(model.generate(latents=latents), np.float32)
            put(image_grid(images, columns=TRAVERSAL_STEPS), f"continuous{index + 1}")
    else:  # image-to-image: the ImageGrid picture of fixed test pairs
        put(_read_png(grid_file), "samples")
        a, b = data.grid_inputs
        columns = [a, _translate(model, a, "a2b"), b]
        if "b2a" in getattr(model, "translators", ()):
            columns.append(_translate(model, b, "b2a"))
        thumb = np.stack(columns, axis=1).reshape((-1, *a.shape[1:]))
        put(image_grid(thumb, columns=len(columns)), "thumb", scale=1)
    return files


# ---------------------------------------------------------------------- distances


def _fid(real: np.ndarray, fake: np.ndarray) -> float:
    return float(ganzoo.metrics.fid(real, np.clip(fake, -1.0, 1.0), extractor="digits"))


def frechet(model: keras.Model, data: Data, real: np.ndarray, num_samples: int) -> tuple:
    """`(distance, note)`: the Fréchet distance on the digits classifier's features."""
    if _has_latents(model):
        fake = np.asarray(model.generate(num_samples, seed=SEED + 1), np.float32)
        return _fid(real[:num_samples], fake), ""
    if not data.fid_pairs:
        return None, "n/a: no target domain to compare with"
    scores = []
    for what, source, direction, target in data.fid_pairs:
        source, target = source[:num_samples], target[:num_samples]
        scores.append((what, _fid(target, _translate(model, source, direction))))
    note = "; ".join(f"{what}: {score:.2f}" for what, score in scores)
    return scores[0][1], (
        f"translations of the training digits against the other domain's: {note}; the table "
        "shows the first"
    )


def reference_distance(real: np.ndarray) -> float:
    """The distance of one half of the real digits to the other: the floor of the table."""
    half = len(real) // 2
    return _fid(real[:half], real[half : 2 * half])


# ---------------------------------------------------------------------- training


def build(variant: registry.Variant, quick: bool, budget: Budget) -> tuple[keras.Model, dict]:
    """The variant's model for the digits; returns `(model, the options it was built with)`."""
    if quick:
        options = {key: value for key, value in variant.tiny.items() if key != "image_shape"}
    else:
        options = dict(budget.options)
    if variant.data == "labelled":
        options["num_classes"] = NUM_CLASSES
    model = variant.build(IMAGE_SHAPE, seed=SEED, **options)
    compile_options = {}
    if "total_steps" in inspect.signature(model.compile).parameters:
        compile_options["total_steps"] = budget.steps  # CycleGAN's decay to zero at the end
    model.compile(**compile_options)
    options.pop("num_classes", None)
    return model, options


def run_variant(variant: registry.Variant, out: str, quick: bool, real: np.ndarray) -> Result:
    """Trains one variant for its budget and writes its pictures."""
    budget = QUICK_BUDGET if quick else BUDGETS.get(variant.name, DEFAULT_BUDGET)
    keras.utils.set_random_seed(SEED)
    data = load_data(variant, budget.batch_size)
    model, options = build(variant, quick, budget)
    epochs = math.ceil(budget.steps / budget.log_every)
    with tempfile.TemporaryDirectory() as grid_dir:
        grid = ImageGrid(
            grid_dir,
            every=epochs,
            n=6 * TRANSLATION_ROWS if data.grid_inputs else GRID_N,
            gif=False,
            inputs=data.grid_inputs,
            seed=SEED,
        )
        wall, cpu = time.perf_counter(), time.process_time()
        if hasattr(model, "initialize"):  # a data-dependent init (SGAN's weight norm)
            model.initialize(next(iter(data.train))[0])
        history = model.fit(
            data.train,
            epochs=epochs,
            steps_per_epoch=budget.log_every,
            callbacks=[grid],
            verbose=0,
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        files = write_pictures(variant.name, model, data, _newest_grid(grid_dir), out)
    losses = os.path.join(out, f"{variant.name}_losses.png")
    title = f"{variant.cls.__name__} on the digits, batch {budget.batch_size}"
    plot_losses(history.history, budget.log_every, title, losses)
    files.append(losses)
    num_samples = QUICK_FID_SAMPLES if quick else len(real)
    fid, note = frechet(model, data, real, num_samples)
    return Result(
        name=variant.name,
        cls=variant.cls.__name__,
        paper=variant.paper,
        data=variant.data,
        docs=variant.docs,
        options=options,
        steps=epochs * budget.log_every,
        batch_size=budget.batch_size,
        fid=fid,
        fid_note=note,
        cpu_s=round(cpu, 1),
        wall_s=round(wall, 1),
        files=[os.path.basename(path) for path in files],
        quick=quick,
    )


# ---------------------------------------------------------------------- the table


def _format_options(options: dict[str, Any]) -> str:
    return ", ".join(f"`{key}={value}`" for key, value in options.items()) or "defaults"


def _picture_cell(name: str, file: str, images: str) -> str:
    """A link to one of a variant's pictures; its thumbnail is shown inline."""
    kind = Path(file).stem.removeprefix(name + "_")
    if kind == "thumb":
        return f"![{name} samples]({images}/{file})"
    return f"[{kind}]({images}/{file})"


def zoo_markdown(results: Sequence[Result], reference: float, images: str) -> str:
    """The page `docs/zoo.md`: one row per variant, with the run's settings.

    Args:
        results: one `Result` per variant, in table order.
        reference: the distance between two halves of the real digits.
        images: the pictures' folder, relative to the page.
    """
    lines = [
        "# The zoo",
        "",
        "<!-- Generated by scripts/make_doc_images.py; rerun it instead of editing. -->",
        "",
        "Every registered variant (`ganzoo.registry`), trained by",
        "`python scripts/make_doc_images.py` on the bundled digits (1,797 images, 32×32×1,",
        "offline) for a fixed number of generator steps on a CPU. **This is a short-budget",
        "CPU run that makes the docs' pictures, not a benchmark of the variants' quality**:",
        "each variant stops long before it would converge, some with smaller networks than",
        "their defaults (column *options*), and one seed says little about a GAN.",
        "",
        "*Fréchet distance*: between the real digits and as many samples, on the 64 features",
        'of ganzoo\'s digits classifier (`ganzoo.metrics.fid(real, fake, extractor="digits")`,',
        "what `ganzoo fid digits MODEL --extractor digits` computes); lower is better, and it",
        "is not comparable with published FIDs, which use Inception features. One half of the",
        f"real digits against the other half (898 images each) scores **{reference:.2f}**: real",
        "images are about that far apart at half the sample size. *CPU s* is the process time",
        "of training (all threads), *wall s* its elapsed time, on a shared 2-core machine;",
        "`--variants NAME` retrains one variant and redraws its row.",
        "",
    ]
    if any(result.quick for result in results):
        lines += ["**`--quick` run: tiny networks, a few steps; the numbers mean nothing.**", ""]
    lines += [
        "| variant | paper | data | options | Fréchet distance | generator steps | batch | CPU s | wall s | pictures |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    notes = []
    for result in results:
        page = os.path.basename(result.docs)
        fid = "n/a" if result.fid is None else f"{result.fid:.2f}"
        if result.fid_note:
            notes.append(f"[^{result.name}]: {result.fid_note[0].upper()}{result.fid_note[1:]}.")
            fid += f" [^{result.name}]"
        pictures = " · ".join(_picture_cell(result.name, file, images) for file in result.files)
        lines.append(
            f"| [`{result.name}`]({page}) `{result.cls}` | {result.paper} | "
            f"{result.data} | {_format_options(result.options)} | {fid} | {result.steps} | "
            f"{result.batch_size} | {result.cpu_s:.0f} | {result.wall_s:.0f} | {pictures} |"
        )
    if notes:
        lines += ["", *notes]
    lines += [
        "",
        "Data kinds: `images` (digits, labels unused), `labelled` (digits with their class),",
        "`unpaired` (CycleGAN: domain A is half of the digits, white on black, domain B the",
        "other half inverted, as `examples/cyclegan_horse2zebra.py --dataset digits`),",
        "`paired` (Pix2Pix: Sobel edge maps of the digits paired with the digits,",
        "`ganzoo.data.digits_edges`).",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--variants",
        default=None,
        help=f"comma-separated variants (default: all of {', '.join(registry.names())})",
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"), help="picture folder")
    parser.add_argument(
        "--zoo", default=None, help="the table's page (default: zoo.md beside --out's folder)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny networks, a few steps (for the test)"
    )
    return parser


def main(argv: list[str] | None = None) -> list[Result]:
    """Runs the script; returns one `Result` per variant."""
    args = build_parser().parse_args(argv)
    names = registry.names() if args.variants is None else args.variants.split(",")
    variants = [registry.get(name.strip()) for name in names if name.strip()]
    if not variants:
        raise SystemExit("make_doc_images: --variants names no variant.")
    out = os.path.abspath(args.out)
    zoo = os.path.abspath(args.zoo or os.path.join(os.path.dirname(out), "zoo.md"))
    os.makedirs(out, exist_ok=True)
    real, _ = ganzoo.data.load_digits_arrays(IMAGE_SIZE)
    results = []
    start = time.perf_counter()
    for variant in variants:
        try:
            result = run_variant(variant, out, args.quick, real)
        except NotImplementedError as error:
            print(f"{variant.name}: skipped, {error}.", file=sys.stderr)
            continue
        results.append(result)
        fid = "n/a" if result.fid is None else f"{result.fid:.2f}"
        print(
            f"{variant.name}: {result.steps} steps in {result.wall_s:.0f} s "
            f"({result.cpu_s:.0f} s CPU), Fréchet distance {fid}",
            flush=True,
        )
    reference = reference_distance(real)
    rows = merge_results(os.path.join(out, RESULTS_FILE), results)
    images = os.path.relpath(out, os.path.dirname(zoo)).replace(os.sep, "/")
    os.makedirs(os.path.dirname(zoo), exist_ok=True)
    with open(zoo, "w", encoding="utf-8") as f:
        f.write(zoo_markdown(rows, reference, images))
    print(f"Wrote {zoo} and the pictures in {out} in {time.perf_counter() - start:.0f} s.")
    return results


def merge_results(path: str, results: Sequence[Result]) -> list[Result]:
    """Rows of this run, and of earlier runs into the same folder for the other variants.

    So `--variants wgan_gp` after a full run redraws one row of the table. Rows of
    variants no longer registered are dropped; the rest are in registry order.
    """
    rows: dict[str, Result] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for record in json.load(f):
                if record.get("name") in registry.names():
                    rows[record["name"]] = Result(**record)
    rows.update({result.name: result for result in results})
    ordered = [rows[name] for name in registry.names() if name in rows]
    with open(path, "w", encoding="utf-8") as f:
        json.dump([dataclasses.asdict(row) for row in ordered], f, indent=1, ensure_ascii=False)
        f.write("\n")
    return ordered


if __name__ == "__main__":
    main()
