"""InfoGAN (Chen et al., 2016): a GAN whose codes Q reads back from its images."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from ganzoo import losses as ganzoo_losses
from ganzoo._moved import moved_names
from ganzoo.base import GAN, Player
from ganzoo.codes import LatentCodes
from ganzoo.nets import infogan as infogan_nets

__getattr__ = moved_names(__name__, {"CODE_KINDS": "ganzoo.codes:CODE_KINDS"})


@keras.saving.register_keras_serializable(package="ganzoo")
class InfoGAN(GAN):
    """InfoGAN (Chen et al., 2016, "InfoGAN: Interpretable Representation Learning by
    Information Maximizing Generative Adversarial Nets").

    A recognition network Q, a head on D's body, predicts the latent codes from
    generated images; G and Q minimise the information term `L_I` (weighted by λ;
    `ganzoo.losses.mutual_information_terms`) on top of the GAN losses: the
    cross-entropy of each drawn category, and the Gaussian negative log-likelihood of
    each continuous code with unit standard deviation (the authors' `fix_std=True`)
    or, with `learn_std=True`, a predicted log-std. The latent vector is `[noise |
    one-hot codes | continuous codes]` (74 wide on MNIST), laid out, drawn (U(-1, 1)
    noise and continuous codes, uniform categories, all through `self.draw`) and set
    by `self.latent_codes`, a `ganzoo.codes.LatentCodes`.

    Q is trained with D's optimizer on `d_loss + info_loss`; G minimises `g_loss +
    info_loss` (the logged totals); `info_loss` is λ·L_I on the D step's fakes.
    Defaults are the paper's MNIST setup: Adam(beta_1=0.5), learning rate 2e-4 for D
    and Q and 1e-3 for G; λ = 1 for categorical and 0.1 for continuous codes.

    Args:
        generator: a `keras.Model` from `(batch, latent_dim)` to images in [-1, 1].
        discriminator: a `keras.Model` from images to logits: a nested model named
            `"body"`, then a layer named `"logit"` (`ganzoo.nets.infogan`).
        q_head: a `keras.Model` from the body's features to Q's outputs: the logits of
            every categorical code, the continuous codes' means, then (with
            `learn_std`) their log standard deviations.
        noise_dim, categorical_codes, continuous_codes: the latent layout (62, (10,), 2
            on MNIST; see `ganzoo.codes.LatentCodes`).
        lambda_cat, lambda_cont: weights λ of the categorical and continuous terms.
        learn_std: whether Q predicts the log standard deviation of continuous codes.
        **kwargs: see `ganzoo.GAN` (`d_steps`, `adversarial_loss`, `r1_gamma`, `seed`).

    Example:
    >>> gan = ganzoo.InfoGAN.for_images((28, 28, 1))
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=128), epochs=50)
    >>> grid = gan.traverse("categorical")          # (10, 10, 28, 28, 1)
    >>> fours = gan.generate(8, codes={"categorical": 4})
    """

    nested_models = ("generator", "discriminator", "q_head")
    players = (
        Player("discriminator", ("discriminator", "q_head"), "d_optimizer", "d_loss"),
        Player("generator", ("generator",), "g_optimizer", "g_loss"),
    )

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        q_head: keras.Model,
        noise_dim: int = 62,
        categorical_codes: Sequence[int] = (10,),
        continuous_codes: int = 2,
        *,
        lambda_cat: float = 1.0,
        lambda_cont: float = 0.1,
        learn_std: bool = False,
        **kwargs,
    ):
        layout = LatentCodes(noise_dim, categorical_codes, continuous_codes)
        super().__init__(generator, discriminator, layout.latent_dim, **kwargs)
        self.q_head = q_head
        self.latent_codes = layout
        self.noise_dim = layout.noise_dim
        self.categorical_codes = layout.categorical
        self.continuous_codes = layout.continuous
        self.lambda_cat = float(lambda_cat)
        self.lambda_cont = float(lambda_cont)
        self.learn_std = bool(learn_std)
        infogan_nets.check_discriminator(discriminator)
        layout.check_widths(generator.input_shape[-1], q_head.output_shape[-1], self.learn_std)

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        noise_dim: int = 62,
        categorical_codes: Sequence[int] = (10,),
        continuous_codes: int = 2,
        base_filters: int = 64,
        hidden_units: int | None = None,
        q_units: int | None = None,
        learn_std: bool = False,
        **kwargs,
    ) -> InfoGAN:
        """An uncompiled InfoGAN with the paper's MNIST networks sized for `image_shape`
        (exactly the paper's at (28, 28, 1)); `base_filters`, `hidden_units` and `q_units`
        size them (`ganzoo.nets.infogan`); the rest goes to the constructor."""
        layout = LatentCodes(noise_dim, categorical_codes, continuous_codes)
        discriminator, q_head = infogan_nets.build_infogan_discriminator(
            image_shape, layout.q_output_dim(learn_std), base_filters, hidden_units, q_units
        )
        generator = infogan_nets.build_infogan_generator(
            image_shape, layout.latent_dim, base_filters, hidden_units
        )
        layout_args = (layout.noise_dim, layout.categorical, layout.continuous)
        return cls(generator, discriminator, q_head, *layout_args, learn_std=learn_std, **kwargs)

    def log_names(self) -> list[str]:
        return [*super().log_names(), "info_loss"]

    @property
    def q_output_dim(self) -> int:
        """Width of Q's output: category logits, means, and log-stds with `learn_std`."""
        return self.latent_codes.q_output_dim(self.learn_std)

    @property
    def d_body(self) -> keras.Model:
        """The discriminator's body, shared by D's logit layer and Q."""
        return self.discriminator.get_layer("body")

    @property
    def d_logit(self) -> keras.layers.Layer:
        """The discriminator's last layer, from body features to the logit."""
        return self.discriminator.get_layer("logit")

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(1e-3, beta_1=0.5)  # the paper's MNIST G

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(2e-4, beta_1=0.5)  # the paper's MNIST D and Q

    def split_latents(self, latents) -> dict[str, Any]:
        """Splits latent vectors into their parts (see `LatentCodes.split`)."""
        return self.latent_codes.split(latents)

    def sample_latent(self, batch_size) -> Any:
        """Noise ~ U(-1, 1), categories ~ uniform (one-hot), continuous codes ~ U(-1, 1)."""
        return self.latent_codes.sample(batch_size, self.draw)

    def info_terms(self, q_outputs, latents) -> dict[str, Any]:
        """Per-example negative log-likelihoods of the codes under Q (unweighted):
        `{"categorical": Σ cross-entropies, "continuous": Σ Gaussian NLLs}`, `(batch,)`."""
        q = self.latent_codes.split_q(ops.cast(q_outputs, "float32"), self.learn_std)
        codes = self.split_latents(ops.cast(latents, "float32"))
        return ganzoo_losses.mutual_information_terms(
            codes["categorical"], q["categorical"], codes["continuous"], q["means"], q["log_stds"]
        )

    def info_loss(self, q_outputs, latents):
        """The weighted information term `λ_cat·L_cat + λ_cont·L_cont`, per example."""
        terms = self.info_terms(q_outputs, latents)
        return self.lambda_cat * terms["categorical"] + self.lambda_cont * terms["continuous"]

    def discriminator_loss(self, real, fake, latents, condition) -> dict[str, Any]:
        real_logits = self.discriminate(real, condition)
        features = self.d_body(self.discriminator_view(fake), training=True)
        fake_logits = self.d_logit(features)
        info = self.info_loss(self.q_head(features, training=True), latents)
        adversarial = self.loss_pair.discriminator(real_logits, fake_logits)
        return {"d_loss": adversarial + info, "info_loss": info}

    def generator_loss(self, fake, latents, condition, real=None) -> dict[str, Any]:
        features = self.d_body(self.discriminator_view(fake), training=True)
        info = self.info_loss(self.q_head(features, training=True), latents)
        return {"g_loss": self.loss_pair.generator(self.d_logit(features)) + info}

    def infer_codes(
        self, images, batch_size: int = 256, batch_statistics: bool = False
    ) -> dict[str, np.ndarray]:
        """Q's estimate of the codes behind `images`: `{"categorical": the likeliest
        categories (n, codes), "continuous": Q's means}`; `batch_statistics=True`
        normalises each batch with its own statistics (`ganzoo.nets.infogan.recognize`).

        Example:
        >>> codes = gan.infer_codes(gan.generate(100, codes={"categorical": 3}))
        """
        q = infogan_nets.recognize(self.d_body, self.q_head, images, batch_size, batch_statistics)
        return self.latent_codes.decode(q)

    def make_latents(self, n: int, codes: Mapping[str, Any] | None = None, seed: int | None = None):
        """Latent vectors `(n, latent_dim)` with the given codes, the rest drawn from the
        prior from `seed` (see `LatentCodes.make` for the forms codes may take)."""
        return self.latent_codes.make(n, codes, seed)

    def generate(
        self,
        n: int | None = None,
        *,
        codes: Mapping[str, Any] | None = None,
        latents=None,
        seed: int | None = None,
        batch_size: int = 256,
        condition=None,
        ema: bool = True,
    ):
        """Generates `n` images in [-1, 1] with the given `codes` (as in `make_latents`;
        the rest drawn from `seed`), or from complete `latents`. `n` may be omitted
        with `latents` or codes given per image; `condition` is unused; `ema` as in
        `ganzoo.GAN.generate`. Example: `gan.generate(10, codes={"categorical": np.arange(10)})`.
        """
        if latents is None:
            n = self.latent_codes.count(codes) if n is None else n
            latents = self.make_latents(n, codes, seed)
        elif codes:
            raise ValueError("Give either latents or codes to generate, not both.")
        return super().generate(latents=latents, batch_size=batch_size, ema=ema)

    def traversal_latents(self, code: str, steps: int | None = None, **kwargs):
        """The latents of `traverse` (see `LatentCodes.traversal`)."""
        return self.latent_codes.traversal(code, steps, **kwargs)

    def traverse(self, code: str, steps: int | None = None, *, rows: int = 10, **kwargs):
        """Images `(rows, steps, H, W, C)` with one code varied along each row and the
        rest held (Fig. 2); arguments as in `LatentCodes.traversal`.

        Example:
        >>> grid = gan.traverse("continuous", 10, index=1, seed=0)   # (10, 10, H, W, C)
        """
        images = self.generate(latents=self.traversal_latents(code, steps, rows=rows, **kwargs))
        return ops.reshape(images, (rows, -1, *self.image_shape))

    def grid_images(self, n: int, seed: int = 0) -> tuple:
        """`(images, columns)` for `ganzoo.callbacks.ImageGrid`: a traversal of the first
        categorical code (one column per category, `n // categories` rows), or of the
        first continuous code over 8 steps when there is no categorical code."""
        steps = self.categorical_codes[0] if self.categorical_codes else 8
        code = "categorical" if self.categorical_codes else "continuous"
        latents = self.traversal_latents(code, steps, rows=max(1, int(n) // steps), seed=seed)
        return self.generate(latents=latents), steps

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("latent_dim")
        names = ("noise_dim", "continuous_codes", "lambda_cat", "lambda_cont", "learn_std")
        config.update({name: getattr(self, name) for name in names})
        return {**config, "categorical_codes": list(self.categorical_codes)}
