"""`ImageGrid`: a picture of the generator's samples per epoch (PNG, GIF, TensorBoard)."""

from __future__ import annotations

import math
import os
import re

import keras
import numpy as np

from ganzoo.callbacks.run import atomic_path


def image_grid(images, columns: int | None = None, padding: int = 2) -> np.ndarray:
    """Tiles a batch of images in [-1, 1] into one uint8 picture.

    Args:
        images: array of shape `(n, H, W, C)` with `C` 1 or 3, values in [-1, 1].
        columns: images per row; by default the smallest square that holds them.
        padding: pixels of white between images.

    Returns:
        A uint8 array of shape `(rows·(H+p)+p, columns·(W+p)+p, C)`.

    Example:
    >>> picture = image_grid(gan.generate(64, seed=0), columns=8)
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"Expected images of shape (n, H, W, 1 or 3); got {tuple(images.shape)}.")
    n, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    pixels = np.clip((images + 1.0) * 127.5, 0, 255).round().astype(np.uint8)
    grid = np.full(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        255,
        dtype=np.uint8,
    )
    for i, image in enumerate(pixels):
        top = padding + (i // columns) * (height + padding)
        left = padding + (i % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_png(picture: np.ndarray, path: str) -> None:
    """Writes a uint8 `(H, W, 1|3)` picture as PNG, creating the folder.

    The file is written under a temporary name and renamed (`atomic_path`), so an
    interrupted write leaves the previous file whole.
    """
    from PIL import Image

    with atomic_path(path) as temporary:
        Image.fromarray(picture[..., 0] if picture.shape[-1] == 1 else picture).save(
            temporary, format="PNG"
        )


def write_image_summary(tag: str, picture: np.ndarray, step: int) -> None:
    """Writes one uint8 picture `(H, W, 1|3)` as a TensorBoard image summary.

    The record is the one `tf.summary.image(tag, picture[None], step)` writes (the
    image plugin's string tensor `[width, height, png]`), written with TensorFlow's
    own `tf.summary.write`, so the `tensorboard` package is needed only to view it.
    Call it under a default writer (`with writer.as_default():`).

    Args:
        tag: the summary's name in TensorBoard's Images tab.
        picture: a uint8 array `(H, W, 1)` or `(H, W, 3)`.
        step: the step (for `ImageGrid`, the epoch counted from 1).
    """
    import tensorflow as tf
    from tensorflow.core.framework import summary_pb2

    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="images", content=b"")
    )
    height, width = picture.shape[:2]
    png = tf.image.encode_png(np.asarray(picture, np.uint8)).numpy()
    tf.summary.write(tag, tf.constant([str(width), str(height), png]), step=step, metadata=metadata)


class ImageGrid(keras.callbacks.Callback):
    """Saves a grid of generated images every `every` epochs (PNG, GIF, TensorBoard).

    The grid comes from `model.grid_images(n, seed=seed)`, which uses the same latents
    (and labels, codes or inputs) every time, so successive grids show training
    progress. What a grid shows depends on the variant:

    | variant | grid |
    |---|---|
    | unconditional (`GAN`, `DCGAN`, `WGANGP`, ...) | `n` samples, a square grid |
    | `CGAN` | one row per class (`n // num_classes` samples per class) |
    | `InfoGAN` | a traversal of the first categorical code, one column per category |
    | `CycleGAN` | rows of `a, G(a), F(G(a)), b, F(b), G(F(b))` for fixed test images |

    Files in `out_dir`: `epoch_0001.png`, ... (the epoch counted from 1) and, at the end
    of training, `progress.gif` of every `epoch_*.png` up to the last epoch, so a run
    resumed with `BackupAndRestore` gets one animation of the whole run. Grayscale and
    RGB images both work. The grid is made once when training begins too (not saved),
    so a model that cannot make one fails before the first epoch.

    Args:
        out_dir: folder for the `epoch_XXXX.png` files and `progress.gif`.
        every: save a grid every this many epochs (and always after the last).
        n: number of images per grid (the variant may use fewer to fill whole rows).
        tensorboard_dir: if given, each grid is also written there as the image
            summary `"samples"` (what `tf.summary.image` writes; step = epoch, counted
            from 1), shown in TensorBoard's Images tab.
        gif: write `progress.gif` at the end of training.
        inputs: for image-to-image variants (`CycleGAN`), the fixed images to translate:
            a pair `(images_a, images_b)` in [-1, 1], passed to
            `model.grid_images(n, seed=..., inputs=...)` for every grid.
        seed: seed of the grid's latents (and codes).

    Example:
    >>> gan.fit(ds, epochs=20, callbacks=[ganzoo.callbacks.ImageGrid("runs/dcgan")])
    >>> cyclegan.fit(pairs, epochs=200, callbacks=[
    ...     ganzoo.callbacks.ImageGrid("runs/h2z", n=24, inputs=(test_a[:4], test_b[:4]))])
    """

    def __init__(
        self,
        out_dir: str,
        every: int = 1,
        n: int = 64,
        tensorboard_dir: str | None = None,
        gif: bool = True,
        inputs: tuple | None = None,
        seed: int = 0,
    ):
        super().__init__()
        for name, value in (("every", every), ("n", n)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if inputs is not None and (not isinstance(inputs, (tuple, list)) or len(inputs) != 2):
            raise ValueError(
                "inputs must be a pair (images_a, images_b) of images to translate; got "
                f"{type(inputs).__name__}"
                + (f" of {len(inputs)} parts." if isinstance(inputs, (tuple, list)) else ".")
            )
        self.out_dir = os.fspath(out_dir)
        self.every = int(every)
        self.n = int(n)
        self.tensorboard_dir = tensorboard_dir
        self.gif = gif
        self.inputs = inputs
        self.seed = int(seed)
        self.paths: list[str] = []
        self._writer = None

    def _grid(self) -> np.ndarray:
        if self.inputs is None:
            images, columns = self.model.grid_images(self.n, seed=self.seed)
        else:
            images, columns = self.model.grid_images(self.n, seed=self.seed, inputs=self.inputs)
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or images.shape[-1] not in (1, 3) or not len(images):
            raise ValueError(
                f"{type(self.model).__name__}.grid_images({self.n}) must return images of "
                f"shape (n, H, W, 1 or 3); got shape {images.shape}."
            )
        return image_grid(images, columns)

    def on_train_begin(self, logs=None):
        if self.inputs is not None:
            from ganzoo.translation import ImageToImage

            if not isinstance(self.model, ImageToImage):
                raise ValueError(
                    f"ImageGrid(inputs=...) is for image-to-image models such as CycleGAN; "
                    f"{type(self.model).__name__} samples its grids and takes no inputs."
                )
        self._grid()  # fail now, not after the first epoch, when no grid can be made
        os.makedirs(self.out_dir, exist_ok=True)
        if self.tensorboard_dir and self._writer is None:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(self.tensorboard_dir)

    def on_epoch_end(self, epoch, logs=None):
        last = self.params.get("epochs") if self.params else None
        if (epoch + 1) % self.every and (last is None or epoch + 1 != last):
            return
        picture = self._grid()
        path = os.path.join(self.out_dir, f"epoch_{epoch + 1:04d}.png")
        save_png(picture, path)
        self.paths.append(path)
        if self._writer is not None:
            with self._writer.as_default():
                write_image_summary("samples", picture, step=epoch + 1)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if not self.gif or not self.paths:
            return
        from PIL import Image

        # Every grid of this run on disk, also those saved before a resume; not those of
        # an earlier, longer run in the same folder.
        last = int(_EPOCH_FILE.fullmatch(os.path.basename(self.paths[-1])).group(1))
        frames = []
        for name in sorted(os.listdir(self.out_dir)):
            match = _EPOCH_FILE.fullmatch(name)
            if match and int(match.group(1)) <= last:
                with Image.open(os.path.join(self.out_dir, name)) as image:
                    frames.append(image.convert("RGB"))
        with atomic_path(os.path.join(self.out_dir, "progress.gif")) as temporary:
            frames[0].save(
                temporary,
                format="GIF",
                save_all=True,
                append_images=frames[1:],
                duration=400,
                loop=0,
            )


_EPOCH_FILE = re.compile(r"epoch_(\d{4,})\.png")
