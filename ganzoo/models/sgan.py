"""The semi-supervised GAN (Salimans et al., 2016; Odena, 2016)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

from ganzoo import losses as ganzoo_losses
from ganzoo.base import GAN
from ganzoo.core.replicas import global_batch_mean, global_sum, num_replicas
from ganzoo.data import checks, semi_supervised
from ganzoo.nets import sgan as sgan_nets


@keras.saving.register_keras_serializable(package="ganzoo")
class SGAN(GAN):
    """Semi-supervised GAN (Salimans et al., 2016, "Improved Techniques for Training
    GANs", §5; Odena, 2016, "Semi-Supervised Learning with Generative Adversarial
    Networks").

    D is a K-class classifier with logits `l`; its real/fake score is `D(x) = Z/(Z+1)`
    with `Z = Σ exp(l_k)`, i.e. the logit `logsumexp(l)`. D minimises the cross-entropy
    of the labelled images plus `unsupervised_weight ×` the GAN loss on all images,
    `softplus(-lse(l(x))) + softplus(lse(l(G(z))))`; G minimises feature matching, the
    squared distance between the mean last-hidden-layer features of the real and the
    generated batch. Both are taken over the *global* batch (all-reduced under a
    strategy); a batch without labelled images has a supervised term of 0.

    It trains on `(images, labels)` with `-1` marking unlabelled images
    (`ganzoo.data.load(name, labelled=N)`); `fit` refuses labels outside `[-1, K)` and
    data without any labelled image before a step runs. Defaults are the authors'
    MNIST code: `z ~ U(0, 1)¹⁰⁰`, Adam(3e-3, beta_1=0.5) on both sides, D's loss
    `supervised + 0.5 × unsupervised`; networks in `ganzoo.nets.sgan` (D weight-
    normalised; `gan.initialize(images)` is the code's data-dependent initialisation). `gan.classifier` is the classifier, images → K logits.

    Args:
        generator: a `keras.Model` from latents to images in [-1, 1].
        discriminator: a `keras.Model` from images to `[logits (batch, K), features]`.
        latent_dim: size of `z`.
        num_classes: K.
        unsupervised_weight: weight of the GAN loss in D's loss (0.5, the authors' code,
            whose `loss_unl` halves both terms; the paper's equation has 1).
        **kwargs: see `ganzoo.GAN` (`adversarial_loss`, `r1_gamma`, `seed`, ...).

    Example:
    >>> gan = ganzoo.SGAN.for_images((32, 32, 1), num_classes=10)
    >>> gan.compile()
    >>> gan.initialize(real_images[:500])
    >>> gan.fit(ganzoo.data.load("mnist", image_size=32, batch_size=100, labelled=100),
    ...         epochs=50)
    >>> predictions = ops.argmax(gan.classifier(images), axis=-1)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        num_classes: int,
        *,
        unsupervised_weight: float = 0.5,
        **kwargs,
    ):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.num_classes = int(num_classes)
        self.unsupervised_weight = float(unsupervised_weight)
        outputs = [tuple(o.shape) for o in getattr(discriminator, "outputs", None) or ()]
        if len(outputs) != 2 or outputs[0][-1] != self.num_classes:
            raise ValueError(
                f"SGAN's discriminator must map images to [logits (batch, {self.num_classes}), "
                f"features] (ganzoo.nets.sgan); got outputs {outputs}."
            )

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        num_classes: int,
        latent_dim: int = 100,
        hidden_units: Sequence[int] = sgan_nets.DISCRIMINATOR_UNITS,
        generator_units: Sequence[int] = sgan_nets.GENERATOR_UNITS,
        **kwargs,
    ) -> SGAN:
        """An uncompiled SGAN with the paper's MNIST networks (`ganzoo.nets.sgan`) for
        `image_shape`; `hidden_units` and `generator_units` set D's and G's widths."""
        return cls(
            sgan_nets.build_sgan_generator(image_shape, latent_dim, generator_units),
            sgan_nets.build_sgan_discriminator(image_shape, num_classes, hidden_units),
            latent_dim,
            num_classes,
            **kwargs,
        )

    @property
    def classifier(self) -> keras.Model:
        """The classifier, images → K class logits; it shares D's layers (saved with D)."""
        if getattr(self, "_classifier", None) is None:
            d = self.discriminator
            # Not tracked: its weights are D's, saved once with D.
            object.__setattr__(self, "_classifier", keras.Model(d.inputs, d.outputs[0]))
        return self._classifier

    def initialize(self, images) -> bool:
        """The authors' data-dependent initialisation of D's weight-normalised layers on
        a batch of real images (they use 500); call it once before `fit`. Returns
        whether it ran (False when D was already initialised, e.g. after loading)."""
        return sgan_nets.initialize_discriminator(self.discriminator, images)

    def extra_log_names(self) -> list[str]:
        return ["supervised_loss", "unsupervised_loss", "labelled_accuracy"]

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(3e-3, beta_1=0.5)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(3e-3, beta_1=0.5)

    def sample_latent(self, batch_size) -> Any:
        """`z ~ U(0, 1)`, as in the authors' code."""
        return self.draw(keras.random.uniform, (batch_size, self.latent_dim))

    def unpack(self, data) -> tuple[Any, Any]:
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError("SGAN trains on (images, labels) batches, -1 marking unlabelled.")
        return data[0], ops.reshape(ops.cast(data[1], "int32"), (-1,))

    def discriminate(self, images, condition, training: bool = True):
        """The real/fake logit `logsumexp(class logits)`, shape `(batch, 1)`."""
        logits = ops.cast(self.outputs_of_discriminator(images, training)[0], "float32")
        return ops.logsumexp(logits, axis=-1, keepdims=True)

    def discriminator_loss(self, real, fake, latents, labels) -> dict[str, Any]:
        logits = ops.cast(self.outputs_of_discriminator(real)[0], "float32")
        unsupervised = self.loss_pair.discriminator(
            ops.logsumexp(logits, axis=-1, keepdims=True), self.discriminate(fake, None)
        )
        # Per-example weights that make the core's global-batch average a mean over the
        # labelled images of the global batch: mask · global_B / global_labelled.
        labelled = ops.cast(labels >= 0, "float32")
        global_batch = ops.cast(ops.shape(labels)[0] * num_replicas(), "float32")
        count = ops.maximum(global_sum(ops.sum(labelled)), 1.0)
        weights = labelled * global_batch / count
        targets = ops.maximum(labels, 0)
        cross_entropy = ops.sparse_categorical_crossentropy(targets, logits, from_logits=True)
        correct = ops.cast(ops.argmax(logits, axis=-1) == targets, "float32")
        supervised = weights * cross_entropy
        return {
            "d_loss": supervised + self.unsupervised_weight * unsupervised,
            "supervised_loss": supervised,
            "unsupervised_loss": unsupervised,
            "labelled_accuracy": weights * correct,
        }

    def discriminator_features(self, images, condition, training: bool = True):
        """D's last hidden layer (its second output), which feature matching compares."""
        return self.outputs_of_discriminator(images, training)[1]

    def outputs_of_discriminator(self, images, training: bool = True) -> list:
        """`[class logits, last hidden features]` of D on `images`."""
        return self.discriminator(
            self.discriminator_inputs(images, None, training), training=training
        )

    def generator_loss(self, fake, latents, condition, real=None) -> dict[str, Any]:
        """Feature matching: `mean_j (E[f_j(x)] - E[f_j(G(z))])²` over the global batch."""
        real_mean = ops.stop_gradient(global_batch_mean(self.discriminator_features(real, None)))
        fake_mean = global_batch_mean(self.discriminator_features(fake, None))
        loss = ganzoo_losses.feature_matching_loss(real_mean, fake_mean)
        return {"g_loss": ops.ones_like(ops.cast(fake[:, 0, 0, 0], "float32")) * loss}

    def generate(self, n: int | None = None, *, latents=None, seed: int | None = None, **kwargs):
        """Generates images in [-1, 1] from `z ~ U(0, 1)` (see `ganzoo.GAN.generate`)."""
        if latents is None and n is not None and int(n) >= 1:
            latents = keras.random.uniform((int(n), self.latent_dim), seed=seed)
        return super().generate(n, latents=latents, seed=seed, **kwargs)

    def check_batch(self, data) -> None:
        """Checks the images, then labels: integers in [-1, K), one per image."""
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                f"SGAN trains on (images, labels) batches with labels in [-1, {self.num_classes})"
                f" (-1: unlabelled); got {semi_supervised.describe(data)}."
            )
        super().check_batch(data)
        semi_supervised.check_labels(data[1], self.num_classes, int(ops.shape(data[0])[0]))

    def fit(self, x=None, y=None, **kwargs):
        """`ganzoo.GAN.fit`, after checking the first batch and that the data holds a
        labelled image."""
        data = x if y is None else (x, y)
        first = checks.peek(data)
        if first is not None:
            self.check_batch(first)
        semi_supervised.check_has_labelled(data)
        return super().fit(x, y, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(num_classes=self.num_classes, unsupervised_weight=self.unsupervised_weight)
        return config
