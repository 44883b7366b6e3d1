import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import ganzoo
from ganzoo import registry
from ganzoo.layers import Dropout
from ganzoo.models.pix2pix import Pix2Pix
from ganzoo.nets import patchgan
from ganzoo.testing import GANTestCase, two_cpu_strategy

# The registry's tiny networks: a 3-level U-Net of width 2 and a 16×16 PatchGAN of width 2.
TINY = registry.get("pix2pix").tiny
SHAPE = TINY["image_shape"]


def _images(count, shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, *shape)).astype("float32")


def _pairs(count=8, batch_size=4, shape_b=SHAPE):
    return ganzoo.data.aligned_pairs(_images(count), _images(count, shape_b, 1), batch_size, seed=0)


def _fixed_model(shape, kernel, bias=0.0):
    """A 1×1 convolution with a fixed kernel over the channels: a known 'network'."""
    inputs = keras.Input(shape)
    conv = keras.layers.Conv2D(
        1,
        1,
        kernel_initializer=keras.initializers.Constant(np.reshape(kernel, (1, 1, -1, 1))),
        bias_initializer=keras.initializers.Constant(bias),
    )
    return keras.Model(inputs, conv(inputs))


def _softplus(x):
    return np.log1p(np.exp(x))


class TestPix2Pix(GANTestCase):
    def test_contract(self):
        data = _pairs()
        bad_data = [
            (data.map(lambda a, b: a), r"pairs \(images_a, images_b\).*single dataset"),
            (_pairs(shape_b=(16, 16, 3)), r"images_b: expected 1 channel.*\(4, 16, 16, 3\)"),
            (data.map(lambda a, b: (a, tf.zeros((4,), tf.int32))), r"labels"),
            (data.map(lambda a, b: (a, (b + 1.0) * 127.5)), r"images_b.*\[-1, 1\]"),
        ]
        self.run_gan_test(
            Pix2Pix,
            {**TINY, "seed": 1},
            data,
            generate_kwargs={"images": _images(4)},
            bad_data=bad_data,
        )


def test_generator_loss_weights_l1_by_lambda():
    a, b = _images(3, (4, 4, 1)), _images(3, (4, 4, 1), 1)
    generator = _fixed_model((4, 4, 1), [0.5])  # G(a) = a / 2
    # D scores every patch 0.3 whatever it sees: the adversarial term is softplus(-0.3).
    for weight in (100.0, 7.0):
        gan = Pix2Pix(generator, _fixed_model((4, 4, 2), [0.0, 0.0], 0.3), l1_weight=weight)
        terms = gan.generator_loss(a, b, generator(a))
        l1 = np.abs(b - 0.5 * a).mean(axis=(1, 2, 3))
        np.testing.assert_allclose(terms["l1_loss"], l1, rtol=1e-5)
        np.testing.assert_allclose(terms["adv_loss"], [_softplus(-0.3)] * 3, rtol=1e-5)
        np.testing.assert_allclose(terms["g_loss"], _softplus(-0.3) + weight * l1, rtol=1e-5)
    assert Pix2Pix.for_images((16, 16, 1), filters=2, discriminator_filters=2).l1_weight == 100.0


