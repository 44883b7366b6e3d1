"""`FID`: the Fréchet Inception Distance (and KID) of the generator, logged during `fit`.

FID (Heusel et al., 2017, arXiv:1706.08500) and KID (Bińkowski et al., 2018,
arXiv:1801.01401) compare features of real and generated images; `ganzoo.metrics`
computes them. This module adds what training needs: real statistics computed once
(and cached on disk), generated samples drawn from fixed latents in chunks with a
progress bar, and the value put into every epoch's `logs`, so `History`, `CSVLogger`,
`TensorBoard`, `EarlyStopping` and `ModelCheckpoint` see it.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from typing import Any

import keras
import numpy as np

from ganzoo.callbacks.sources import ARRAY_BATCH, extract, image_batches, model_batches
from ganzoo.metrics import FeatureStatistics, fid_from_statistics, get_extractor, prdc
from ganzoo.metrics.precision_recall import DEFAULT_K as PRDC_K
from ganzoo.metrics.scores import kid_from_features

DEFAULT_NUM_SAMPLES = 10_000


class FID(keras.callbacks.Callback):
    """Puts the generator's FID (and optionally KID) into every epoch's `logs`.

    The real statistics are computed when training begins, from up to `num_samples`
    images of `real_data`, or read from the cache when a `cache_key` is given. The
    generated statistics come from `num_samples` images of `model.generate`, from the
    same latents every time, after the first epoch of each `fit` (also a resumed one),
    every `every` epochs after (epochs `every`, `2·every`, ... counted from 1) and
    after the last epoch. In between, `logs` hold the last computed value, and
    `fid_epoch` the epoch that computed it, so every epoch's logs have the same keys:

    | key | value |
    |---|---|
    | `fid` | the FID (lower is better) |
    | `fid_epoch` | the epoch (counted from 1) whose generator produced `fid` |
    | `kid`, `kid_std` | with `kid=True`: KID's mean and std over 100 subsets |
    | `precision`, `recall`, `density`, `coverage` | with `prdc=True`: `ganzoo.metrics.prdc` (k=5) on the same features |

    **Place it before the callbacks that read it** (`CSVLogger` fixes its columns from
    the first epoch's logs; `TensorBoard`, `EarlyStopping`, `ModelCheckpoint` read
    `logs` when their turn comes; `History` comes last by itself). `EarlyStopping`'s
    `patience` counts epochs, in which a repeated value is no improvement: make it
    larger than `every`.

    Every value says what produced it: each evaluation is printed (with `verbose=1`)
    as e.g. `Epoch 5: FID 31.2 (fid_inception; 10000 real, 10000 fake) in 95 s`, kept
    in `evaluations` as `ganzoo.metrics.Score`s (extractor, sample counts,
    `comparable_with_papers`) and, with `log_file`, appended to a JSON-lines file.
    FIDs are only comparable for the same extractor and sample counts; only the
    default extractor, `"fid_inception"`, gives numbers comparable with papers.

    Under a `tf.distribute` strategy the samples are generated in the cross-replica
    context from the mirrored weights; every worker of a multi-worker run computes
    the same value.

    Args:
        real_data: real images in [-1, 1]: a `tf.data.Dataset` of batches (images or
            `(images, labels)`; may repeat forever), an array `(n, H, W, C)`, another
            iterable of batches, or `FeatureStatistics` computed before. A held-out
            split, unshuffled, is the usual choice (and leaves the training data's
            shuffle alone).
        every: compute every this many epochs (and after the first and the last).
        num_samples: generated images per evaluation, and the most real images used.
        extractor: `"fid_inception"` (default; comparable with papers), `"digits"`
            (fast, offline, for the digits set), another name, a Keras model or a
            `FeatureExtractor` (see `ganzoo.metrics.get_extractor`).
        cache_key: a name for `real_data` (a dataset has no identity of its own), e.g.
            `"cifar10-train"`. With it, the real statistics are saved to, and later
            read from, `<cache_dir>/fid_real.<key>.<extractor>.<num_samples>.npz`: the
            file name covers the sample count and the extractor. Pass a new key when
            the data change.
        kid: also compute KID (needs the real features kept in memory, and cached as
            `.features.npy` next to the statistics).
        prdc: also compute precision, recall, density and coverage (Kynkäänniemi et
            al., 2019; Naeem et al., 2020) on the same features, kept as for KID.
        batch_size: images per forward pass of the extractor, and per batch when
            `real_data` is one array (default: the extractor's own batch size).
        seed: seed of the generated latents.
        cache_dir: folder of the cache; default `$GANZOO_CACHE_DIR/fid_statistics`
            (`~/.cache/ganzoo/fid_statistics`).
        log_file: optional path of a JSON-lines file getting one record per
            evaluation (epoch, metric, value, std, extractor, sample counts, seconds).
        verbose: 1 prints the results, and a progress bar for extractions that run
            longer than 2 s; 0 is silent.

    Attributes:
        evaluations: one dict per evaluation: `{"epoch", "fid", "kid", "seconds"}`,
            `fid`/`kid` being `Score`s (`kid` None without `kid=True`).
        real_statistics: the real `FeatureStatistics`.
        real_source: `"computed"`, `"cache"` or `"given"`.

    Example:
    >>> real = ganzoo.data.load("mnist", "test", batch_size=500, shuffle=False)
    >>> gan.fit(ds, epochs=50, callbacks=[
    ...     ganzoo.callbacks.FID(real, every=5, cache_key="mnist-test"),  # first
    ...     keras.callbacks.CSVLogger("runs/log.csv"),
    ...     keras.callbacks.ModelCheckpoint("runs/best.keras", monitor="fid", mode="min",
    ...                                     save_best_only=True),
    ... ])
    """

    def __init__(
        self,
        real_data: Any,
        every: int = 1,
        num_samples: int = DEFAULT_NUM_SAMPLES,
        extractor: Any = "fid_inception",
        cache_key: str | None = None,
        *,
        kid: bool = False,
        prdc: bool = False,
        batch_size: int | None = None,
        seed: int = 0,
        cache_dir: str | os.PathLike | None = None,
        log_file: str | os.PathLike | None = None,
        verbose: int = 1,
    ):
        super().__init__()
        for name, value, low in (("every", every, 1), ("num_samples", num_samples, 2)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}; got {value!r}.")
        if batch_size is not None and (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size < 1
        ):
            raise ValueError(f"batch_size must be a positive integer or None; got {batch_size!r}.")
        if cache_key is not None and (not isinstance(cache_key, str) or not cache_key.strip()):
            raise ValueError(f"cache_key must be a non-empty string or None; got {cache_key!r}.")
        if prdc and num_samples <= PRDC_K:
            raise ValueError(f"prdc needs num_samples > k={PRDC_K}; got {num_samples}.")
        if isinstance(real_data, FeatureStatistics):
            if kid or prdc:
                raise ValueError(
                    "KID needs the real features themselves, and so does PRDC; got "
                    "FeatureStatistics as real_data. Pass the images, or kid=prdc=False."
                )
            if real_data.count < 2:
                raise ValueError(
                    f"The real FeatureStatistics hold {real_data.count} samples; FID needs "
                    "at least 2."
                )
        self.real_data = real_data
        self.every = int(every)
        self.num_samples = int(num_samples)
        self.extractor = extractor
        self.cache_key = cache_key
        self.kid = bool(kid)
        self.prdc = bool(prdc)
        self.batch_size = None if batch_size is None else int(batch_size)
        self.seed = int(seed)
        self.cache_dir = cache_dir
        self.log_file = log_file
        self.verbose = int(verbose)
        self.evaluations: list[dict] = []
        self.real_statistics: FeatureStatistics | None = None
        self.real_source: str | None = None
        self._real_features: np.ndarray | None = None
        self._extractor = None
        self._last: dict[str, float] = {}
        self._first_epoch: int | None = None

    # ------------------------------------------------------------------ real side

    def cache_path(self, extractor_name: str | None = None) -> str | None:
        """The real statistics' cache file, or `None` without a `cache_key`."""
        if self.cache_key is None:
            return None
        if extractor_name is None:
            extractor_name = get_extractor(self.extractor).name
        folder = self.cache_dir
        if folder is None:
            from ganzoo.metrics.fid_inception import cache_dir

            folder = cache_dir() / "fid_statistics"
        name = f"fid_real.{_slug(self.cache_key)}.{_slug(extractor_name)}.{self.num_samples}.npz"
        return os.path.join(os.fspath(folder), name)

    def _load_real(self, extractor) -> None:
        if self.real_statistics is not None:
            return  # a second fit with the same callback
        if isinstance(self.real_data, FeatureStatistics):
            if self.real_data.extractor not in (None, extractor.name):
                raise ValueError(
                    f"The real FeatureStatistics come from the extractor "
                    f"{self.real_data.extractor!r}; this FID uses {extractor.name!r}."
                )
            self.real_statistics, self.real_source = self.real_data, "given"
            return
        path = self.cache_path(extractor.name)
        features_path = None if path is None else path[: -len(".npz")] + ".features.npy"
        cached = path is not None and os.path.exists(path)
        if cached and (not self._keep_features or os.path.exists(features_path)):
            stats = FeatureStatistics.load(path)
            if stats.extractor != extractor.name or stats.dim != extractor.feature_dim:
                raise ValueError(
                    f"The cached statistics {path!r} come from extractor "
                    f"{stats.extractor!r} ({stats.dim}-d), not {extractor.name!r}; "
                    "delete the file or use another cache_key."
                )
            self.real_statistics, self.real_source = stats, "cache"
            if self._keep_features:
                self._real_features = np.load(features_path)
            if self.verbose:
                print(f"FID: real statistics of {stats.count} images read from {path}")
            return
        if self.verbose:
            print(f"FID: computing real statistics ({extractor.name}, up to {self.num_samples})")
        stats, features = extract(
            image_batches(self.real_data, self.num_samples, self.batch_size or ARRAY_BATCH),
            extractor,
            self.num_samples,
            keep_features=self._keep_features,
            batch_size=self.batch_size,
            verbose=self.verbose,
        )
        if stats.count < 2:
            raise ValueError(f"FID needs at least 2 real images; real_data gave {stats.count}.")
        self.real_statistics, self.real_source = stats, "computed"
        self._real_features = features
        if path is not None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            # Written atomically: workers of a multi-worker run may write the same file.
            unique = uuid.uuid4().hex
            temporary = f"{path[: -len('.npz')]}.{unique}.tmp.npz"
            stats.save(temporary)
            if self._keep_features:
                temporary_features = f"{features_path}.{unique}.tmp.npy"
                np.save(temporary_features, features)
                os.replace(temporary_features, features_path)
            os.replace(temporary, path)
            if self.verbose:
                print(f"FID: saved the real statistics to {path}")

    @property
    def _keep_features(self) -> bool:
        return self.kid or self.prdc

    # ------------------------------------------------------------------ callback

    def on_train_begin(self, logs=None):
        extractor = get_extractor(self.extractor)
        self._extractor = extractor
        if not callable(getattr(self.model, "generate", None)):
            raise ValueError(
                f"FID samples the model with generate(n, seed=...); "
                f"{type(self.model).__name__} has no generate method."
            )
        # Fail before the first epoch when the model cannot sample without inputs
        # (CycleGAN) or its images do not suit the extractor (channels, range).
        name = type(self.model).__name__
        try:
            probe = next(model_batches(self.model, 2, 2, self.seed))
        except ValueError as error:
            raise ValueError(
                f"FID samples the model with generate(n, seed=...), which fails for {name}: {error}"
            ) from error
        try:
            extractor(probe)
        except ValueError as error:
            raise ValueError(
                f"FID cannot score samples of {name} with the extractor {extractor.name!r}: {error}"
            ) from error
        self._load_real(extractor)
        self._first_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if self._first_epoch is None:
            self._first_epoch = epoch
        last = self.params.get("epochs") if self.params else None
        if (
            epoch == self._first_epoch
            or (epoch + 1) % self.every == 0
            or (last is not None and epoch + 1 == last)
        ):
            self._evaluate(epoch)
        if logs is not None:
            logs.update(self._last)

    def _evaluate(self, epoch: int) -> None:
        start = time.perf_counter()
        extractor = self._extractor
        stats, features = extract(
            model_batches(self.model, self.num_samples, seed=self.seed),
            extractor,
            self.num_samples,
            keep_features=self._keep_features,
            batch_size=self.batch_size,
            verbose=self.verbose,
        )
        fid_score = fid_from_statistics(self.real_statistics, stats)
        kid_score = None
        if self.kid:
            kid_score = kid_from_features(self._real_features, features, extractor=extractor.name)
        seconds = time.perf_counter() - start
        self._last = {"fid": float(fid_score), "fid_epoch": epoch + 1}
        if kid_score is not None:
            self._last.update(kid=float(kid_score), kid_std=float(kid_score.std))
        if self.prdc:
            self._last.update(prdc(self._real_features, features, k=PRDC_K))
        self.evaluations.append(
            {"epoch": epoch + 1, "fid": fid_score, "kid": kid_score, "seconds": seconds}
        )
        if self.verbose:
            scores = "; ".join(str(s) for s in (fid_score, kid_score) if s is not None)
            print(f"Epoch {epoch + 1}: {scores} in {seconds:.1f} s")
        if self.log_file is not None:
            folder = os.path.dirname(os.path.abspath(os.fspath(self.log_file)))
            os.makedirs(folder, exist_ok=True)
            with open(self.log_file, "a") as f:
                for score in (fid_score, kid_score):
                    if score is not None:
                        record = {"epoch": epoch + 1, **score.as_dict(), "seconds": seconds}
                        f.write(json.dumps(record) + "\n")


def _slug(text: str) -> str:
    """`text` reduced to characters safe in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"
