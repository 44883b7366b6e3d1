"""Bad input is refused by `gan.fit` before training, with a `ValueError` that names
what was expected: for every variant, every kind of bad images; for the conditional
variant, bad labels; for CycleGAN, bad pairs; and image folders with broken files."""

import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import registry

SHAPE = (16, 16, 1)
BATCH = 10  # a multiple of WGAN-GP's 5 critic steps
CLASSES = registry.get("cgan").tiny["num_classes"]


def _good(count=2 * BATCH, shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, *shape)).astype("float32")


def _labels(count=2 * BATCH):
    return (np.arange(count) % CLASSES).astype("int32")


def _batched(*arrays):
    return tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else arrays[0]).batch(BATCH)


def _tiny(name):
    # The registry's tiny networks, all at SHAPE so that one set of bad images fits
    # every variant (VanillaGAN's tiny config is 8×8).
    return lambda: registry.get(name).build_tiny(image_shape=SHAPE)


# name -> (builder, element maker: images -> dataset in the variant's format)
VARIANTS = {
    "DCGAN": (_tiny("dcgan"), _batched),
    "VanillaGAN": (_tiny("vanilla"), _batched),
    "WGANGP": (_tiny("wgan_gp"), _batched),
    "InfoGAN": (_tiny("infogan"), _batched),
    "CGAN": (_tiny("cgan"), lambda images: _batched(images, _labels(len(images)))),
    "CycleGAN": (
        _tiny("cyclegan"),
        # Bad images in domain A, good ones in B.
        lambda images: tf.data.Dataset.zip(
            (_batched(images), _batched(_good(len(images), seed=1)))
        ),
    ),
}

# (case, bad images from good ones, what the message must say)
BAD_IMAGES = [
    ("rank 3", lambda x: x[..., 0], r"rank 4 \(batch, height, width, channels\), got rank 3"),
    ("3 channels", lambda x: np.repeat(x, 3, axis=-1), r"expected 1 channel .*got shape"),
    ("channels first", lambda x: np.transpose(x, (0, 3, 1, 2)), r"channel"),
    ("8x8 instead of 16x16", lambda x: x[:, ::2, ::2], r"expected shape .*16, 16, 1.*got"),
    (
        "uint8 0..255",
        lambda x: np.round((x + 1) * 127.5).astype("uint8"),
        r"expected float images in \[-1, 1\], got uint8 values in \[\d+, \d+\]; divide by 127.5",
    ),
    (
        "float 0..255",
        lambda x: (x + 1) * 127.5,
        r"expected float images in \[-1, 1\], got float32 .*pixels in \[0, 255\]",
    ),
    ("int32", lambda x: np.zeros(x.shape, "int32"), r"expected float images .*got int32"),
    ("float 0..1.5", lambda x: (x + 1) * 0.75, r"expected float images in \[-1, 1\], got"),
    ("NaN", lambda x: np.where(x > 0.9, np.nan, x).astype("float32"), r"finite.*NaN"),
    ("empty", lambda x: x[:0], r"expected at least one batch, got an empty dataset"),
    (
        "fewer images than a batch",
        lambda x: x[: BATCH - 1],
        r"expected at least one batch, got an empty dataset; batching with drop_remainder",
    ),
]


@pytest.fixture(scope="module")
def models():
    built = {}
    for name, (build, _) in VARIANTS.items():
        built[name] = build()
        built[name].compile()
    return built


