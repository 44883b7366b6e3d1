"""`Diagnostics`: D's accuracy, gradient norms and mode coverage in every epoch's logs,
and one warning line when a run shows one of the three failure modes of GAN training
(mode collapse, vanishing gradients, non-convergence; rules in `failure_modes`)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ganzoo.callbacks import failure_modes

NUM_CLASS_SAMPLES = 1000
#: a class is covered when it gets at least this share of a uniform split.
MIN_CLASS_SHARE = 0.25


class Diagnostics(keras.callbacks.Callback):
    """Logs what tells a healthy GAN run from a failing one, and warns on failures.

    At each epoch's end it writes into `logs` (so `History`, `CSVLogger` and
    `TensorBoard` get them; place it before those):

    | key | value |
    |---|---|
    | `d_real_accuracy` | share of a fixed real batch D scores real (logit > 0) |
    | `d_fake_accuracy` | share of fresh fakes D scores fake (logit < 0) |
    | `d_grad_norm`, `g_grad_norm` | global norms of the gradients of `discriminator_loss` and `generator_loss` on the fixed real batch and fixed latents |
    | `sample_diversity` | median pairwise distance of the fakes over the real batch's |
    | `modes_covered` | with a classifier: classes getting ≥ `MIN_CLASS_SHARE` / classes of 1,000 samples |
    | `class_entropy` | with a classifier: entropy (nats) of those samples' class histogram |

    The gradients go through the model's own loss hooks (a callback cannot see the
    step's gradients); the model's non-trainable state (batch-norm statistics, seed
    states) is restored afterwards, so the callback never changes the training.
    Each detected failure prints one line, `Diagnostics warning (epoch N): ...`, when it
    appears (again only after it cleared); `warnings` keeps them as
    `(epoch, kind, message)`. The thresholds are in `ganzoo.callbacks.failure_modes`
    and docs/diagnostics.md.

    Args:
        real_data: real images in [-1, 1]: a dataset of batches (images, or
            `(images, labels)` for conditional models), an array, or one such batch;
            the first `batch_size` images of its first batch are the fixed real batch.
        classifier: `None` uses ganzoo's digits classifier when the model makes
            32×32×1 images (none otherwise); a Keras model mapping images to class
            probabilities; `False` for none.
        batch_size: images of the fixed real batch, and fakes per epoch.
        seed: seed of the fixed latents and of each epoch's fresh ones.
        verbose: 1 prints the warnings; 0 only records them.

    Example:
    >>> real = ganzoo.data.load("digits", batch_size=64)
    >>> gan.fit(real, epochs=30, callbacks=[ganzoo.callbacks.Diagnostics(real),
    ...                                     keras.callbacks.CSVLogger("log.csv")])
    """

    def __init__(
        self,
        real_data: Any,
        classifier: Any = None,
        *,
        batch_size: int = 64,
        seed: int = 0,
        verbose: int = 1,
    ):
        super().__init__()
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise ValueError(f"batch_size must be an integer >= 2; got {batch_size!r}.")
        if batch_size < 2:
            raise ValueError(f"batch_size must be an integer >= 2; got {batch_size!r}.")
        if classifier not in (None, False) and not isinstance(classifier, keras.Model):
            raise ValueError(
                f"classifier must be None, False or a keras.Model; got {type(classifier).__name__}."
            )
        self.real_data = real_data
        self.classifier = classifier
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.verbose = int(verbose)
        self.warnings: list[tuple[int, str, str]] = []
        self.history: dict[str, list[float]] = {}

    # ------------------------------------------------------------------ setup

    def on_train_begin(self, logs=None):
        model = self.model
        for name in ("discriminate", "discriminator_loss", "generator_loss", "latent_dim"):
            if not hasattr(model, name):
                raise ValueError(
                    f"Diagnostics needs a latent GAN (ganzoo.GAN) with {name}; got "
                    f"{type(model).__name__}."
                )
        real, condition = model.unpack(_first_batch(self.real_data))
        real = real[: self.batch_size]
        condition = None if condition is None else condition[: self.batch_size]
        if int(real.shape[0]) < 2:
            raise ValueError(f"Diagnostics needs at least 2 real images; got {real.shape[0]}.")
        if tuple(real.shape[1:]) != tuple(model.image_shape):
            raise ValueError(
                f"Expected real images of shape {tuple(model.image_shape)}; got "
                f"{tuple(real.shape[1:])}."
            )
        self._real = ops.convert_to_tensor(real, "float32")
        self._condition = condition
        self._latents = keras.random.normal((int(real.shape[0]), model.latent_dim), seed=self.seed)
        self._real_spread = _median_distance(np.asarray(self._real))
        if self._real_spread == 0:
            raise ValueError(
                "Diagnostics compares the fakes' spread with the real batch's; got a real "
                "batch of identical images."
            )
        self._classifier = self._resolve_classifier()
        self._previous: set[str] = set()
        self.history = {}

    def _resolve_classifier(self):
        if self.classifier is False:
            return None
        if self.classifier is not None:
            return self.classifier
        if tuple(self.model.image_shape) != (32, 32, 1):
            return None
        from ganzoo.metrics.digits_classifier import load_digits_classifier

        return load_digits_classifier()

    def on_epoch_begin(self, epoch, logs=None):
        self._steps: dict[str, list[tuple[int, float]]] = {}

    def on_train_batch_end(self, batch, logs=None):
        # The logs hold each loss's running mean over the epoch; differences of
        # successive means give each call's own mean (one or more steps each).
        for name in ("d_loss", "g_loss"):
            if logs and name in logs:
                self._steps.setdefault(name, []).append((batch + 1, float(logs[name])))

    # ------------------------------------------------------------------ epoch end

    def on_epoch_end(self, epoch, logs=None):
        values = self.measure(epoch)
        for name, value in values.items():
            self.history.setdefault(name, []).append(value)
        for name in ("d_loss", "g_loss"):
            if logs and name in logs:
                self.history.setdefault(name, []).append(float(logs[name]))
                self.history.setdefault(f"{name}_error", []).append(
                    _standard_error(self._steps.get(name, []))
                )
        self._warn(epoch, values)
        if logs is not None:
            logs.update(values)

    def measure(self, epoch: int) -> dict[str, float]:
        """The diagnostics of the model as it is now; the model's state is unchanged."""
        model = self.model
        state = [v for v in model.variables if not v.trainable]
        saved = [ops.convert_to_numpy(v) for v in state]
        try:
            fresh = keras.random.normal(ops.shape(self._latents), seed=self.seed + 1 + epoch)
            fake = model.generator(model.generator_inputs(fresh, self._condition), training=False)
            real_logits = model.discriminate(self._real, self._condition, training=False)
            fake_logits = model.discriminate(fake, self._condition, training=False)
            values = {
                "d_real_accuracy": _share(real_logits > 0),
                "d_fake_accuracy": _share(fake_logits < 0),
                **self._gradient_norms(),
                "sample_diversity": _median_distance(np.asarray(fake)) / self._real_spread,
            }
            if self._classifier is not None:
                values.update(self._classes())
        finally:
            for variable, value in zip(state, saved, strict=True):
                variable.assign(value)
        return values

    def _gradient_norms(self) -> dict[str, float]:
        model, real, condition, z = self.model, self._real, self._condition, self._latents
        with tf.GradientTape() as tape:
            fake = model.generator(model.generator_inputs(z, condition), training=True)
            g_loss = ops.mean(model.generator_loss(fake, z, condition, real)["g_loss"])
        g_norm = _norm(tape.gradient(g_loss, model.generator_variables))
        fake = ops.stop_gradient(fake)
        with tf.GradientTape() as tape:
            d_loss = ops.mean(model.discriminator_loss(real, fake, z, condition)["d_loss"])
        d_norm = _norm(tape.gradient(d_loss, model.discriminator_variables))
        return {"d_grad_norm": d_norm, "g_grad_norm": g_norm}

    def _classes(self) -> dict[str, float]:
        model = self.model
        if self._condition is None:  # compiled batches: 2x faster than eager `generate`
            z = keras.random.normal((NUM_CLASS_SAMPLES, model.latent_dim), seed=self.seed)
            images = model.generator.predict(model.generator_inputs(z, None), 250, verbose=0)
        else:
            images = model.generate(NUM_CLASS_SAMPLES, seed=self.seed)
        probabilities = np.asarray(self._classifier.predict(images, batch_size=250, verbose=0))
        classes = probabilities.shape[-1]
        counts = np.bincount(probabilities.argmax(axis=-1), minlength=classes)
        shares = counts / counts.sum()
        nonzero = shares[shares > 0]
        return {
            "modes_covered": float(np.sum(shares >= MIN_CLASS_SHARE / classes)),
            "class_entropy": float(-(nonzero * np.log(nonzero)).sum()),
        }

    def _warn(self, epoch: int, values: dict[str, float]) -> None:
        h = self.history
        found = {
            "mode collapse": failure_modes.mode_collapse(
                [int(m) for m in h.get("modes_covered", [])], h["sample_diversity"]
            ),
            "vanishing gradients": failure_modes.vanishing_gradients(
                values["d_real_accuracy"], values["d_fake_accuracy"], h["g_grad_norm"]
            ),
            "non-convergence": next(
                (
                    reason
                    for name in ("d_loss", "g_loss")
                    if (
                        reason := failure_modes.non_convergence(
                            name, h.get(name, []), h.get(f"{name}_error", [])
                        )
                    )
                ),
                None,
            ),
        }
        now = {kind for kind, reason in found.items() if reason}
        for kind in sorted(now - self._previous):
            message = f"Diagnostics warning (epoch {epoch + 1}): {kind}: {found[kind]}."
            self.warnings.append((epoch + 1, kind, message))
            if self.verbose:
                print(message)
        self._previous = now


