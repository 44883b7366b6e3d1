"""Latent codes: where InfoGAN's codes sit in the generator's input, and how to set them.

InfoGAN (Chen et al., 2016) feeds its generator `[noise | one-hot code 1 | ... |
continuous codes]`; its recognition network Q answers with one logit per category of
every categorical code, then the continuous codes' means (and, when it learns them,
their log standard deviations). `LatentCodes` holds that layout and everything that
depends only on it: drawing latents, splitting them and Q's outputs into their parts,
building latents from codes a user gives, and the latents of a traversal. It knows no
network, so it is tested on its own (`tests/test_codes.py`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

CODE_KINDS = ("categorical", "continuous")


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """`value` as an int of at least `minimum`, or a `ValueError` naming `name`."""
    try:
        number = operator.index(value)
    except TypeError:
        number = None
    if isinstance(value, bool) or number is None or number < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}; got {value!r}.")
    return int(number)


def seeded_draw(seed: int | None) -> Callable:
    """A `draw(sampler, shape, **kwargs)` on a fresh `keras.random.SeedGenerator(seed)`.

    It has the signature of `ganzoo.GAN.draw`, for draws outside training (a seed of
    `None` follows `keras.utils.set_random_seed`).
    """
    generator = keras.random.SeedGenerator(seed)

    def draw(sampler: Callable, shape: Sequence, **kwargs):
        return sampler(tuple(shape), seed=generator, **kwargs)

    return draw


class LatentCodes:
    """The layout of a latent vector `[noise | one-hot categorical codes | continuous]`.

    Noise and continuous codes have the prior U(-1, 1), categories the uniform one (as
    in InfoGAN's paper and code).

    Args:
        noise_dim: size of the incompressible noise `z` (62 on MNIST).
        categorical: number of categories of each categorical code ((10,) on MNIST); an
            int for a single code.
        continuous: number of continuous codes (2 on MNIST).

    Example:
    >>> codes = LatentCodes(62, (10,), 2)
    >>> codes.latent_dim
    74
    >>> latents = codes.make(10, {"categorical": np.arange(10)}, seed=0)
    """

    def __init__(self, noise_dim: int = 62, categorical: Sequence[int] | int = (10,), continuous=2):
        self.noise_dim = positive_int(noise_dim, "noise_dim")
        if isinstance(categorical, (int, np.integer)):
            categorical = (categorical,)
        self.categorical = tuple(
            positive_int(k, "every categorical code's size", 2) for k in categorical
        )
        self.continuous = positive_int(continuous, "continuous_codes", 0)
        if not self.categorical and not self.continuous:
            raise ValueError("InfoGAN needs at least one categorical or continuous code.")

    def __repr__(self) -> str:
        return f"LatentCodes({self.noise_dim}, {self.categorical}, {self.continuous})"

    @property
    def latent_dim(self) -> int:
        """Width of the latent vector: noise, one-hot categories, continuous codes."""
        return self.noise_dim + sum(self.categorical) + self.continuous

    def q_output_dim(self, learn_std: bool = False) -> int:
        """Width of Q's output: category logits, means, and log-stds with `learn_std`."""
        return sum(self.categorical) + self.continuous * (2 if learn_std else 1)

    def check_widths(self, generator_inputs: int, q_outputs: int, learn_std: bool) -> None:
        """Raises `ValueError` unless a generator and a Q head of these widths fit."""
        if generator_inputs != self.latent_dim:
            raise ValueError(
                f"Expected a generator taking {self.latent_dim} inputs (noise {self.noise_dim} "
                f"+ codes); got one taking {generator_inputs}."
            )
        if q_outputs != self.q_output_dim(learn_std):
            raise ValueError(
                f"Expected a Q head with {self.q_output_dim(learn_std)} outputs for categorical "
                f"codes {self.categorical} and {self.continuous} continuous codes "
                f"(learn_std={learn_std}); got {q_outputs}."
            )

    def start(self, kind: str, index: int = 0) -> int:
        """Column of the latent vector where code `index` of `kind` begins."""
        if kind == "categorical":
            return self.noise_dim + sum(self.categorical[:index])
        return self.noise_dim + sum(self.categorical) + index

    # ------------------------------------------------------------------ drawing, splitting

    def sample(self, batch_size, draw: Callable):
        """Latents from the prior, drawn in the order noise, categories, continuous.

        Args:
            batch_size: number of latent vectors (this replica's, inside training).
            draw: `draw(sampler, shape, **kwargs)`, e.g. `ganzoo.GAN.draw` (so that a
                distributed model draws for the global batch) or `seeded_draw(seed)`.

        Returns:
            A float32 tensor of shape `(batch_size, latent_dim)`.
        """
        parts = [draw(keras.random.uniform, (batch_size, self.noise_dim), minval=-1.0)]
        for k in self.categorical:
            index = draw(keras.random.randint, (batch_size,), minval=0, maxval=k)
            parts.append(ops.one_hot(index, k, dtype="float32"))
        if self.continuous:
            parts.append(draw(keras.random.uniform, (batch_size, self.continuous), minval=-1.0))
        return ops.concatenate(parts, axis=1)

    def split(self, latents) -> dict[str, Any]:
        """Splits latent vectors `(n, latent_dim)` into their parts.

        Returns:
            A dict with `"noise"` `(n, noise_dim)`, `"categorical"` (a list of one-hot
            tensors `(n, k)`, one per code) and `"continuous"` `(n, continuous)`.
        """
        offset = self.noise_dim
        one_hots = []
        for k in self.categorical:
            one_hots.append(latents[:, offset : offset + k])
            offset += k
        return {
            "noise": latents[:, : self.noise_dim],
            "categorical": one_hots,
            "continuous": latents[:, offset : offset + self.continuous],
        }

    def split_q(self, q_outputs, learn_std: bool = False) -> dict[str, Any]:
        """Splits Q's outputs `(n, q_output_dim)` into their parts.

        Returns:
            A dict with `"categorical"` (a list of logits `(n, k)`, one per code),
            `"means"` `(n, continuous)` and `"log_stds"` (`(n, continuous)` with
            `learn_std`, else `None`).
        """
        offset, logits = 0, []
        for k in self.categorical:
            logits.append(q_outputs[:, offset : offset + k])
            offset += k
        c = self.continuous
        log_stds = q_outputs[:, offset + c : offset + 2 * c] if learn_std and c else None
        return {
            "categorical": logits,
            "means": q_outputs[:, offset : offset + c],
            "log_stds": log_stds,
        }

    def decode(self, q_outputs) -> dict[str, np.ndarray]:
        """Q's answer as codes: the most likely categories and the continuous means.

        Returns:
            `{"categorical": int array (n, number of categorical codes), "continuous":
            float array (n, continuous)}`.
        """
        parts = self.split_q(np.asarray(q_outputs))
        categories = [np.argmax(logits, axis=1) for logits in parts["categorical"]]
        n = len(parts["means"])
        categorical = np.stack(categories, axis=1) if categories else np.zeros((n, 0), int)
        return {"categorical": categorical, "continuous": parts["means"]}

    # ------------------------------------------------------------------ user codes

    def make(self, n: int, codes: Mapping[str, Any] | None = None, seed: int | None = None):
        """Latent vectors with the given codes; everything else drawn from the prior.

        Noise, categories and continuous codes are always drawn in that order from
        `seed`, then the given codes replace theirs, so the same seed gives the same
        noise whichever codes are set.

        Args:
            n: number of latent vectors.
            codes: optional `{"categorical": ..., "continuous": ...}`. Categorical: one
                integer for all images and codes, integers of shape `(n,)` (with one
                categorical code) or `(n, number of categorical codes)`. Continuous: one
                number, values of shape `(continuous,)` for every image, or `(n,
                continuous)`.
            seed: seed of the draws; `None` follows `keras.utils.set_random_seed`.

        Returns:
            A float32 tensor of shape `(n, latent_dim)`.
        """
        n = positive_int(n, "n")
        codes = dict(codes or {})
        unknown = set(codes) - set(CODE_KINDS)
        if unknown:
            raise ValueError(f"Expected codes among {CODE_KINDS}; got {sorted(unknown)}.")
        latents = np.array(self.sample(n, seeded_draw(seed)), dtype=np.float32)
        if codes.get("categorical") is not None:
            categories = self._categories(codes["categorical"], n)
            for j, k in enumerate(self.categorical):
                start = self.start("categorical", j)
                latents[:, start : start + k] = np.eye(k, dtype=np.float32)[categories[:, j]]
        if codes.get("continuous") is not None:
            start = self.start("continuous")
            latents[:, start : start + self.continuous] = self._continuous(codes["continuous"], n)
        return ops.convert_to_tensor(latents, "float32")

    def _categories(self, value, n: int) -> np.ndarray:
        if not self.categorical:
            raise ValueError("This InfoGAN has no categorical code; got categorical values.")
        array = np.asarray(value)
        count = len(self.categorical)
        if array.dtype.kind not in "iu":
            raise ValueError(f"Expected integer categories; got dtype {array.dtype}.")
        if array.ndim == 0:
            array = np.full((n, count), array)
        elif array.ndim == 1 and count == 1 and array.shape[0] == n:
            array = array[:, None]
        if array.shape != (n, count):
            raise ValueError(
                f"Expected categories as one integer, shape ({n},) or ({n}, {count}); "
                f"got shape {array.shape}."
            )
        for j, k in enumerate(self.categorical):
            if array[:, j].min() < 0 or array[:, j].max() >= k:
                raise ValueError(
                    f"Expected categories of code {j} in [0, {k}); got values from "
                    f"{array[:, j].min()} to {array[:, j].max()}."
                )
        return array.astype(np.int64)

    def _continuous(self, value, n: int) -> np.ndarray:
        array = np.asarray(value, dtype=np.float32)
        c = self.continuous
        if c == 0:
            raise ValueError("This InfoGAN has no continuous code; got continuous values.")
        if array.ndim == 0 or array.shape == (c,):
            array = np.broadcast_to(array, (n, c))
        if array.shape != (n, c):
            raise ValueError(
                f"Expected continuous codes as one number, shape ({c},) or ({n}, {c}); "
                f"got shape {array.shape}."
            )
        if not np.all(np.isfinite(array)):
            raise ValueError("Expected finite continuous codes; got NaN or infinity.")
        return np.array(array)

    def count(self, codes: Mapping[str, Any] | None) -> int:
        """The number of images that codes given per image ask for.

        Raises:
            ValueError: no code is given per image (one value for all says nothing of n).
        """
        codes = codes or {}
        categorical = codes.get("categorical")
        if categorical is not None and np.ndim(categorical) >= 1:
            return int(np.shape(categorical)[0])
        continuous = codes.get("continuous")
        if continuous is not None and np.ndim(continuous) == 2:
            return int(np.shape(continuous)[0])
        raise ValueError("generate needs n, latents, or codes given per image.")

    def traversal(
        self,
        code: str,
        steps: int | None = None,
        *,
        index: int = 0,
        rows: int = 10,
        value_range: tuple[float, float] = (-2.0, 2.0),
        seed: int | None = None,
    ):
        """Latents with one code varied along each row and everything else held.

        Args:
            code: `"categorical"` or `"continuous"`.
            steps: values per row; a categorical code takes all its categories (the
                default), a continuous one 10 evenly spaced values in `value_range`.
            index: which code of that kind (0 for the first).
            rows: rows, each with its own draw of the noise and the other codes.
            value_range: range of a continuous code (InfoGAN's figures use -2 to 2,
                beyond the prior's [-1, 1]).
            seed: seed of the draws.

        Returns:
            A float32 tensor of shape `(rows · steps, latent_dim)`, row-major: row `r`,
            step `s` at `r · steps + s`.
        """
        rows = positive_int(rows, "rows")
        if code not in CODE_KINDS:
            raise ValueError(f"Expected code 'categorical' or 'continuous'; got {code!r}.")
        count = len(self.categorical) if code == "categorical" else self.continuous
        if not 0 <= int(index) < count:
            raise ValueError(f"Expected a {code} code index in [0, {count}); got {index!r}.")
        index = int(index)
        base = np.asarray(self.make(rows, seed=seed))
        if code == "categorical":
            k = self.categorical[index]
            steps = k if steps is None else positive_int(steps, "steps")
            if steps > k:
                raise ValueError(f"Categorical code {index} has {k} categories; got steps={steps}.")
            values, width = np.eye(k, dtype=np.float32)[:steps], k
        else:
            steps = 10 if steps is None else positive_int(steps, "steps")
            low, high = (float(v) for v in value_range)
            values, width = np.linspace(low, high, steps, dtype=np.float32)[:, None], 1
        start = self.start(code, index)
        latents = np.repeat(base, steps, axis=0)
        latents[:, start : start + width] = np.tile(values, (rows, 1))
        return ops.convert_to_tensor(latents, "float32")
