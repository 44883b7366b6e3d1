"""VAE-GAN (Larsen, Sønderby, Larochelle & Winther, 2016): a VAE whose reconstruction
error is measured in a GAN discriminator's features."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import ema as ganzoo_ema
from ganzoo.base import GAN
from ganzoo.core import Player
from ganzoo.core.features import feature_model
from ganzoo.data import checks
from ganzoo.losses import feature_reconstruction_loss, gaussian_kl_per_example
from ganzoo.nets import dcgan
from ganzoo.regularizers import non_negative
from ganzoo.translation import check_shapes

#: GAN options that change what D sees or add generator terms; VAE-GAN's feature-space
#: reconstruction compares D's features of x and x̃ and would compare noise with them.
_REFUSED_OPTIONS = ("instance_noise", "feature_matching", "augment")


@keras.saving.register_keras_serializable(package="ganzoo")
class VAEGAN(GAN):
    """VAE-GAN (Larsen, Sønderby, Larochelle & Winther, 2016, "Autoencoding beyond
    pixels using a learned similarity metric", ICML, https://arxiv.org/abs/1512.09300).

    Three players, each with its own optimizer and its own terms (Algorithm 1): the
    encoder `Enc(x) → (μ, log σ²)` minimises `L_prior + L_llike`, the decoder (the
    generator) `γ·L_llike - L_GAN`, the discriminator only `L_GAN`, its cross-entropy.

    `L_prior = KL(q(z|x) ‖ N(0, I))`; `L_llike = ½ Σ_k (D_l(x)_k - D_l(x̃)_k)²`, the
    Gaussian (σ = 1) negative log-likelihood of D's l-th layer features (the layer
    feeding D's output) of `x` under those of `x̃ = Dec(μ + σ·ε)`; `L_GAN` scores `x`,
    `x̃` and `x_p = Dec(z_p)`, `z_p ~ N(0, I)`. Each term is summed per example, as in
    the authors' code (`andersbll/autoencoding_beyond_pixels`, `model/aegan.py`), and
    averaged over the batch (the code divides its learning rate by the batch size), so
    γ is the code's `recon_vs_gan_weight`: 5e-5 (its default; 1e-5 for CelebA).

    As in the code: D weighs real and generated images 1:1, `½[ℓ(x, x̃) + ℓ(x, x_p)]`;
    the decoder's `-L_GAN` is the saturating `log(1 - D(x̃)) + log(1 - D(x_p))`
    (`adversarial_loss="minimax"`); no GAN gradient reaches the encoder; D sees
    `[x; x̃; x_p]` in one call, so its batch norm normalises them alike. The players
    update in turn (encoder, decoder, D), each on what the players before it saw, which
    is the paper's simultaneous update. RMSProp(3e-4) for all three (the paper's
    experiments). Left out: the code's equilibrium margin and learning-rate annealing.
    See docs/vaegan.md.

    Args:
        encoder: a `keras.Model` from images to `[mean, log_variance]`, `(batch, d)` each.
        generator: the decoder, from `(batch, d)` latents to images in [-1, 1].
        discriminator: from images to logits; a functional model (its features are read).
        latent_dim: `d`; by default the generator's input size.
        gamma: γ, the weight of `L_llike` in the decoder's loss (5e-5, on summed terms).
        **kwargs: passed to `ganzoo.GAN` (`adversarial_loss`, `regularizers`, `ema`,
            `label_smoothing`, `seed`, `name`, ...).

    Example:
    >>> gan = ganzoo.VAEGAN.for_images((32, 32, 1))
    >>> gan.compile()  # RMSprop(3e-4) for the encoder, decoder and discriminator
    >>> gan.fit(ganzoo.data.load("digits", batch_size=64), epochs=50)
    >>> mean, log_variance = gan.encode(images)
    >>> gan.reconstruct(images), gan.generate(16, seed=0)
    """

    players = (
        Player("encoder", ("encoder",), "e_optimizer", "e_loss"),
        Player("generator", ("generator",), "g_optimizer", "g_loss"),
        Player("discriminator", ("discriminator",), "d_optimizer", "d_loss"),
    )
    default_adversarial_loss = "minimax"

    def __init__(
        self,
        encoder: keras.Model,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int | None = None,
        *,
        gamma: float = 5e-5,
        **kwargs,
    ):
        latent_dim = int(generator.input_shape[-1]) if latent_dim is None else int(latent_dim)
        _check_networks(encoder, generator, discriminator, latent_dim)
        if int(kwargs.get("d_steps", 1)) != 1:
            raise ValueError(f"VAEGAN updates D once per step; got d_steps={kwargs['d_steps']!r}.")
        for option in _REFUSED_OPTIONS:
            if kwargs.get(option):
                raise ValueError(
                    f"VAEGAN compares D's features of x and x̃ and takes no {option}=; "
                    f"got {kwargs[option]!r}."
                )
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.encoder = encoder
        self.gamma = non_negative(gamma, "gamma")

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 128,
        base_filters: int | None = None,
        **kwargs,
    ) -> VAEGAN:
        """Builds a VAE-GAN on DCGAN-family networks (`ganzoo.nets.dcgan`).

        Args:
            image_shape: `(H, W, C)`, e.g. (32, 32, 1) or (64, 64, 3).
            latent_dim: size of `z` (128, the paper's and the code's `n_hidden`).
            base_filters: width of the three networks; by default 128 for images of 64
                pixels or more and 32 below, as in `ganzoo.DCGAN`.
            **kwargs: passed to the constructor (`gamma`, `seed`, ...).

        Returns:
            An uncompiled `VAEGAN`.
        """
        if base_filters is None:
            base_filters = dcgan.default_base_filters(image_shape)
        return cls(
            dcgan.build_encoder(image_shape, latent_dim, base_filters),
            dcgan.build_generator(image_shape, latent_dim, base_filters),
            dcgan.build_discriminator(image_shape, base_filters),
            latent_dim,
            **kwargs,
        )

    # ------------------------------------------------------------------ compile

    def default_optimizer(self, player: str) -> keras.optimizers.Optimizer:
        return keras.optimizers.RMSprop(3e-4)

    def compile(self, g_optimizer=None, d_optimizer=None, e_optimizer=None, **kwargs) -> None:
        """Configures the decoder's, discriminator's and encoder's optimizers (by default
        RMSprop(3e-4) each); `**kwargs` as in `ganzoo.core.AdversarialModel.compile`."""
        super().compile(g_optimizer, d_optimizer, e_optimizer=e_optimizer, **kwargs)

    def extra_log_names(self) -> list[str]:
        return ["kl_loss", "llike_loss", "adv_loss"]

    # ------------------------------------------------------------------ the step

    def discriminate_all(self, real, reconstructed, sampled) -> tuple[list, list]:
        """D's l-th layer features and logits of `[x; x̃; x_p]`, from one call.

        Returns:
            `(features, logits)`, each a list of the three parts in that order.
        """
        model = self.__dict__.get("_features_and_logits")
        if model is None:
            model = feature_model(self.discriminator, self.feature_layer, with_output=True)
            object.__setattr__(self, "_features_and_logits", model)  # D's own weights
        parts = [ops.cast(x, "float32") for x in (real, reconstructed, sampled)]
        features, logits = model(ops.concatenate(parts, axis=0), training=True)
        n = ops.shape(parts[0])[0]
        return (
            [features[:n], features[n : 2 * n], features[2 * n :]],
            [logits[:n], logits[n : 2 * n], logits[2 * n :]],
        )

    def decode_and_discriminate(self, real, latents, prior) -> tuple:
        """`x̃ = Dec(latents)`, `x_p = Dec(prior)`, `L_llike(x, x̃)` and D's logits of
        `[x, x̃, x_p]`: the forward pass the encoder's and the decoder's updates share."""
        reconstructed = self.generator(latents, training=True)
        sampled = self.generator(prior, training=True)
        features, logits = self.discriminate_all(real, reconstructed, sampled)
        llike = feature_reconstruction_loss(features[0], features[1])
        return reconstructed, sampled, llike, logits

    def train_step(self, data):
        real, _ = self.unpack(data)
        batch = ops.shape(real)[0]
        noise = self.draw(keras.random.normal, (batch, self.latent_dim))
        prior = self.sample_latent(batch)
        seen: dict[str, Any] = {}

        def encoder_terms():
            mean, log_variance = self.encoder(real, training=True)
            latents = mean + ops.exp(0.5 * log_variance) * noise
            seen["latents"] = ops.stop_gradient(latents)
            llike = self.decode_and_discriminate(real, latents, prior)[2]
            kl = gaussian_kl_per_example(mean, log_variance)
            return {"e_loss": kl + llike, "kl_loss": kl, "llike_loss": llike}

        def generator_terms():
            outputs = self.decode_and_discriminate(real, seen["latents"], prior)
            reconstructed, sampled, llike, (_, recon_logits, sample_logits) = outputs
            seen["fakes"] = (ops.stop_gradient(reconstructed), ops.stop_gradient(sampled))
            gan = self.loss_pair.generator(recon_logits) + self.loss_pair.generator(sample_logits)
            return {"g_loss": self.gamma * llike + gan, "adv_loss": gan}

        def discriminator_terms():
            _, (real_logits, recon_logits, sample_logits) = self.discriminate_all(
                real, *seen["fakes"]
            )
            pair = self.loss_pair.discriminator
            return {
                "d_loss": 0.5 * (pair(real_logits, recon_logits) + pair(real_logits, sample_logits))
            }

        self.update("encoder", encoder_terms)
        self.update("generator", generator_terms)
        ganzoo_ema.follow(self)
        self.update(
            "discriminator",
            discriminator_terms,
            penalized=lambda: [(self._critic, real, seen["fakes"][1])],
        )
        return self.logs()

    def _critic(self, images):
        return self.discriminator(images, training=True)

    # ------------------------------------------------------------------ inference

    def encode(self, images, batch_size: int = 256) -> tuple[Any, Any]:
        """The mean and log-variance of q(z|x) for `images` in [-1, 1].

        Returns:
            `(mean, log_variance)`, float32 tensors of shape `(n, latent_dim)`.

        Example:
        >>> mean, log_variance = gan.encode(images)
        """
        images = ops.convert_to_tensor(images)
        checks.check_images(images, expected_shape=self.image_shape)
        parts = [
            self.encoder(images[start : start + batch_size], training=False)
            for start in range(0, int(images.shape[0]), int(batch_size))
        ]
        return tuple(ops.concatenate([ops.cast(p[i], "float32") for p in parts], 0) for i in (0, 1))

    def reconstruct(self, images, batch_size: int = 256, *, ema: bool = True):
        """`Dec(μ(x))`: images decoded from their posterior means (the code's test phase).

        Args:
            images: images in [-1, 1], shape `(n, H, W, C)`.
            batch_size: images per forward pass.
            ema: decode with `ema_generator` when the model has one.

        Returns:
            A float32 tensor of reconstructions, shape `(n, H, W, C)`.

        Example:
        >>> reconstructions = gan.reconstruct(images[:16])
        """
        mean, _ = self.encode(images, batch_size)
        return self.generate(latents=mean, batch_size=batch_size, ema=ema)

    def get_config(self) -> dict:
        return {**super().get_config(), "gamma": self.gamma}


def _check_networks(encoder, generator, discriminator, latent_dim: int) -> None:
    """`ValueError` unless the three networks fit together around `latent_dim`."""
    outputs = [tuple(o.shape[1:]) for o in getattr(encoder, "outputs", None) or []]
    if len(outputs) != 2:
        raise ValueError(
            f"Expected an encoder with two outputs, [mean, log_variance]; got {len(outputs)} "
            f"output(s) of shapes {outputs}."
        )
    image_shape = tuple(generator.output_shape[1:])
    check_shapes(
        "VAEGAN",
        {
            "encoder mean": (outputs[0], (latent_dim,)),
            "encoder log-variance": (outputs[1], (latent_dim,)),
            "generator input (latents)": (tuple(generator.input_shape[1:]), (latent_dim,)),
            "encoder input (images)": (tuple(encoder.input_shape[1:]), image_shape),
            "discriminator input (images)": (tuple(discriminator.input_shape[1:]), image_shape),
        },
        f"latent_dim={latent_dim}, the generator makes images of shape {image_shape}",
    )
