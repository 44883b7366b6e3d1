"""`ganzoo.data.semi_supervised`: few balanced labels, -1 elsewhere, labelled share per batch."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import ganzoo.data as gd
from ganzoo.data import semi_supervised


def test_choose_labelled_is_balanced_and_seeded():
    labels = np.repeat(np.arange(10), 30)
    chosen = semi_supervised.choose_labelled(labels, 50, seed=3)
    assert chosen.shape == (50,) and len(set(chosen)) == 50
    np.testing.assert_array_equal(np.bincount(labels[chosen], minlength=10), [5] * 10)
    np.testing.assert_array_equal(chosen, semi_supervised.choose_labelled(labels, 50, seed=3))
    assert not np.array_equal(chosen, semi_supervised.choose_labelled(labels, 50, seed=4))
    counts = np.bincount(labels[semi_supervised.choose_labelled(labels, 13, seed=0)])
    assert counts.sum() == 13 and set(counts) == {1, 2}


@pytest.mark.parametrize(
    ("count", "pattern"),
    [(0, "positive integer"), (301, "more than the 300"), (2.5, "positive integer")],
)
def test_choose_labelled_refuses_bad_counts(count, pattern):
    with pytest.raises(ValueError, match=pattern):
        semi_supervised.choose_labelled(np.repeat(np.arange(10), 30), count, seed=0)


def test_choose_labelled_names_a_short_class():
    labels = np.array([0] * 20 + [1] * 2)
    with pytest.raises(ValueError, match="needs 5 examples of class 1; got 2"):
        semi_supervised.choose_labelled(labels, 10, seed=0)


def test_load_keeps_n_labels_and_a_labelled_share_per_batch(digits):
    images, true_labels = digits
    ds = gd.load("digits", batch_size=64, labelled=50, seed=0, shuffle_buffer=2000)
    kept = ds.labelled_indices
    assert kept.shape == (50,)
    np.testing.assert_array_equal(np.bincount(true_labels[kept], minlength=10), [5] * 10)
    assert int(ds.cardinality()) == len(true_labels) // (64 - 8)
    by_image = {images[i].tobytes(): int(true_labels[i]) for i in kept}
    seen = set()
    for x, y in ds.as_numpy_iterator():
        assert x.shape == (64, 32, 32, 1) and y.shape == (64,)
        assert (y >= 0).sum() >= 8  # ceil(64 / 8)
        assert set(np.unique(y)) <= set(range(-1, 10))
        for image, label in zip(x[y >= 0], y[y >= 0], strict=True):
            assert by_image[image.tobytes()] == label  # only kept labels, the true ones
            seen.add(image.tobytes())
    assert len(seen) == 50


def test_from_arrays_is_endless_with_the_labelled_share():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 12)
    images = rng.uniform(-1, 1, (120, 4, 4, 1)).astype("float32")
    ds = semi_supervised.from_arrays(images, labels, labelled=20, batch_size=16, seed=0)
    np.testing.assert_array_equal(np.bincount(labels[ds.labelled_indices]), [2] * 10)
    batches = list(ds.take(30).as_numpy_iterator())  # 30 batches of 16: past one epoch
    assert all(x.shape == (16, 4, 4, 1) and (y >= 0).sum() >= 2 for x, y in batches)
    kept = {images[i].tobytes(): labels[i] for i in ds.labelled_indices}
    for x, y in batches:
        assert all(
            kept[image.tobytes()] == label
            for image, label in zip(x[y >= 0], y[y >= 0], strict=True)
        )


def test_load_is_reproducible_per_epoch():
    def first(seed):
        gd.set_epoch(2)
        try:
            ds = gd.load("digits", batch_size=32, labelled=20, seed=seed)
            return next(iter(ds))[1].numpy()
        finally:
            gd.set_epoch(None)

    np.testing.assert_array_equal(first(1), first(1))
    assert not np.array_equal(first(1), first(2))


def test_load_refuses_unusable_requests():
    with pytest.raises(ValueError, match="class labels"):
        gd.load("digits", batch_size=32, labelled=20, with_labels=False)
    with pytest.raises(ValueError, match="batch_size=None"):
        gd.load("digits", batch_size=None, labelled=20)
    with pytest.raises(ValueError, match="more than the 1797"):
        gd.load("digits", batch_size=32, labelled=5000)


def test_folder_unlabelled_subfolder_is_minus_one(tmp_path):
    for name, level in [("cats", 0), ("dogs", 255), ("unlabelled", 128)]:
        for i in range(2):
            path = tmp_path / name / f"{i}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("L", (8, 8), level).save(path)
    ds = gd.image_folder(
        tmp_path, 8, batch_size=None, channels=1, shuffle=False, labels_from_subdirs=True
    )
    assert ds.class_names == ["cats", "dogs"]
    pairs = {round((float(x[0, 0, 0]) + 1) * 127.5): int(y) for x, y in ds.as_numpy_iterator()}
    assert pairs == {0: 0, 255: 1, 128: -1}


def test_check_has_labelled_scans_past_the_first_batch():
    images = np.zeros((16, 4, 4, 1), "float32")
    later = np.array([-1] * 12 + [2] + [-1] * 3, "int32")
    data = tf.data.Dataset.from_tensor_slices((images, later)).batch(4)
    semi_supervised.check_has_labelled(data)
    none = tf.data.Dataset.from_tensor_slices((images, np.full(16, -1, "int32"))).batch(4)
    with pytest.raises(ValueError, match=r"labelled image.*none at all"):
        semi_supervised.check_has_labelled(none)
    with pytest.raises(ValueError, match=r"first 1,000 batches"):
        semi_supervised.check_has_labelled(none.repeat())
    with pytest.raises(ValueError, match="none at all"):
        semi_supervised.check_has_labelled((images, np.full(16, -1)))


@pytest.mark.parametrize(
    ("labels", "pattern"),
    [([0, 3], r"\[-1, 3\).*\[0, 3\]"), ([-2, 0], r"\[-1, 3\).*\[-2, 0\]"), ([0.0], "integer")],
)
def test_check_labels(labels, pattern):
    semi_supervised.check_labels(np.array([-1, 0, 2]), 3)
    with pytest.raises(ValueError, match=pattern):
        semi_supervised.check_labels(np.array(labels), 3)