def test_discriminator_sees_the_input_and_its_loss_is_halved():
    a, b, fake = _images(2, (4, 4, 1)), _images(2, (4, 4, 1), 1), _images(2, (4, 4, 1), 2)
    generator = _fixed_model((4, 4, 1), [1.0])
    # D(a, b) = 2a + 3b per pixel: the input's channel comes first.
    gan = Pix2Pix(generator, _fixed_model((4, 4, 2), [2.0, 3.0]))
    np.testing.assert_allclose(gan.discriminate(a, b), 2 * a + 3 * b, rtol=1e-5, atol=1e-6)
    real, generated = 2 * a + 3 * b, 2 * a + 3 * fake
    expected = 0.5 * (_softplus(-real).mean((1, 2, 3)) + _softplus(generated).mean((1, 2, 3)))
    np.testing.assert_allclose(gan.discriminator_loss(a, b, fake)["d_loss"], expected, rtol=1e-5)
    # The registry's PatchGAN reads input and output: its scores change with the input.
    gan = registry.get("pix2pix").build_tiny()
    assert gan.discriminator.input_shape == (None, 16, 16, 2)
    a, b = tf.constant(_images(1)), tf.constant(_images(1, seed=1))
    with tf.GradientTape() as tape:
        tape.watch(a)
        score = tf.reduce_sum(gan.discriminate(a, b))
    assert float(tf.reduce_max(tf.abs(tape.gradient(score, a)))) > 0
    # An unconditional discriminator (output channels only) does not fit.
    with pytest.raises(ValueError, match=r"input and output concatenated.*\(16, 16, 2\)"):
        Pix2Pix(gan.generator, patchgan.build_patchgan_discriminator(SHAPE, 2, 1))


def test_patchgan_size_and_unet_dropout():
    small = Pix2Pix.for_images((32, 32, 1), filters=2, discriminator_filters=2)
    large = Pix2Pix.for_images((64, 64, 3), filters=2, discriminator_filters=2)
    assert patchgan.receptive_field(small.discriminator) == 16  # the paper's 16×16 at 32 px
    assert patchgan.receptive_field(large.discriminator) == 70
    dropouts = [layer for layer in small.generator.layers if isinstance(layer, Dropout)]
    # After the first three of the five decoder layers (CD512-CD512-CD512-C512-...).
    assert [layer.name for layer in dropouts] == ["dropout_4", "dropout_3", "dropout_2"]
    assert all(layer.rate == 0.5 for layer in dropouts)
    # Their seed states are saved with the model, so a resumed run draws the same masks.
    assert len(small.layer_seed_generators()) == 3
    gan = Pix2Pix.for_images((16, 16, 1), output_channels=3, filters=2, discriminator_filters=2)
    assert gan.generator.output_shape == (None, 16, 16, 3)
    assert gan.discriminator.input_shape == (None, 16, 16, 4)


def test_translate_is_deterministic_unless_dropout_is_asked_for():
    gan = registry.get("pix2pix").build_tiny(seed=0)
    a = _images(4)
    np.testing.assert_array_equal(gan.translate(a), gan.translate(a))
    assert not np.allclose(gan.translate(a, dropout=True), gan.translate(a))


def test_dropout_masks_follow_the_global_batch():
    x = np.ones((4, 3, 3, 2), "float32")
    one_device = Dropout(0.5, seed=3)(x, training=True).numpy()
    assert 0 < (one_device == 0).mean() < 1
    np.testing.assert_array_equal(one_device[one_device != 0], 2.0)
    strategy = two_cpu_strategy()
    with strategy.scope():
        layer = Dropout(0.5, seed=3)
    batch = next(iter(strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors(x))))
    out = strategy.run(tf.function(lambda images: layer(images, training=True)), args=(batch,))
    replicas = np.concatenate([t.numpy() for t in strategy.experimental_local_results(out)])
    np.testing.assert_array_equal(replicas, one_device)


def test_digits_edges_pairs_edge_maps_with_digits():
    train_a, train_b, test_a, test_b, _, test_y = ganzoo.data.digits_edges(
        16, test_size=100, with_labels=True
    )
    assert train_a.shape == train_b.shape == (1697, 16, 16, 1)
    assert test_a.shape == (100, 16, 16, 1) and test_y.shape == (100,)
    np.testing.assert_array_equal(ganzoo.data.sobel_edges(test_b), test_a)
    assert train_a.min() == -1.0 and np.allclose(train_a.max((1, 2, 3)), 1.0)
    # A blank border has no edges; the digit's strokes do.
    assert (train_a[:, 0, 0, 0] == -1.0).mean() > 0.9


