"""Previews: the cheap first batch of a ganzoo dataset, kept off the tf.data objects."""

import gc

import numpy as np

import ganzoo


def _labels(element):
    return np.asarray(element[1]).tolist()


def test_a_derived_dataset_has_a_preview_only_when_handed_on():
    ds = ganzoo.data.load("digits", batch_size=16, seed=3)
    first = ganzoo.data.preview(ds)
    assert first is not None and not hasattr(ds, "_ganzoo_preview")
    assert ganzoo.data.preview(ds.take(2)) is None
    short = ganzoo.data.keep_preview(ds.take(2), ds)
    assert ganzoo.data.preview(short) is first
    # peek answers from the preview (the unshuffled first batch), not the shuffled data.
    preview_labels = _labels(ganzoo.data.peek(short))
    assert preview_labels == _labels(next(iter(first)))
    assert preview_labels != _labels(ganzoo.data.peek(ds.take(2)))


def test_a_transform_is_applied_to_the_preview():
    ds = ganzoo.data.load("digits", batch_size=4, seed=0, with_labels=False)
    flipped = ganzoo.data.keep_preview(
        ds.map(lambda x: -x), ds, lambda first: first.map(lambda x: -x)
    )
    np.testing.assert_array_equal(
        next(iter(ganzoo.data.preview(flipped))), -next(iter(ganzoo.data.preview(ds)))
    )


def test_a_preview_goes_with_its_dataset():
    ds = ganzoo.data.load("digits", batch_size=4, seed=0)
    table = ganzoo.data.previews._PREVIEWS
    before = len(table)
    del ds
    gc.collect()
    assert len(table) < before
