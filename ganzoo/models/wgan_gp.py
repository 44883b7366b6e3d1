"""WGAN-GP: Wasserstein GAN with gradient penalty (Gulrajani et al., 2017)."""

from __future__ import annotations

import keras

from ganzoo.nets import dcgan, wgan
from ganzoo.nets._common import batch_norm_layer_names
from ganzoo.regularizers import GradientPenalty, non_negative
from ganzoo.wasserstein import WassersteinGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class WGANGP(WassersteinGAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al., 2017, arXiv:1704.00028).

    Algorithm 1 of the paper: the critic minimises `D(x̃) - D(x) + λ·(‖∇D(x̂)‖₂ - 1)²`
    with `x̂ = ε·x + (1 - ε)·x̃`, `ε ~ U[0, 1]` drawn per example, λ = 10; it takes
    `d_steps = 5` updates, each on a fresh batch of real images, per generator update;
    the generator minimises `-D(G(z))`; both use Adam(1e-4, β₁=0, β₂=0.9).

    Batch size: each critic step needs its own real batch, so a dataset batch holds
    `d_steps × B` images and is split into `d_steps` interleaved chunks of `B` (see
    `GAN.critic_batches`); the generator step uses `B` samples. For the paper's
    `B = 64`, load batches of `5 * 64`: `ganzoo.data.load(name, batch_size=5 * 64)`. One
    `fit` step is then one generator iteration of the paper, and an epoch sees every
    training image once (in critic steps).

    Logged values (`fit`'s `History`): `d_loss` (critic loss including `λ·gp`),
    `g_loss`, `gp` (the penalty before λ) and `wasserstein`, the critic's estimate
    `E[D(x)] - E[D(x̃)]` of the Wasserstein distance (the negative critic loss without
    the penalty), each averaged over the epoch's steps that compute it; `r1` as well
    when `r1_gamma > 0`.

    The critic must not use batch normalisation (the penalty is per example; a critic
    with a `BatchNormalization` layer is refused); see `ganzoo.nets.wgan.build_critic`.

    Args:
        generator: a `keras.Model` from latents to images in [-1, 1].
        discriminator: the critic, a `keras.Model` from images to unbounded scores.
        latent_dim: size of `z` (128 in the paper's code).
        d_steps: critic updates per generator update (`n_critic`); default 5
            (`default_d_steps`).
        gp_weight: the penalty coefficient λ (10).
        adversarial_loss: only `"wasserstein"` (accepted for `from_config`).
        **kwargs: passed to `ganzoo.GAN` (`r1_gamma`, `seed`, `name`, ...).

    Example:
    >>> gan = ganzoo.WGANGP.for_images((28, 28, 1))
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("fashion_mnist", batch_size=5 * 64), epochs=20)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int = 128,
        *,
        gp_weight: float = 10.0,
        regularizers=None,
        **kwargs,
    ):
        batch_norms = batch_norm_layer_names(discriminator)
        if batch_norms:
            raise ValueError(
                f"Expected a WGAN-GP critic without batch normalization (it couples the "
                f"examples of a batch, which invalidates the per-example gradient penalty; "
                f"use layer normalization or none); got BatchNormalization layers "
                f"{batch_norms}."
            )
        if regularizers is None:  # a saved config lists the penalty among its regularizers
            regularizers = [GradientPenalty(non_negative(gp_weight, "gp_weight"))]
        super().__init__(generator, discriminator, latent_dim, regularizers=regularizers, **kwargs)

    @property
    def gp_weight(self) -> float:
        """λ of the gradient penalty (0 without one)."""
        return sum(r.weight for r in self.regularizers if isinstance(r, GradientPenalty))

    def extra_log_names(self) -> list[str]:
        penalties = [r.name for r in self.regularizers if isinstance(r, GradientPenalty)]
        return [*penalties[:1], *super().extra_log_names()]

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 128,
        base_filters: int | None = None,
        normalization: str | None = None,
        **kwargs,
    ) -> WGANGP:
        """Builds a WGAN-GP with the paper's DCGAN-style networks for `image_shape`.

        The generator is `ganzoo.nets.dcgan.build_generator` (projection, 5×5
        transposed convolutions with batch norm and ReLU, `tanh`), as in the released
        `gan_cifar.py` / `gan_64x64.py`; the critic is
        `ganzoo.nets.wgan.build_critic` (5×5 stride-2 convolutions, LeakyReLU(0.2),
        no normalisation by default).

        Args:
            image_shape: `(H, W, C)`, e.g. (28, 28, 1), (32, 32, 3), (64, 64, 3).
            latent_dim: size of `z` (128 in the paper's code).
            base_filters: width of both networks (the code's `DIM`); by default 128
                for 32×32 images (`gan_cifar.py`) and 64 otherwise (`gan_mnist.py`,
                `gan_64x64.py`).
            normalization: the critic's normalisation, `None` or `"layer"`.
            **kwargs: passed to the constructor (`d_steps`, `gp_weight`, `seed`, ...).

        Returns:
            An uncompiled `WGANGP`.

        Example:
        >>> gan = ganzoo.WGANGP.for_images((32, 32, 3), normalization="layer")
        """
        if base_filters is None:
            base_filters = 128 if tuple(int(d) for d in image_shape[:2]) == (32, 32) else 64
        return cls(
            dcgan.build_generator(image_shape, latent_dim, base_filters),
            wgan.build_critic(image_shape, base_filters, normalization),
            latent_dim,
            **kwargs,
        )