def test_aligned_pairs_shuffle_both_sides_together_and_refuse_unmatched():
    a = np.linspace(-1, 1, 8, dtype="float32")[:, None, None, None] * np.ones((1, 4, 4, 1))
    ds = ganzoo.data.aligned_pairs(a, -a, batch_size=4, seed=0)
    firsts = []
    for images_a, images_b in ds:
        np.testing.assert_array_equal(images_b, -images_a)
        firsts.append(float(images_a[0, 0, 0, 0]))
    assert firsts != [-1.0, a[4, 0, 0, 0]]  # shuffled
    with pytest.raises(ValueError, match=r"Unmatched pairs.*8 of \(4, 4, 1\) and 7"):
        ganzoo.data.aligned_pairs(a, a[:7])
    with pytest.raises(ValueError, match=r"Unmatched pairs.*\(4, 4, 1\).*\(5, 5, 1\)"):
        ganzoo.data.aligned_pairs(a, np.zeros((8, 5, 5, 1), "float32"))


def test_aligned_folders_pair_files_by_name(tmp_path):
    for side in ("a", "b"):
        os.makedirs(tmp_path / side)
    for i in range(6):
        value = 40 * i
        Image.fromarray(np.full((8, 8), value, "uint8")).save(tmp_path / "a" / f"{i}.png")
        rgb = np.full((8, 8, 3), 255 - value, "uint8")
        Image.fromarray(rgb).save(tmp_path / "b" / f"{i}.png")
    ds = ganzoo.data.aligned_folders(
        tmp_path / "a", tmp_path / "b", 8, 2, channels_a=1, channels_b=3, seed=0
    )
    batches = list(ds)
    assert len(batches) == 3
    for images_a, images_b in batches:
        assert images_a.shape == (2, 8, 8, 1) and images_b.shape == (2, 8, 8, 3)
        np.testing.assert_allclose(images_b[..., 0], -images_a[..., 0], atol=1e-6)
    os.remove(tmp_path / "b" / "5.png")
    Image.fromarray(np.zeros((8, 8), "uint8")).save(tmp_path / "b" / "x.png")
    with pytest.raises(
        ValueError, match=r"Unmatched pairs.*only in A: \['5'\].*only in B: \['x'\]"
    ):
        ganzoo.data.aligned_folders(tmp_path / "a", tmp_path / "b", 8, channels_a=1)


def test_ganzoo_train_pix2pix_defaults_to_digits_edges(tmp_path):
    from ganzoo import cli

    out = str(tmp_path / "run")
    argv = ["train", "pix2pix", "--epochs", "1", "--steps-per-epoch", "2", "--out", out]
    assert cli.main([*argv, "--batch-size", "4", "--filters", "2", "--l1-weight", "50"]) == 0
    assert os.path.exists(os.path.join(out, "epoch_0001.png"))
    gan = keras.models.load_model(os.path.join(out, "model.keras"))
    assert type(gan) is Pix2Pix and gan.l1_weight == 50.0
    assert gan.image_shape_a == gan.image_shape_b == (32, 32, 1)


def test_doc_pictures_are_edges_translation_target_rows(tmp_path):
    import importlib.util
    import sys
    from pathlib import Path

    script_path = Path(__file__).resolve().parents[2] / "scripts" / "make_doc_images.py"
    spec = importlib.util.spec_from_file_location("make_doc_images", script_path)
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # dataclasses look their module up
    spec.loader.exec_module(script)
    images = tmp_path / "images"
    argv = [
        "--quick",
        "--variants",
        "pix2pix",
        "--out",
        str(images),
        "--zoo",
        str(tmp_path / "z.md"),
    ]
    (result,) = script.main(argv)
    assert result.name == "pix2pix" and np.isfinite(result.fid)
    rows, scale = script.TRANSLATION_ROWS, script.SCALE
    with Image.open(images / "pix2pix_samples.png") as picture:
        # Rows of 3 images of 32 px (edges, G(edges), digit), 2 px padding, times SCALE.
        assert picture.size == (scale * (3 * 34 + 2), scale * (rows * 34 + 2))
    with Image.open(images / "pix2pix_thumb.png") as thumb:
        assert thumb.size == (3 * 34 + 2, rows * 34 + 2)
