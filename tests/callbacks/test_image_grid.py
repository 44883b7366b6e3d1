"""`ganzoo.callbacks.ImageGrid`: PNG per epoch, GIF, TensorBoard, fixed latents, layouts."""

import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import ganzoo
from ganzoo.callbacks import ImageGrid, image_grid

SHAPE = (16, 16, 1)


def _dcgan(shape=SHAPE, seed=1):
    return ganzoo.DCGAN.for_images(shape, latent_dim=8, base_filters=4, seed=seed)


def _png(path):
    with Image.open(path) as image:
        return np.array(image), image.mode


def _run_epochs(callback, model, epochs, first=0, change=False):
    """Drives a callback through epochs `first..epochs-1` without training; `change`
    shifts the generator's weights before each epoch's end, as training would."""
    callback.set_model(model)
    callback.set_params({"epochs": epochs, "steps": 1, "verbose": 0})
    callback.on_train_begin()
    for epoch in range(first, epochs):
        if change:
            for weight in model.generator.trainable_weights:
                weight.assign(weight * 0.9 + 0.01)
        callback.on_epoch_end(epoch, {})
    callback.on_train_end()


def _image_summaries(folder):
    """`(tag, step, plugin, decoded picture)` of every summary in the event files."""
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            if name.startswith("events.out.tfevents"):
                for event in tf.compat.v1.train.summary_iterator(os.path.join(root, name)):
                    for value in event.summary.value:
                        width, height, png = value.tensor.string_val
                        picture = tf.image.decode_png(png).numpy()
                        assert picture.shape[:2] == (int(height), int(width))
                        plugin = value.metadata.plugin_data.plugin_name
                        found.append((value.tag, event.step, plugin, picture))
    return found


def test_png_every_epochs_gif_and_tensorboard(tmp_path, tiny_images):
    gan = _dcgan()
    gan.compile()
    before = _png_of(gan, n=16)
    grid = ImageGrid(tmp_path / "grids", every=2, n=16, tensorboard_dir=str(tmp_path / "tb"))
    gan.fit(tiny_images(SHAPE), epochs=3, callbacks=[grid], verbose=0)

    names = sorted(os.listdir(tmp_path / "grids"))
    # Every 2nd epoch and always the last one.
    assert names == ["epoch_0002.png", "epoch_0003.png", "progress.gif"]
    picture, mode = _png(tmp_path / "grids" / "epoch_0003.png")
    assert mode == "L" and picture.shape == (4 * 18 + 2, 4 * 18 + 2)
    # The grid is the model's samples for the fixed latents, now trained.
    np.testing.assert_array_equal(picture, _png_of(gan, n=16)[..., 0])
    assert not np.array_equal(picture, before[..., 0])

    with Image.open(tmp_path / "grids" / "progress.gif") as gif:
        assert gif.n_frames == 2 and gif.size == (74, 74)
    # TensorBoard's image format (what tf.summary.image writes): the grids of epochs 2, 3.
    summaries = _image_summaries(tmp_path / "tb")
    assert [(tag, step, plugin) for tag, step, plugin, _ in summaries] == [
        ("samples", 2, "images"),
        ("samples", 3, "images"),
    ]
    np.testing.assert_array_equal(summaries[1][3][..., 0], picture)


def _png_of(gan, n, seed=0, columns=None):
    return image_grid(gan.generate(n, seed=seed), columns)


def test_same_latents_every_time(tmp_path):
    gan = _dcgan()
    grid = ImageGrid(tmp_path, n=9, gif=False)
    _run_epochs(grid, gan, epochs=2)
    first, _ = _png(tmp_path / "epoch_0001.png")
    second, _ = _png(tmp_path / "epoch_0002.png")
    np.testing.assert_array_equal(first, second)
    assert first.std() > 0  # real samples, not a blank picture
    assert not os.path.exists(tmp_path / "progress.gif")
    # A different seed gives other latents.
    other = ImageGrid(tmp_path / "other", n=9, seed=5)
    _run_epochs(other, gan, epochs=1)
    assert not np.array_equal(first, _png(tmp_path / "other" / "epoch_0001.png")[0])


def test_rgb(tmp_path):
    gan = _dcgan((16, 16, 3))
    _run_epochs(ImageGrid(tmp_path, n=4), gan, epochs=1)
    picture, mode = _png(tmp_path / "epoch_0001.png")
    assert mode == "RGB" and picture.shape == (2 * 18 + 2, 2 * 18 + 2, 3)
    np.testing.assert_array_equal(picture, _png_of(gan, 4))
    with Image.open(tmp_path / "progress.gif") as gif:
        assert gif.n_frames == 1


def test_gif_covers_a_resumed_run_but_not_a_longer_earlier_one(tmp_path):
    gan = _dcgan()
    # An earlier run in the same folder went to epoch 5.
    _run_epochs(ImageGrid(tmp_path, n=4), gan, epochs=5, change=True)
    # This run: epochs 1-2, then resumed for epoch 3 (a new callback, as after a crash).
    # (Pillow merges identical consecutive frames, so the weights change every epoch.)
    _run_epochs(ImageGrid(tmp_path, n=4), gan, epochs=2, change=True)
    _run_epochs(ImageGrid(tmp_path, n=4), gan, epochs=3, first=2, change=True)
    with Image.open(tmp_path / "progress.gif") as gif:
        assert gif.n_frames == 3


