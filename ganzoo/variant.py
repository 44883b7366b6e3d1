"""The description of one registered variant: `Option`, `Learning` and `Variant`.

`ganzoo.registry` holds the list; this module holds what each entry is, so it imports no
model and any module may use it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

DATA_KINDS = ("images", "labelled", "paired", "unpaired")


@dataclasses.dataclass(frozen=True)
class Option:
    """A variant's own `ganzoo train` option, passed to its `for_images`.

    Args:
        argument: the `for_images` argument it sets, e.g. `"base_filters"`; the flag is
            `--base-filters`.
        type: `int`, `float` or `str`.
        help: one line for `ganzoo train --help`.
        choices: the allowed values, for a string option.
        hidden: kept out of `--help` (test-only knobs such as tiny widths).
    """

    argument: str
    type: type
    help: str
    choices: tuple[str, ...] | None = None
    hidden: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.argument.replace("_", "-")


@dataclasses.dataclass(frozen=True)
class Learning:
    """A variant's learning budget: how it must learn the offline digits in CI.

    `tests/test_learning.py` trains the variant on the bundled digits at 32×32×1 for
    `steps` generator steps and asserts that the Fréchet distance on the digits
    classifier's features falls to at most 0.6 of the untrained model's
    (`ganzoo.testing.learning`); `benchmarks/bench_learning.py` trains on to 0.3.

    Args:
        steps: generator steps.
        batch_size: images per generator step (a variant with `d_steps` critic steps
            reads `d_steps` times as many per step).
        options: `for_images` arguments beyond the image shape (CPU-sized networks).
        data: extra `ganzoo.data.load` arguments (e.g. `{"labelled": 100}`).
        ci: whether `tests/test_learning.py` asserts it; `False` for a variant too slow
            to reach 0.6 in CI's budget, which `benchmarks/bench_learning.py` still runs.
    """

    steps: int
    batch_size: int = 32
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    ci: bool = True


@dataclasses.dataclass(frozen=True)
class Variant:
    """One registered variant.

    Args:
        name: its command-line name, e.g. `"dcgan"`.
        cls: the model class.
        data: its data kind, one of `DATA_KINDS`.
        paper: the paper, as cited in the docs.
        docs: its docs page, relative to the repository root.
        tiny: `for_images` arguments of tiny networks for tests and smoke runs
            (`image_shape` included).
        options: its own `ganzoo train` options.
        latent_argument: the `for_images` argument that `--latent-dim` sets (`None`
            when the variant has no latent vector).
        learning: its `Learning` budget on the digits (`None`: not measured by
            `tests/test_learning.py`).
    """

    name: str
    cls: type
    data: str
    paper: str
    docs: str
    tiny: dict[str, Any]
    options: tuple[Option, ...] = ()
    latent_argument: str | None = "latent_dim"
    learning: Learning | None = None

    @property
    def d_steps(self) -> int:
        """Critic steps per generator step; a dataset batch holds this many batches."""
        return int(getattr(self.cls, "default_d_steps", 1))

    def build(self, image_shape: tuple[int, ...], **options):
        """`cls.for_images(image_shape, **options)`, leaving out options that are `None`.

        Args:
            image_shape: `(H, W, C)` of the training images.
            **options: `for_images` arguments; `None` means the variant's default.

        Returns:
            An uncompiled model.
        """
        options = {key: value for key, value in options.items() if value is not None}
        return self.cls.for_images(image_shape, **options)

    def build_tiny(self, **overrides):
        """The variant with its tiny test networks (`tiny`, updated by `overrides`)."""
        return self.cls.for_images(**{**self.tiny, **overrides})
