"""`ganzoo.codes.LatentCodes`, tested without networks."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganzoo.codes import LatentCodes, seeded_draw

CODES = LatentCodes(4, (3, 5), 2)  # [noise 0:4 | cat 4:7 | cat 7:12 | continuous 12:14]


def test_layout():
    assert CODES.latent_dim == 14
    assert (CODES.q_output_dim(), CODES.q_output_dim(learn_std=True)) == (10, 12)
    assert CODES.start("categorical", 1) == 7 and CODES.start("continuous", 1) == 13
    assert LatentCodes(62, 10, 2).categorical == (10,)  # one code may be an int
    assert repr(CODES) == "LatentCodes(4, (3, 5), 2)"


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        ((0, (10,), 2), "noise_dim must be an integer of at least 1"),
        ((4, (1,), 2), "every categorical code's size must be an integer of at least 2"),
        ((4, (10,), -1), "continuous_codes must be an integer of at least 0"),
        ((4, (10,), True), "continuous_codes"),
        ((4, (), 0), "at least one categorical or continuous code"),
    ],
)
def test_bad_layouts_are_refused(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        LatentCodes(*args)


def test_sample_draws_through_the_given_draw_in_order():
    calls = []

    def draw(sampler, shape, **kwargs):
        calls.append((sampler, tuple(shape), kwargs))
        return sampler(tuple(shape), seed=0, **kwargs)

    latents = np.asarray(CODES.sample(6, draw))
    assert latents.shape == (6, 14)
    assert calls == [
        (keras.random.uniform, (6, 4), {"minval": -1.0}),
        (keras.random.randint, (6,), {"minval": 0, "maxval": 3}),
        (keras.random.randint, (6,), {"minval": 0, "maxval": 5}),
        (keras.random.uniform, (6, 2), {"minval": -1.0}),
    ]
    parts = CODES.split(latents)
    for one_hot, k in zip(parts["categorical"], (3, 5), strict=True):
        assert one_hot.shape == (6, k) and np.all(one_hot.sum(axis=1) == 1)
    assert np.all(np.abs(parts["noise"]) <= 1) and np.all(np.abs(parts["continuous"]) <= 1)
    # Without continuous codes nothing is drawn for them.
    calls.clear()
    LatentCodes(4, (3,), 0).sample(2, draw)
    assert len(calls) == 2


def test_split_q_and_decode():
    q = np.arange(12, dtype=np.float32)[None].repeat(2, axis=0)
    q[1, 4] = 100.0  # second example: category 0 of the second code
    parts = CODES.split_q(q, learn_std=True)
    assert [p.shape for p in parts["categorical"]] == [(2, 3), (2, 5)]
    np.testing.assert_array_equal(parts["means"], q[:, 8:10])
    np.testing.assert_array_equal(parts["log_stds"], q[:, 10:12])
    assert CODES.split_q(q[:, :10])["log_stds"] is None
    decoded = CODES.decode(q)  # the log-stds are ignored
    assert decoded["categorical"].tolist() == [[2, 4], [2, 1]]
    np.testing.assert_array_equal(decoded["continuous"], q[:, 8:10])
    assert LatentCodes(4, (), 2).decode(np.zeros((3, 2)))["categorical"].shape == (3, 0)


def test_make_sets_codes_and_keeps_the_noise():
    free = np.asarray(CODES.make(5, seed=0))
    # The same draws as `sample` on a seeded generator.
    np.testing.assert_array_equal(free, np.asarray(CODES.sample(5, seeded_draw(0))))
    fixed = np.asarray(CODES.make(5, {"categorical": [[1, 4]] * 5, "continuous": 0.5}, seed=0))
    np.testing.assert_array_equal(fixed[:, :4], free[:, :4])
    parts = CODES.split(fixed)
    assert np.argmax(parts["categorical"][0], 1).tolist() == [1] * 5
    assert np.argmax(parts["categorical"][1], 1).tolist() == [4] * 5
    np.testing.assert_array_equal(parts["continuous"], 0.5)
    one_code = LatentCodes(2, (10,), 1)
    per_image = np.asarray(one_code.make(3, {"categorical": np.array([7, 0, 3])}, seed=1))
    assert np.argmax(per_image[:, 2:12], 1).tolist() == [7, 0, 3]


@pytest.mark.parametrize(
    ("codes", "pattern"),
    [
        ({"rotation": 1}, "Expected codes among"),
        ({"categorical": 1.5}, "integer categories"),
        ({"categorical": [1, 2]}, r"shape \(3,\) or \(3, 2\)"),
        ({"categorical": [[0, 5]] * 3}, r"code 1 in \[0, 5\)"),
        ({"continuous": [1.0, 2.0, 3.0]}, r"shape \(2,\) or \(3, 2\)"),
        ({"continuous": np.nan}, "finite"),
    ],
)
def test_make_refuses_bad_codes(codes, pattern):
    with pytest.raises(ValueError, match=pattern):
        CODES.make(3, codes)


def test_codes_of_a_missing_kind_are_refused():
    with pytest.raises(ValueError, match="no continuous code"):
        LatentCodes(4, (3,), 0).make(2, {"continuous": 0.0})
    with pytest.raises(ValueError, match="no categorical code"):
        LatentCodes(4, (), 2).make(2, {"categorical": 0})


def test_count():
    assert CODES.count({"categorical": [[0, 0]] * 4}) == 4
    assert CODES.count({"categorical": 1, "continuous": np.zeros((3, 2))}) == 3
    with pytest.raises(ValueError, match="codes given per image"):
        CODES.count({"categorical": 1, "continuous": [0.0, 0.0]})


def test_traversal_varies_one_code_per_row():
    latents = np.asarray(CODES.traversal("categorical", index=1, rows=2, seed=3))
    assert latents.shape == (10, 14)
    rows = latents.reshape(2, 5, 14)
    np.testing.assert_array_equal(rows[:, :, 7:12], np.tile(np.eye(5), (2, 1, 1)))
    # Everything but the traversed code is constant along a row, and rows differ.
    held = np.delete(rows, np.s_[7:12], axis=2)
    assert np.all(held == held[:, :1]) and not np.allclose(held[0], held[1])
    continuous = np.asarray(
        CODES.traversal("continuous", 3, index=1, rows=1, value_range=(-1, 1), seed=3)
    )
    np.testing.assert_allclose(continuous[:, 13], [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(continuous[:, :13], continuous[:1, :13].repeat(3, 0))


@pytest.mark.parametrize(
    ("args", "kwargs", "pattern"),
    [
        (("rotation",), {}, "'categorical' or 'continuous'"),
        (("continuous",), {"index": 2}, r"index in \[0, 2\)"),
        (("categorical", 4), {}, "3 categories"),
        (("categorical",), {"rows": 0}, "rows must be"),
    ],
)
def test_traversal_refuses_bad_requests(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        CODES.traversal(*args, **kwargs)
