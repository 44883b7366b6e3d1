"""StyleGAN2 (Karras, Laine, Aittala, Hellsten, Lehtinen & Aila, 2020)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo.base import GAN
from ganzoo.core.lazy import LAZY_LOSS, counter, every, lazy_adam
from ganzoo.core.replicas import global_batch_mean
from ganzoo.nets import stylegan2 as nets
from ganzoo.regularizers import R1, non_negative, path_lengths

#: the generator EMA of the paper's config F: a half-life of 10k images at batch 32.
PAPER_EMA = 0.5 ** (32 / 10_000)


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r}.")
    return value


@keras.saving.register_keras_serializable(package="ganzoo")
class StyleGAN2(GAN):
    """StyleGAN2 (Karras et al., 2020, "Analyzing and Improving the Image Quality of
    StyleGAN", CVPR, arXiv:1912.04958), config F's architecture (skip generator,
    residual discriminator) at small resolutions, after NVlabs stylegan2-ada-pytorch
    (`training/networks.py`, `loss.py`, `training_loop.py`).

    - The generator maps `z` through the mapping network (learning-rate multiplier
      0.01) to `w`, whose mean it tracks for truncation (`w_avg`, decay 0.995), and
      with style mixing regularisation (probability 0.9) to the synthesis network's
      modulated, demodulated convolutions with noise inputs (`ganzoo.nets.stylegan2`).
    - Loss: the non-saturating logistic loss on both sides.
    - Lazy R1, `γ/2 · ‖∇D(x)‖²` with γ = 0.01 (the `cifar` configuration's value for
      small images; FFHQ's is 10), every 16 discriminator steps, weighted by 16
      (`ganzoo.regularizers.R1(gamma, interval=16)`, applied by the core).
    - The path-length regulariser every 4 generator steps, weighted by 4: on half a
      batch, `(‖J_wᵀ y‖ − a)²` with `y` Gaussian noise over `sqrt(H·W)`, `a` the running
      mean of the lengths (decay 0.01), weight 2. The `cifar` configuration turns it off
      (`pl_weight=0`). Its update runs before the step's main generator update (the
      reference's runs after it, before the EMA in both).
    - Adam(0.0025, β = (0, 0.99), ε = 1e-8), with lazy regularisation's correction
      `c = k/(k+1)` for a player with a lazy regulariser: rate `c · lr`, betas `β^c`.
    - A generator EMA (`ema`, half-life 10k images at batch 32, ramp-up 0.05), which
      `generate` uses by default.

    Args:
        generator: `ganzoo.nets.stylegan2.build_generator`'s model.
        discriminator: `ganzoo.nets.stylegan2.build_discriminator`'s model.
        latent_dim: size of `z` (read from the generator when omitted).
        gamma: γ of the lazy R1 (0.01), used when `regularizers` is not given.
        r1_interval: discriminator steps per R1 update (16).
        pl_weight: weight of the path-length regulariser (2; 0 turns it off).
        pl_interval: generator steps per path-length update (4).
        pl_decay: decay of the path lengths' running mean (0.01).
        pl_batch_shrink: the path-length batch is the batch divided by this (2).
        ema: the generator EMA's decay per step (config F's; `None`: no EMA).
        regularizers: replaces `[R1(gamma, r1_interval)]` (a saved config lists it).
        **kwargs: passed to `ganzoo.GAN` (`seed`, `ema_rampup`, `augment`, ...).

    Example:
    >>> gan = ganzoo.StyleGAN2.for_images((32, 32, 3))
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("cifar10", batch_size=32), epochs=10)  # d_loss, g_loss, r1, pl
    >>> images = gan.generate(16, truncation=0.7)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int | None = None,
        *,
        gamma: float = 0.01,
        r1_interval: int = 16,
        pl_weight: float = 2.0,
        pl_interval: int = 4,
        pl_decay: float = 0.01,
        pl_batch_shrink: int = 2,
        ema: float | None = PAPER_EMA,
        regularizers=None,
        **kwargs,
    ):
        nets.check_resolution(generator.output_shape[1:])
        for part in ("mapping", "w_average", "style_mixing", "synthesis"):
            if part not in [layer.name for layer in generator.layers]:
                raise ValueError(
                    f"Expected a StyleGAN2 generator (ganzoo.nets.stylegan2.build_generator) "
                    f"with a {part!r} part; got layers {[x.name for x in generator.layers]}."
                )
        if regularizers is None:
            regularizers = [
                R1(non_negative(gamma, "gamma"), _positive_int(r1_interval, "r1_interval"))
            ]
        self.pl_weight = non_negative(pl_weight, "pl_weight")
        self.pl_interval = _positive_int(pl_interval, "pl_interval")
        self.pl_batch_shrink = _positive_int(pl_batch_shrink, "pl_batch_shrink")
        self.pl_decay = float(pl_decay)
        if not 0.0 <= self.pl_decay <= 1.0:
            raise ValueError(f"pl_decay must be in [0, 1]; got {pl_decay!r}.")
        latent_dim = latent_dim or generator.input_shape[-1]
        super().__init__(
            generator, discriminator, latent_dim, regularizers=regularizers, ema=ema, **kwargs
        )
        self.pl_mean = keras.Variable(
            0.0, trainable=False, name="pl_mean", aggregation="only_first_replica"
        )
        self.pl_updates = counter("pl_updates")

    # ------------------------------------------------------------------ defaults

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return lazy_adam(0.0025, 0.0, 0.99, self.pl_interval if self.pl_weight else None)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        lazy = [r.interval for r in self.regularizers if r.interval > 1 and r.weight]
        return lazy_adam(0.0025, 0.0, 0.99, lazy[0] if lazy else None)

    def extra_log_names(self) -> list[str]:
        return ["pl"] if self.pl_weight else []

    @property
    def gamma(self) -> float:
        """γ of the R1 regularizer."""
        return self.r1_gamma

    @property
    def r1_interval(self) -> int:
        """Discriminator steps per R1 update."""
        return max([r.interval for r in self.regularizers if isinstance(r, R1)] or [1])

    # ------------------------------------------------------------------ the step

    def generator_step(self, real, condition) -> None:
        """The path-length update when due, then the main update (and the EMA)."""
        if self.pl_weight:
            every(self.pl_updates, self.pl_interval, self.path_length_update, (real,))
        super().generator_step(real, condition)

    def path_length_update(self, real) -> None:
        """One generator update on `pl_interval · pl_weight · (‖J_wᵀ y‖ − a)²`."""
        batch = ops.maximum(ops.shape(real)[0] // self.pl_batch_shrink, 1)
        latents = self.sample_latent(batch)
        styles = self._styles_model()
        synthesis = self.generator.get_layer("synthesis")

        def terms() -> dict[str, Any]:
            ws = styles(latents, training=True)
            lengths = path_lengths(lambda x: synthesis(x, training=True), ws, self.draw)
            mean = ops.stop_gradient(global_batch_mean(lengths))
            pl_mean = self.pl_mean + self.pl_decay * (mean - self.pl_mean)
            self.pl_mean.assign(pl_mean)
            penalty = ops.square(lengths - pl_mean)
            return {"pl": penalty, LAZY_LOSS: penalty * (self.pl_weight * self.pl_interval)}

        self.update("generator", terms, loss=LAZY_LOSS)

    def _styles_model(self) -> keras.Model:
        """`z → ws` of the training generator (mapping, w_avg tracking, mixing)."""
        model = self.__dict__.get("_styles")
        if model is None:
            output = self.generator.get_layer("style_mixing").output
            model = keras.Model(self.generator.input, output)
            object.__setattr__(self, "_styles", model)  # not tracked: G's own layers
        return model

    # ------------------------------------------------------------------ inference

    def generate(
        self,
        n: int | None = None,
        *,
        latents=None,
        truncation: float = 1.0,
        seed: int | None = None,
        batch_size: int = 256,
        ema: bool = True,
        condition=None,
    ):
        """Generates images, clipped to [-1, 1], with the truncation trick.

        Args:
            n: number of images; may be omitted when `latents` are given.
            latents: `z` vectors, shape `(n, latent_dim)`; N(0, I) when omitted.
            truncation: ψ: `w ← w_avg + ψ · (w − w_avg)`; 1 is none, 0 gives every
                image the average `w`; any finite ψ is accepted, as in the reference.
            seed: seed of the latents.
            batch_size: images per forward pass.
            ema: use the EMA generator (the default) when there is one.
            condition: unused (StyleGAN2 here is unconditional).

        Returns:
            A float32 tensor `(n, H, W, C)`.

        Example:
        >>> images = gan.generate(16, truncation=0.5, seed=0)
        """
        psi = nets.check_truncation(truncation)
        if latents is None:
            if n is None or int(n) < 1:
                raise ValueError(f"generate needs n >= 1 or latents; got n={n!r}.")
            latents = keras.random.normal((int(n), self.latent_dim), seed=seed)
        latents = ops.convert_to_tensor(latents, "float32")
        if len(latents.shape) != 2 or latents.shape[-1] != self.latent_dim:
            raise ValueError(
                f"Expected latents of shape (n, {self.latent_dim}); got {tuple(latents.shape)}."
            )
        network = self.ema_generator if (ema and self.ema is not None) else self.generator
        return nets.truncated_images(network, latents, psi, batch_size)

    # ------------------------------------------------------------------ building

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int] = (32, 32, 3),
        latent_dim: int = 128,
        w_dim: int | None = None,
        mapping_layers: int | None = None,
        channel_base: int = 2048,
        channel_max: int = 128,
        style_mixing: float = 0.9,
        mbstd_group_size: int = 4,
        network_seed: int | None = None,
        **kwargs,
    ) -> StyleGAN2:
        """StyleGAN2 at `image_shape` with CPU-sized networks.

        Args:
            image_shape: `(R, R, C)`, R a power of two ≥ 4 (32×32×3 by default).
            latent_dim: size of `z` (128; the paper's 512).
            w_dim: size of `w` (`latent_dim`).
            mapping_layers: mapping depth: 2 up to 32 pixels (stylegan2-ada's `cifar`
                configuration, which found 8 unnecessary for small images and which
                costs a quarter of the mapping's steps), 8 above (the paper).
            channel_base, channel_max: feature maps `min(base // res, max)`: 2048 and
                128 (128 maps up to 16×16, 64 at 32×32); the reference's 32768 and 512.
            style_mixing: the mixing probability (0.9, the paper; the `cifar`
                configuration's 0).
            mbstd_group_size: minibatch-std group (4, the paper; `cifar`: 32).
            network_seed: base seed of the noise and mixing layers' draws.
            **kwargs: passed to the constructor (`gamma`, `pl_weight`, `seed`, ...).

        Returns:
            An uncompiled `StyleGAN2`.
        """
        resolution = nets.check_resolution(image_shape)
        if mapping_layers is None:
            mapping_layers = 2 if resolution <= 32 else 8
        generator = nets.build_generator(
            image_shape,
            latent_dim,
            w_dim or latent_dim,
            mapping_layers,
            channel_base,
            channel_max,
            style_mixing,
            seed=network_seed,
        )
        discriminator = nets.build_discriminator(
            image_shape, channel_base, channel_max, mbstd_group_size
        )
        return cls(generator, discriminator, latent_dim, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        names = ("pl_weight", "pl_interval", "pl_decay", "pl_batch_shrink")
        return {**config, **{name: getattr(self, name) for name in names}}