def test_bad_arguments():
    with pytest.raises(ValueError, match="every must be a positive integer"):
        ImageGrid("x", every=0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        ImageGrid("x", n=0)
    with pytest.raises(ValueError, match=r"pair \(images_a, images_b\)"):
        ImageGrid("x", inputs=np.zeros((2, 8, 8, 3)))


def test_inputs_for_a_model_without_them(tmp_path):
    images = np.zeros((2, *SHAPE), "float32")
    with pytest.raises(ValueError, match="DCGAN samples its grids and takes no inputs"):
        _run_epochs(ImageGrid(tmp_path, inputs=(images, images)), _dcgan(), epochs=1)


def test_cgan_one_row_per_class(tmp_path):
    from ganzoo.models.cgan import CGAN

    gan = CGAN.for_images(SHAPE, 3, latent_dim=8, base_filters=4, seed=1)
    _run_epochs(ImageGrid(tmp_path, n=12), gan, epochs=1)
    picture, _ = _png(tmp_path / "epoch_0001.png")
    # 3 rows (classes 0, 1, 2) of 4 samples each.
    assert picture.shape == (3 * 18 + 2, 4 * 18 + 2)
    labels = np.repeat(np.arange(3), 4)
    expected = image_grid(gan.generate(labels=labels, seed=0), columns=4)
    np.testing.assert_array_equal(picture, expected[..., 0])
    # Row r really is class r: it differs from the same latents with another class.
    wrong = image_grid(gan.generate(labels=(labels + 1) % 3, seed=0), columns=4)
    assert not np.array_equal(picture, wrong[..., 0])


def test_infogan_code_traversal(tmp_path):
    from ganzoo.models.infogan import InfoGAN

    gan = InfoGAN.for_images(SHAPE, noise_dim=4, categorical_codes=(3,), base_filters=4, seed=1)
    _run_epochs(ImageGrid(tmp_path, n=6), gan, epochs=1)
    picture, _ = _png(tmp_path / "epoch_0001.png")
    # 2 rows of 3 columns, one per category; each row holds noise and other codes fixed.
    assert picture.shape == (2 * 18 + 2, 3 * 18 + 2)
    latents = np.asarray(gan.traversal_latents("categorical", 3, rows=2, seed=0))
    categorical = latents[:, 4:7].reshape(2, 3, 3)
    np.testing.assert_array_equal(categorical[0], np.eye(3))
    np.testing.assert_array_equal(
        latents.reshape(2, 3, -1)[:, 0, :4], latents.reshape(2, 3, -1)[:, 2, :4]
    )
    expected = image_grid(gan.generate(latents=latents), columns=3)
    np.testing.assert_array_equal(picture, expected[..., 0])


def test_cyclegan_input_translation_reconstruction(tmp_path):
    from ganzoo.models.cyclegan import CycleGAN

    shape = (16, 16, 3)
    gan = CycleGAN.for_images(
        shape, filters=4, residual_blocks=1, discriminator_filters=4, discriminator_layers=1
    )
    rng = np.random.default_rng(0)
    a, b = (rng.uniform(-1, 1, (3, *shape)).astype("float32") for _ in range(2))

    # Without fixed inputs the grid cannot be made: refused before training.
    with pytest.raises(ValueError, match=r"pass inputs=\(images_a, images_b\)"):
        _run_epochs(ImageGrid(tmp_path / "none", n=12), gan, epochs=1)

    _run_epochs(ImageGrid(tmp_path, n=12, inputs=(a, b)), gan, epochs=1)
    picture, mode = _png(tmp_path / "epoch_0001.png")
    # n=12: 2 rows of a, G(a), F(G(a)), b, F(b), G(F(b)).
    assert mode == "RGB" and picture.shape == (2 * 18 + 2, 6 * 18 + 2, 3)

    def tile(row, column):
        top, left = 2 + row * 18, 2 + column * 18
        return picture[top : top + 16, left : left + 16]

    def pixels(images):
        return np.clip((np.asarray(images) + 1) * 127.5, 0, 255).round().astype(np.uint8)

    fake_b = gan.translate(a[:2], "a2b")
    fake_a = gan.translate(b[:2], "b2a")
    for row in range(2):
        np.testing.assert_array_equal(tile(row, 0), pixels(a[row]))
        np.testing.assert_array_equal(tile(row, 1), pixels(fake_b[row]))
        np.testing.assert_array_equal(tile(row, 2), pixels(gan.translate(fake_b, "b2a")[row]))
        np.testing.assert_array_equal(tile(row, 3), pixels(b[row]))
        np.testing.assert_array_equal(tile(row, 4), pixels(fake_a[row]))
        np.testing.assert_array_equal(tile(row, 5), pixels(gan.translate(fake_a, "a2b")[row]))


def test_channel_mismatch_in_model_refused_before_training(tmp_path, tiny_images):
    """A model whose grid_images returns something that is not images fails at train begin."""

    class Broken(ganzoo.DCGAN):
        def grid_images(self, n, seed=0):
            return np.zeros((n, 16, 16, 2), "float32"), None

    gan = Broken(_dcgan().generator, _dcgan().discriminator, 8)
    gan.compile()
    weights = [np.array(w) for w in gan.generator.weights]
    with pytest.raises(ValueError, match=r"grid_images\(4\) must return images"):
        gan.fit(tiny_images(SHAPE), epochs=1, callbacks=[ImageGrid(tmp_path, n=4)], verbose=0)
    for before, after in zip(weights, gan.generator.weights, strict=True):
        np.testing.assert_array_equal(before, np.array(after))
