"""The original GAN (Goodfellow et al., 2014) with fully connected networks."""

from __future__ import annotations

import keras

from ganzoo.base import GAN
from ganzoo.nets import mlp


@keras.saving.register_keras_serializable(package="ganzoo")
class VanillaGAN(GAN):
    """The original GAN: fully connected networks, Goodfellow et al. (2014) losses.

    The discriminator minimises the paper's value function; the generator uses the
    non-saturating loss the paper recommends in practice (§3), `-log D(G(z))`;
    `adversarial_loss="minimax"` selects the saturating objective instead. Both sides
    use Adam with Keras' defaults (learning rate 1e-3), as the teaching baseline of
    "GANs in Action" (Langr & Bok, 2019) that the networks come from.

    Args:
        generator, discriminator, latent_dim, **kwargs: see `ganzoo.GAN`.

    Example:
    >>> gan = ganzoo.VanillaGAN.for_images((28, 28, 1), latent_dim=100)
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=128), epochs=10)
    """

    # Its steps take a few milliseconds on a CPU: fused steps (8 per `tf.function`
    # call) and XLA make `fit` 1.7x faster there (docs/performance.md).
    default_steps_per_execution = 8
    jit_compile_on_cpu = True

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam()

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam()

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 100,
        hidden_units: int = 128,
        **kwargs,
    ) -> VanillaGAN:
        """Builds a vanilla GAN whose networks fit `image_shape`.

        Args:
            image_shape: `(H, W, C)` of the training images.
            latent_dim: size of `z`.
            hidden_units: width of each network's hidden layer.
            **kwargs: passed to the constructor (`seed`, `adversarial_loss`, ...).

        Returns:
            An uncompiled `VanillaGAN`.
        """
        return cls(
            mlp.build_generator(image_shape, latent_dim, hidden_units),
            mlp.build_discriminator(image_shape, hidden_units),
            latent_dim,
            **kwargs,
        )