def _refused(gan, data, pattern):
    steps = int(gan.g_optimizer.iterations)
    with pytest.raises(ValueError, match=pattern):
        gan.fit(data, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == steps, "a step ran on bad data"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize(
    ("case", "make_bad", "pattern"), BAD_IMAGES, ids=[c[0] for c in BAD_IMAGES]
)
def test_bad_images_are_refused(models, variant, case, make_bad, pattern):
    _, element = VARIANTS[variant]
    bad = make_bad(_good())
    if case == "fewer images than a batch":  # drop_remainder=True leaves no batch
        data = tf.data.Dataset.from_tensor_slices(bad).batch(BATCH, drop_remainder=True)
        if variant == "CGAN":
            labels = tf.data.Dataset.from_tensor_slices(_labels(len(bad)))
            labels = labels.batch(BATCH, drop_remainder=True)
            data = tf.data.Dataset.zip((data, labels))
        elif variant == "CycleGAN":
            data = tf.data.Dataset.zip((data, data))
    else:
        data = element(bad)
    _refused(models[variant], data, pattern)


def test_arrays_are_checked_too(models):
    images = np.round((_good() + 1) * 127.5).astype("uint8")
    _refused(models["DCGAN"], images, r"got uint8 values in \[\d+, \d+\]")
    _refused(models["DCGAN"], _good()[:0], r"expected a non-empty batch")


@pytest.mark.parametrize(
    ("case", "labels", "pattern"),
    [
        ("float", _labels().astype("float32"), r"expected integer class labels, got float32"),
        ("negative", -1 - _labels(), rf"expected labels in \[0, {CLASSES}\), got values in \[-"),
        (
            "out of range",
            _labels() + CLASSES,
            rf"expected labels in \[0, {CLASSES}\), got values in \[{CLASSES}, ",
        ),
        ("one-hot", np.eye(CLASSES, dtype="int32")[_labels()], r"one-hot labels\?"),
        ("none", None, r"CGAN trains on \(images, labels\) batches"),
    ],
)
def test_bad_labels_are_refused(models, case, labels, pattern):
    data = _batched(_good()) if labels is None else _batched(_good(), labels)
    _refused(models["CGAN"], data, pattern)


@pytest.mark.parametrize(
    ("case", "data", "pattern"),
    [
        ("one dataset", lambda: _batched(_good()), r"pairs \(images_a, images_b\).*single dataset"),
        (
            "domains of different sizes",
            lambda: tf.data.Dataset.zip((_batched(_good()), _batched(_good(shape=(8, 8, 1))))),
            r"images_b: expected shape \(batch, height, width, channels\) = \(None, 16, 16, 1\)",
        ),
        (
            "domains of different channels",
            lambda: tf.data.Dataset.zip((_batched(_good()), _batched(_good(shape=(16, 16, 3))))),
            r"images_b: expected 1 channel",
        ),
        ("labels instead of domain B", lambda: _batched(_good(), _labels()), r"labels\?"),
        (
            "three parts",
            lambda: tf.data.Dataset.zip((_batched(_good()),) * 3),
            r"pairs \(images_a, images_b\); got elements of 3 parts",
        ),
        (
            "uint8 domain B",
            lambda: tf.data.Dataset.zip(
                (_batched(_good()), _batched(np.zeros((2 * BATCH, *SHAPE), "uint8")))
            ),
            r"images_b: expected float images in \[-1, 1\], got uint8",
        ),
    ],
)
def test_bad_cyclegan_pairs_are_refused(models, case, data, pattern):
    _refused(models["CycleGAN"], data(), pattern)


def test_image_folder_with_broken_files_is_refused(models, tmp_path):
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (20, 20, 3), dtype=np.uint8)
    for i in range(BATCH):
        Image.fromarray(pixels).save(tmp_path / f"good_{i}.png")
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not an image")
    Image.fromarray(pixels).save(tmp_path / "cut.jpg")
    data = (tmp_path / "cut.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 3])  # a truncated download
    gan = models["DCGAN"]
    steps = int(gan.g_optimizer.iterations)
    with pytest.raises(ValueError, match=r"corrupt\.png") as error:
        gan.fit(
            ganzoo.data.image_folder(tmp_path, image_size=16, channels=1, batch_size=BATCH),
            epochs=1,
            verbose=0,
        )
    assert str(tmp_path / "cut.jpg") in str(error.value)  # every broken file, by path
    assert int(gan.g_optimizer.iterations) == steps
