"""`ganzoo.data.load`: named datasets (tensorflow-datasets and the offline digits)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import tensorflow as tf

from ganzoo.data import digits, pipeline, semi_supervised

# DCGAN / WGAN-GP CelebA preprocessing: center crop 140x140, resize to 64x64.
CELEB_A_CROP = 140
CELEB_A_SIZE = 64
CYCLE_GAN_SIZE = 256
# Datasets whose "label" feature is not a class to condition on.
_UNLABELLED = ("celeb_a", "cycle_gan")


class DownloadError(ConnectionError):
    """A tensorflow-datasets set could not be downloaded (no network, or refused).

    Args:
        name: the dataset name, e.g. `"mnist"`.
        data_dir: the tensorflow-datasets directory it was to be prepared in.
        reason: what failed, in one line (e.g. the host that could not be reached).

    Example:
    >>> try:
    ...     ds = ganzoo.data.load("mnist")
    ... except ganzoo.data.DownloadError as error:
    ...     ds = ganzoo.data.load("digits")  # offline
    """

    def __init__(self, name: str, data_dir: str | None, reason: str):
        self.name, self.data_dir, self.reason = name, data_dir, reason
        where = f" into {data_dir}" if data_dir else ""
        super().__init__(
            f"Could not download the tensorflow-datasets set {name!r}{where}: {reason}. "
            "Offline, load 'digits' (bundled), pass data_dir= to a tensorflow-datasets "
            "directory that holds it prepared, or read a folder with "
            "ganzoo.data.image_folder."
        )


def load(
    name: str,
    split: str = "train",
    batch_size: int | None = 128,
    *,
    image_size: int | tuple[int, int] | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    with_labels: bool = True,
    drop_remainder: bool = True,
    cache: bool | str = True,
    data_dir: str | None = None,
    repeat: bool = False,
    augment: Callable[..., tf.Tensor] | None = None,
    shuffle_buffer: int | None = None,
    labelled: int | None = None,
) -> tf.data.Dataset:
    """Loads a dataset as batches of float32 NHWC images in [-1, 1].

    Names: `"digits"` (scikit-learn's 1,797 handwritten digits, bundled, no download,
    32x32x1 by default, 10 classes) and tensorflow-datasets names: `"mnist"`,
    `"fashion_mnist"`, `"cifar10"`, `"celeb_a"` (center crop 140x140, then resized to
    64x64 as in the DCGAN and WGAN-GP CelebA pipelines; its attributes are not used as
    labels), `"cycle_gan/<pair>"` such as `"cycle_gan/horse2zebra"` (splits `"trainA"`,
    `"trainB"`, `"testA"`, `"testB"`; images only, resized to 256x256), and any other
    tensorflow-datasets dataset with an `"image"` feature (its `"label"` class, if any,
    is the label). tensorflow-datasets sets are read with
    `tfds.load(name, split=split, data_dir=data_dir)`, so an existing tfds directory
    works offline; split slicing such as `"train[:10%]"` works.

    The pipeline: decode, crop and resize in parallel (`num_parallel_calls=AUTOTUNE`),
    cache that deterministic result (as uint8), shuffle, scale to [-1, 1] and
    `augment` in parallel, batch, `prefetch(AUTOTUNE)`.

    Shuffling is reproducible: with a `seed`, epoch `e`'s order depends only on
    `(seed, e)`, so a fresh process reproduces any epoch. `fit` needs the
    `ganzoo.data.SyncEpoch` callback for that (the `ganzoo train` CLI adds it; see
    `docs/data.md`). Without a seed, one is drawn from Python's `random` module, which
    `keras.utils.set_random_seed` seeds.

    Args:
        name: dataset name, see above.
        split: split to read (`"digits"` has only `"train"`).
        batch_size: images per batch, or `None` for unbatched examples (e.g. for
            `ganzoo.data.paired`).
        image_size: resize to this size (an int for square images, or `(height,
            width)`), bilinear with antialiasing. Default: the dataset's own size
            (digits: 32, celeb_a: 64, cycle_gan: 256).
        shuffle: reshuffle every epoch.
        seed: integer seed of the shuffle and of `augment`.
        with_labels: yield `(images, labels)` with int32 labels when the dataset has
            class labels; images only otherwise.
        drop_remainder: drop each epoch's last, smaller batch, so every batch (and every
            replica's share under a distribution strategy) has the same size.
        cache: `True` caches the decoded, resized images in memory (uint8), a string
            caches them to that file prefix, `False` re-reads every epoch.
        data_dir: tensorflow-datasets data directory (tfds' default when `None`).
        repeat: yield epochs without end; pass `steps_per_epoch` to `fit`.
        augment: optional `augment(image, seed=key) -> image` applied to each float
            image in [-1, 1] after caching, e.g. `ganzoo.data.cyclegan_jitter`; `key` is
            a stateless RNG key (int64, shape `(2,)`) fixed by `(seed, epoch, position)`.
        shuffle_buffer: shuffle buffer size; default: the whole split when its cached
            images fit in 256 MiB, else as many as fit (at least 1,000).
        labelled: for semi-supervised training (`ganzoo.SGAN`): keep this many labels,
            balanced over the classes and drawn with `seed`, mark the other images
            `-1`, and oversample the labelled ones so that each batch carries at least
            `ceil(batch_size / 8)` of them (`ganzoo.data.semi_supervised.build`;
            `dataset.labelled_indices` lists them). `None` keeps every label.

    Returns:
        A `tf.data.Dataset` of float32 images `(batch, height, width, channels)` in
        [-1, 1], or of `(images, labels)` with int32 labels `(batch,)`.

    Example:
    >>> ds = ganzoo.data.load("mnist", batch_size=128, seed=0)
    >>> images, labels = next(iter(ds))
    >>> images.shape, images.dtype, labels.dtype
    (TensorShape([128, 28, 28, 1]), tf.float32, tf.int32)
    >>> faces = ganzoo.data.load("celeb_a", batch_size=64)       # 64x64x3 faces, no labels
    >>> horses = ganzoo.data.load("cycle_gan/horse2zebra", "trainA", batch_size=None,
    ...                           augment=ganzoo.data.cyclegan_jitter)
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a dataset name such as 'mnist'; got {name!r}.")
    size = _parse_size(image_size)
    if name == "digits":
        source, num_examples = _digits_source(split, size, with_labels)
    else:
        source, num_examples = _tfds_source(
            name, split, size, with_labels, data_dir, shuffle, seed, cache
        )
    build = pipeline.build
    if labelled is not None:
        build = functools.partial(semi_supervised.build, labelled=labelled)
    return build(
        source,
        num_examples=num_examples,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        # The digits are already in memory as float32; caching would copy them.
        cache=cache if name != "digits" else False,
        drop_remainder=drop_remainder,
        repeat=repeat,
        augment=augment,
        shuffle_buffer=shuffle_buffer,
        description=f"split {split!r} of {name!r}",
    )


def _parse_size(image_size: int | tuple[int, int] | None) -> tuple[int, int] | None:
    if image_size is None:
        return None
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(size) != 2 or not all(
        isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size
    ):
        raise ValueError(
            f"image_size must be a positive int or a (height, width) pair; got {image_size!r}."
        )
    return size


def _digits_source(
    split: str, size: tuple[int, int] | None, with_labels: bool
) -> tuple[tf.data.Dataset, int]:
    if split != "train":
        raise ValueError(f"The 'digits' dataset has one split, 'train'; got split={split!r}.")
    if size is not None and size[0] != size[1]:
        raise ValueError(f"The 'digits' images are square; got image_size={size}.")
    images, labels = digits.load_digits_arrays(size[0] if size else digits.DEFAULT_IMAGE_SIZE)
    tensors = (images, labels) if with_labels else images
    return tf.data.Dataset.from_tensor_slices(tensors), len(images)


def _tfds_source(
    name: str,
    split: str,
    size: tuple[int, int] | None,
    with_labels: bool,
    data_dir: str | None,
    shuffle: bool,
    seed: int | None,
    cache: bool | str,
) -> tuple[tf.data.Dataset, int | None]:
    import tensorflow_datasets as tfds

    family = name.split("/")[0].split(":")[0]
    try:
        ds, info = tfds.load(
            name,
            split=split,
            data_dir=data_dir,
            with_info=True,
            # Our seeded shuffle makes the order; file shuffling only helps an unseeded,
            # uncached pipeline, where it cannot hurt reproducibility.
            shuffle_files=shuffle and seed is None and not cache,
        )
    except OSError as error:  # requests' and urllib's connection errors are OSErrors
        if not _is_network_error(error):
            raise
        raise DownloadError(name, data_dir, _reason(error)) from error
    image_spec = _image_feature(name, ds.element_spec)
    label_feature = dict(info.features.items()).get("label")
    labelled = (
        with_labels
        and family not in _UNLABELLED
        and isinstance(label_feature, tfds.features.ClassLabel)
    )
    crop = CELEB_A_CROP if family == "celeb_a" else None
    if size is None:
        size = {"celeb_a": (CELEB_A_SIZE,) * 2, "cycle_gan": (CYCLE_GAN_SIZE,) * 2}.get(family)
    static_hw = tuple(image_spec.shape[:2])
    if size is None and None in static_hw:
        raise ValueError(
            f"The images of {name!r} vary in size (shape {image_spec.shape}); pass "
            "image_size=... to resize them to one size."
        )

    num_examples = int(ds.cardinality())
    resize = size is not None and (crop is not None or static_hw != size)
    prepare = _prepare_example(crop, size if resize else None, labelled)
    source = ds.map(prepare, num_parallel_calls=pipeline.AUTOTUNE)
    return source, (num_examples if num_examples >= 0 else None)


def _image_feature(name: str, spec) -> tf.TensorSpec:
    """The spec of a tfds dataset's `"image"` feature; `ValueError` unless it is one
    uint8 image of shape `(height, width, channels)` per example."""
    if not isinstance(spec, dict) or "image" not in spec:
        features = sorted(spec) if isinstance(spec, dict) else spec
        raise ValueError(
            f"ganzoo.data.load needs a dataset with an 'image' feature; {name!r} has "
            f"features {features}."
        )
    image_spec = spec["image"]
    if image_spec.dtype != tf.uint8 or image_spec.shape.rank != 3:
        raise ValueError(
            f"ganzoo.data.load expects {name!r} images of dtype uint8 and shape "
            f"(height, width, channels); got {image_spec.dtype.name} with shape {image_spec.shape}."
        )
    return image_spec


def _prepare_example(crop: int | None, size: tuple[int, int] | None, labelled: bool):
    """The map function of a tfds source: a center crop of `crop` pixels (unless
    `None`), a resize to `size` (unless `None`), then the int32 label if `labelled`."""

    def prepare(example: dict):
        image = example["image"]
        if crop is not None:
            shape = tf.shape(image)
            image = tf.image.crop_to_bounding_box(
                image, (shape[0] - crop) // 2, (shape[1] - crop) // 2, crop, crop
            )
        if size is not None:
            image = tf.image.resize(image, size, method="bilinear", antialias=True)
            image = pipeline.to_uint8(image)
        if labelled:
            return image, tf.cast(example["label"], tf.int32)
        return image

    return prepare


def _is_network_error(error: BaseException) -> bool:
    """Whether `error` (or what caused it) is a failed connection or name lookup."""
    import socket
    import urllib.error

    network = (ConnectionError, TimeoutError, socket.gaierror, urllib.error.URLError)
    try:
        import requests

        network += (requests.exceptions.ConnectionError, requests.exceptions.Timeout)
    except ImportError:  # pragma: no cover - tensorflow-datasets depends on requests
        pass
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, network):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _reason(error: BaseException) -> str:
    """One line: the address that could not be reached, else the error's first line."""
    url = getattr(getattr(error, "request", None), "url", None)
    if url:
        return f"cannot reach {url}"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def num_classes(name: str, data_dir: str | None = None) -> int:
    """Number of classes of a `load` dataset, read from its metadata (no download).

    Args:
        name: `"digits"` or a tensorflow-datasets name with a `label` feature.
        data_dir: tensorflow-datasets data directory.

    Returns:
        The number of label classes, e.g. 10 for `digits` and `mnist`.

    Example:
    >>> ganzoo.data.num_classes("digits")
    10
    """
    if name == "digits":
        from ganzoo.data.digits import NUM_CLASSES

        return NUM_CLASSES
    import tensorflow_datasets as tfds

    features = tfds.builder(name, data_dir=data_dir).info.features
    if "label" not in features or not hasattr(features["label"], "num_classes"):
        raise ValueError(f"Dataset {name!r} has no class label to condition on.")
    return int(features["label"].num_classes)
