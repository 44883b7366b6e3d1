"""Old import paths of names that moved, and deprecated methods, kept for one release
with a warning."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any


def moved_names(module: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that finds moved names at their new home, with a warning.

    Args:
        module: the old module's `__name__`.
        names: old name → `"new.module:new_name"`.

    Returns:
        A function to assign to the old module's `__getattr__` (PEP 562).

    Example:
    >>> __getattr__ = moved_names(__name__, {"ImagePool": "ganzoo.pools:ImagePool"})
    """

    def getattr_(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new_module, new_name = names[name].split(":")
        warnings.warn(
            f"{module}.{name} moved to {new_module}.{new_name}; the old name will be "
            "removed in the next release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(new_module), new_name)

    return getattr_


class GridInputs:
    """`set_grid_inputs(images_a, images_b)` of an image-to-image model, deprecated:
    pass `ImageGrid(..., inputs=(images_a, images_b))` or `grid_images(n, inputs=...)`;
    the model no longer needs to hold them. Mixed in before `ImageToImage`."""

    grid_inputs = None

    def grid_images(self, n: int, seed: int = 0, inputs: tuple | None = None) -> tuple:
        return super().grid_images(n, seed, inputs if inputs is not None else self.grid_inputs)

    def set_grid_inputs(self, images_a, images_b) -> None:
        """Deprecated: pass `ImageGrid(..., inputs=(images_a, images_b))` or
        `grid_images(n, inputs=...)`; the model no longer needs to hold them."""
        warnings.warn(
            f"{type(self).__name__}.set_grid_inputs is deprecated; pass "
            "inputs=(images_a, images_b) to ImageGrid or grid_images instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.grid_inputs = (images_a, images_b)
