"""`ganzoo.augment.DiffAugment` against the reference arithmetic, and `augment=`."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo.augment import DiffAugment


def _reference(x, d, policy, translation_ratio=0.125, cutout_ratio=0.5):
    """NumPy restatement of mit-han-lab/data-efficient-gans DiffAugment_tf.py, fed
    the given draws instead of tf.random ones."""
    x = np.array(x, dtype=np.float64)
    b, h, w, _ = x.shape
    for op in policy.split(","):
        if op == "color":
            x = x + (d["brightness"] - 0.5)
            m = x.mean(axis=3, keepdims=True)
            x = (x - m) * (d["saturation"] * 2) + m
            m = x.mean(axis=(1, 2, 3), keepdims=True)
            x = (x - m) * (d["contrast"] + 0.5) + m
        elif op == "translation":
            gx = np.clip(np.arange(h)[None] + d["tx"] + 1, 0, h + 1)
            gy = np.clip(np.arange(w)[None] + d["ty"] + 1, 0, w + 1)
            p = np.pad(x, [[0, 0], [1, 1], [0, 0], [0, 0]])
            x = np.stack([p[i, gx[i]] for i in range(b)])
            p = np.pad(x, [[0, 0], [0, 0], [1, 1], [0, 0]])
            x = np.stack([p[i][:, gy[i]] for i in range(b)])
        else:
            cx, cy = int(h * cutout_ratio + 0.5), int(w * cutout_ratio + 0.5)
            counts = np.zeros((b, h, w))
            for i in range(b):
                for u in range(cx):
                    for v in range(cy):
                        r = min(max(u + d["ox"][i, 0] - cx // 2, 0), h - 1)
                        c = min(max(v + d["oy"][i, 0] - cy // 2, 0), w - 1)
                        counts[i, r, c] += 1  # scatter_nd adds duplicates
            x = x * np.maximum(1 - counts, 0)[..., None]
    return x


def _draw_from(seed):
    generator = np.random.default_rng(seed)

    def draw(sampler, shape, minval=0, maxval=None, **kwargs):
        shape = tuple(int(s) for s in shape)
        if maxval is None:
            return tf.constant(generator.uniform(size=shape), tf.float32)
        return tf.constant(generator.integers(minval, maxval, size=shape), tf.int32)

    return draw


@pytest.mark.parametrize("policy", ["color,translation,cutout", "translation", "cutout"])
@pytest.mark.parametrize("shape", [(6, 8, 8, 3), (5, 9, 7, 1)])
def test_diffaugment_equals_the_reference_on_fixed_draws(policy, shape):
    images = np.random.default_rng(1).uniform(-1, 1, shape).astype("float32")
    augment = DiffAugment(policy)
    for seed in range(4):
        draws = augment.draws(tf.constant(images), _draw_from(seed))
        ours = augment.apply(tf.constant(images), draws)
        expected = _reference(images, {k: np.asarray(v) for k, v in draws.items()}, policy)
        np.testing.assert_allclose(np.asarray(ours), expected, atol=1e-5)


@pytest.mark.parametrize("policy", ["colour", "", "color,flip"])
def test_unknown_policies_are_refused(policy):
    with pytest.raises(ValueError, match=r"\['color', 'translation', 'cutout'\]"):
        DiffAugment(policy)


def test_unknown_names_are_refused():
    with pytest.raises(
        ValueError, match=r"\['diffaugment', 'ada'\] or a ganzoo.augment object; got 'diffaug'"
    ):
        ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=4, base_filters=4, augment="diffaug")


def test_augment_applies_in_training_only_and_survives_keras_files(tmp_path, tiny_images):
    gan = ganzoo.DCGAN.for_images(
        (16, 16, 1), latent_dim=4, base_filters=4, augment=DiffAugment("color,cutout"), seed=1
    )
    images = tf.constant(np.random.default_rng(3).uniform(-1, 1, (4, 16, 16, 1)), "float32")
    assert np.array_equal(gan.discriminator_view(images, training=False), images)
    assert not np.allclose(gan.discriminator_view(images), images)
    gan.compile()
    gan.fit(tiny_images((16, 16, 1)), epochs=1, verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(loaded.augment, DiffAugment) and loaded.augment.policy == "color,cutout"


def test_gradients_reach_the_generator_through_the_augmentation():
    # D's gradient must reach G's fakes through DiffAugment. With fixed draws the
    # gradient of sum(cutout(shift(x))) is 1 where a pixel survives, else 0.
    augment = DiffAugment("translation,cutout")
    x = tf.Variable(np.random.default_rng(5).uniform(-1, 1, (2, 8, 8, 1)).astype("float32"))
    draws = {
        "tx": tf.constant([[0], [1]]),
        "ty": tf.constant([[0], [-1]]),
        "ox": tf.constant([[0], [4]]),
        "oy": tf.constant([[0], [4]]),
    }
    with tf.GradientTape() as tape:
        y = augment.apply(x, draws)
        total = tf.reduce_sum(y)
    gradient = np.asarray(tape.gradient(total, x))
    kept = np.asarray(augment.apply(tf.ones_like(x), draws))
    # Image 0: no shift, a 4×4 square centred on the corner: 64 - 4 pixels pass.
    assert gradient[0].sum() == 60
    np.testing.assert_array_equal(gradient[0], kept[0])
    # Image 1: shifted by one row and column, cut in the middle. The shift is one to
    # one, so each output pixel that holds an input pixel passes gradient 1 to it.
    assert set(np.unique(gradient[1])) == {0.0, 1.0}
    assert gradient[1].sum() == kept[1].sum() == 64 - 15 - 16