def _first_batch(data: Any) -> Any:
    """The first batch of a dataset or iterable of batches; an array, or a tuple
    `(images, labels)` of arrays, is one batch itself."""
    if isinstance(data, tuple) and data and hasattr(data[0], "shape"):
        return data
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        if len(data.shape) != 4:
            raise ValueError(
                f"Expected real images of shape (n, height, width, channels); got shape "
                f"{tuple(data.shape)}."
            )
        return data
    try:
        return next(iter(data))
    except (TypeError, StopIteration):
        raise ValueError(
            "Expected real_data as an array (n, height, width, channels) or a non-empty "
            f"dataset of batches; got {type(data).__name__}."
        ) from None


def _share(mask) -> float:
    return float(np.mean(ops.convert_to_numpy(mask)))


def _norm(gradients) -> float:
    return float(tf.linalg.global_norm([g for g in gradients if g is not None]))


def _median_distance(images: np.ndarray) -> float:
    flat = images.reshape(len(images), -1).astype(np.float64)
    squared = np.einsum("ij,ij->i", flat, flat)
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None] - 2 * flat @ flat.T, 0))
    return float(np.median(distances[np.triu_indices(len(flat), 1)]))


def _standard_error(calls: list[tuple[int, float]]) -> float:
    """The standard error of an epoch mean from the running means after each call."""
    steps = np.array([0] + [n for n, _ in calls], dtype=np.float64)
    totals = np.array([0.0] + [n * m for n, m in calls])
    sizes = np.diff(steps)
    if len(sizes) < 2 or np.any(sizes <= 0):
        return 0.0
    group_means = np.diff(totals) / sizes
    return float(np.std(group_means, ddof=1) / np.sqrt(len(group_means)))
