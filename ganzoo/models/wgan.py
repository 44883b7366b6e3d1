"""WGAN: Wasserstein GAN with weight clipping (Arjovsky, Chintala & Bottou, 2017).

`ganzoo.wasserstein.WassersteinGAN` holds what WGAN and WGAN-GP share (the critic loss, the
`wasserstein` log, `d_steps = 5`); `WGAN` adds the weight clipping of Algorithm 1.
"""

from __future__ import annotations

import keras
from keras import ops

from ganzoo.nets import dcgan
from ganzoo.wasserstein import WassersteinGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class WGAN(WassersteinGAN):
    """Wasserstein GAN (Arjovsky, Chintala & Bottou, 2017, arXiv:1701.07875).

    Algorithm 1 of the paper: the critic (a linear output, no sigmoid) minimises
    `D(x̃) - D(x)` and after every update its weights are clipped to `[-c, c]`,
    `c = 0.01`, which keeps it in a compact set of K-Lipschitz functions; it takes
    `d_steps = 5` updates, each on a fresh batch of real images, per generator update;
    the generator minimises `-D(G(z))`; both use RMSprop with learning rate 5e-5
    (ρ = 0.99, ε = 1e-8, the reference code's PyTorch defaults).

    Clipped are the critic's trainable variables, batch norm's scale and offset
    included (the reference code clamps `netD.parameters()`), not batch norm's moving
    statistics. The initial critic is clipped too (the reference clamps before each
    critic update, the first included). Clipping is an element-wise assignment after
    the update inside the training step, so every replica of a `tf.distribute`
    strategy clips its copy of the same values identically. As in `ganzoo.WGANGP`, a
    dataset batch holds `d_steps × B` images (`batch_size=5 * 64` for the paper's B).
    Logged: `d_loss`, `g_loss`, `wasserstein` (see `ganzoo.wasserstein.WassersteinGAN`).

    Args:
        generator, discriminator, latent_dim: see `ganzoo.GAN` (the discriminator is
            the critic, unbounded scores).
        clip_value: `c`, the clipping bound (0.01); must be > 0.
        d_steps: critic updates per generator update (`n_critic`, 5).
        **kwargs: passed to `ganzoo.GAN` (`seed`, `regularizers`, `name`, ...).

    Example:
    >>> gan = ganzoo.WGAN.for_images((28, 28, 1))
    >>> gan.compile()  # RMSprop(5e-5) on both sides
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=5 * 64), epochs=20)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int = 100,
        *,
        clip_value: float = 0.01,
        **kwargs,
    ):
        if isinstance(clip_value, bool) or not float(clip_value) > 0:
            raise ValueError(f"Expected clip_value > 0 (the paper's c = 0.01); got {clip_value!r}.")
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.clip_value = float(clip_value)
        self.clip_critic()

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        # ρ and ε of the reference code's optimizer (PyTorch's RMSprop defaults).
        return keras.optimizers.RMSprop(5e-5, rho=0.99, epsilon=1e-8)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.RMSprop(5e-5, rho=0.99, epsilon=1e-8)

    def clip_critic(self) -> None:
        """Clips every trainable critic variable to `[-clip_value, clip_value]`."""
        for variable in self.discriminator_variables:
            variable.assign(ops.clip(variable, -self.clip_value, self.clip_value))

    def discriminator_step(self, real, condition) -> None:
        """One critic update, then the clipping of Algorithm 1."""
        super().discriminator_step(real, condition)
        self.clip_critic()

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 100,
        base_filters: int = 64,
        **kwargs,
    ) -> WGAN:
        """Builds a WGAN with the DCGAN networks the paper trains (§4).

        The critic is `ganzoo.nets.dcgan.build_discriminator` with its batch norm and
        a linear output, as the paper's and the reference code's DCGAN critic
        (github.com/martinarjovsky/WassersteinGAN, `DCGAN_D`); the generator is
        `ganzoo.nets.dcgan.build_generator`.

        Args:
            image_shape: `(H, W, C)`, e.g. (28, 28, 1), (32, 32, 3), (64, 64, 3).
            latent_dim: size of `z` (100, the reference code's `nz`).
            base_filters: width of both networks (the code's `ndf = ngf = 64`).
            **kwargs: passed to the constructor (`clip_value`, `d_steps`, `seed`, ...).

        Returns:
            An uncompiled `WGAN`.
        """
        return cls(
            dcgan.build_generator(image_shape, latent_dim, base_filters),
            dcgan.build_discriminator(image_shape, base_filters),
            latent_dim,
            **kwargs,
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "clip_value": self.clip_value}
