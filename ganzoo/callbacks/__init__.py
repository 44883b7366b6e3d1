"""Keras callbacks for GAN training: image grids, FID/KID in the logs, diagnostics, divergence guard."""

from ganzoo.callbacks.diagnostics import Diagnostics
from ganzoo.callbacks.divergence import DivergenceError, DivergenceGuard
from ganzoo.callbacks.fid import FID
from ganzoo.callbacks.image_grid import ImageGrid, image_grid, save_png
from ganzoo.callbacks.run import training_callbacks

__all__ = [
    "FID",
    "Diagnostics",
    "DivergenceError",
    "DivergenceGuard",
    "ImageGrid",
    "image_grid",
    "save_png",
    "training_callbacks",
]
