"""StyleGAN2's networks (Karras et al., 2020), config E/F of the paper: a mapping
network, a synthesis network with skip-connected ToRGB outputs and a residual
discriminator, after NVlabs stylegan2-ada-pytorch `training/networks.py`.

The generator is one `keras.Model` from `z` to images whose nested parts
`mapping` (z → w), `w_average` (the tracked mean of w), `style_mixing` (w → the
`num_ws` inputs of the synthesis network, with the mixing regularisation while
training) and `synthesis` (ws → images) a model can call one by one (truncation, the
path-length regulariser).
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from ganzoo.layers import MinibatchStdDev
from ganzoo.layers.mapping import FreshLatents, NormalizeSecondMoment, StyleMixing, WAverage
from ganzoo.layers.style import (
    ConstantInput,
    EqualizedConv2D,
    EqualizedDense,
    ModulatedConv2D,
    Upsample2D,
)


def check_resolution(image_shape) -> int:
    """The side of square `image_shape`, or a `ValueError` unless it is a power of two
    ≥ 4 (the synthesis network doubles a 4×4 input)."""
    height, width = int(image_shape[0]), int(image_shape[1])
    if height != width or height < 4 or height & (height - 1):
        raise ValueError(
            "Expected a square resolution that is a power of two >= 4 (4, 8, 16, 32, ...); "
            f"got image_shape {tuple(image_shape)}."
        )
    return height


def channels_at(resolution: int, channel_base: int, channel_max: int) -> int:
    """Feature maps at `resolution`: `min(channel_base // resolution, channel_max)`."""
    return max(1, min(channel_base // resolution, channel_max))


def num_ws(resolution: int) -> int:
    """The synthesis network's `w` inputs: two per resolution from 8 on, two at 4×4."""
    return 2 * int(math.log2(resolution)) - 2


def check_truncation(psi) -> float:
    """`psi` as a float, or a `ValueError` unless it is a finite number."""
    try:
        value = float(psi)
    except (TypeError, ValueError):
        value = float("nan")
    if not math.isfinite(value):
        raise ValueError(f"truncation must be a finite number ψ; got {psi!r}.")
    return value


def truncated_images(generator: keras.Model, latents, psi: float, batch_size: int = 256):
    """Images of `build_generator`'s `generator` for `latents`, with `w ← w_avg +
    ψ·(w − w_avg)` for every layer, the noise buffers (no mixing), clipped to [-1, 1].

    Returns:
        A float32 tensor `(n, R, R, C)`.
    """
    mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
    w_avg = ops.cast(generator.get_layer("w_average").w_avg, "float32")
    count = synthesis.input_shape[1]
    outputs = []
    for start in range(0, latents.shape[0], batch_size):
        w = ops.cast(mapping(latents[start : start + batch_size]), "float32")
        ws = ops.repeat((w_avg + psi * (w - w_avg))[:, None], count, axis=1)
        outputs.append(ops.clip(ops.cast(synthesis(ws), "float32"), -1.0, 1.0))
    return ops.concatenate(outputs, axis=0)


def build_mapping(latent_dim: int, w_dim: int, num_layers: int, lr_multiplier: float = 0.01):
    """The mapping network: `z` normalised, then `num_layers` equalised dense layers of
    `w_dim` with leaky ReLU and the learning-rate multiplier (0.01)."""
    z = keras.Input((latent_dim,), name="z")
    x = NormalizeSecondMoment(name="normalize")(z)
    for i in range(num_layers):
        x = EqualizedDense(w_dim, lr_multiplier, activation="lrelu", name=f"fc{i}")(x)
    return keras.Model(z, x, name="mapping")


def build_synthesis(resolution, channels, w_dim, channel_base, channel_max, seed=None):
    """The synthesis network (skip architecture): a learned 4×4 constant, at every
    resolution two modulated 3×3 convolutions (the first upsamples) with noise, and a
    ToRGB whose output is added to the upsampled image so far."""
    count = num_ws(resolution)
    ws = keras.Input((count, w_dim), name="ws")
    seeds = iter(range(0 if seed is None else seed, 10**9))

    def ch(res):
        return channels_at(res, channel_base, channel_max)

    def seed_():
        return None if seed is None else next(seeds)

    x = ConstantInput(ch(4), 4, name="const")(ws)
    x = ModulatedConv2D(ch(4), 3, 0, seed=seed_(), name="b4_conv1")([x, ws])
    to_rgb = {"demodulate": False, "noise": False, "activation": None}
    image = ModulatedConv2D(channels, 1, 1, **to_rgb, name="b4_torgb")([x, ws])
    res, index = 8, 1
    while res <= resolution:
        x = ModulatedConv2D(ch(res), 3, index, up=True, seed=seed_(), name=f"b{res}_conv0")([x, ws])
        x = ModulatedConv2D(ch(res), 3, index + 1, seed=seed_(), name=f"b{res}_conv1")([x, ws])
        rgb = ModulatedConv2D(channels, 1, index + 2, **to_rgb, name=f"b{res}_torgb")([x, ws])
        image = layers.Add(name=f"b{res}_skip")([Upsample2D(name=f"b{res}_up")(image), rgb])
        res, index = 2 * res, index + 2
    return keras.Model(ws, image, name="synthesis")


def build_generator(
    image_shape,
    latent_dim: int = 512,
    w_dim: int = 512,
    mapping_layers: int = 8,
    channel_base: int = 32768,
    channel_max: int = 512,
    style_mixing: float = 0.9,
    w_avg_beta: float = 0.995,
    seed: int | None = None,
) -> keras.Model:
    """StyleGAN2's generator, `z → images`, with the reference's defaults.

    Args:
        image_shape: `(R, R, C)`, R a power of two ≥ 4.
        latent_dim: size of `z` (512).
        w_dim: size of `w` (512).
        mapping_layers: depth of the mapping network (8 in the paper, 2 in
            stylegan2-ada's `cifar` configuration).
        channel_base, channel_max: feature maps `min(channel_base // res, channel_max)`
            (32768 and 512 in the reference).
        style_mixing: probability of style mixing while training (0.9; 0: none).
        w_avg_beta: decay of the tracked mean of `w` (0.995).
        seed: base seed of the noise and mixing draws (`None`: random, kept in configs).

    Returns:
        A `keras.Model` named `"generator"` (outputs are not clipped, as the reference's).
    """
    resolution = check_resolution(image_shape)
    channels = int(image_shape[2])
    mapping = build_mapping(latent_dim, w_dim, mapping_layers)
    # `seed` and `seed + 1` are the mixing layers'; the noise layers take the next ones,
    # so that no two layers draw the same stream.
    noise_seed = None if seed is None else seed + 2
    synthesis = build_synthesis(resolution, channels, w_dim, channel_base, channel_max, noise_seed)
    z = keras.Input((latent_dim,), name="z")
    w = WAverage(w_avg_beta, name="w_average")(mapping(z))
    mixing = StyleMixing(num_ws(resolution), style_mixing, seed=seed, name="style_mixing")
    if style_mixing:
        fresh = FreshLatents(seed=None if seed is None else seed + 1, name="fresh_latents")(z)
        ws = mixing([w, mapping(fresh)])
    else:
        ws = mixing(w)
    return keras.Model(z, synthesis(ws), name="generator")


def build_discriminator(
    image_shape,
    channel_base: int = 32768,
    channel_max: int = 512,
    mbstd_group_size: int = 4,
) -> keras.Model:
    """StyleGAN2's residual discriminator: FromRGB at full resolution, then per
    resolution two 3×3 convolutions (the second downsamples) with a downsampled 1×1 skip,
    summed with gain √½; at 4×4 minibatch standard deviation, a 3×3 convolution and
    two dense layers to one logit.

    Args:
        image_shape: `(R, R, C)`, R a power of two ≥ 4.
        channel_base, channel_max: as in `build_generator`.
        mbstd_group_size: images per minibatch-std group (4; the `cifar` configuration 32).

    Returns:
        A `keras.Model` named `"discriminator"`.
    """
    resolution = check_resolution(image_shape)

    def ch(res):
        return channels_at(res, channel_base, channel_max)

    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    x = EqualizedConv2D(ch(resolution), 1, name=f"b{resolution}_fromrgb")(images)
    res = resolution
    while res > 4:
        skip = EqualizedConv2D(ch(res // 2), 1, None, False, True, name=f"b{res}_skip")(x)
        x = EqualizedConv2D(ch(res), 3, name=f"b{res}_conv0")(x)
        x = EqualizedConv2D(ch(res // 2), 3, down=True, name=f"b{res}_conv1")(x)
        x = layers.Rescaling(math.sqrt(0.5), name=f"b{res}_gain")(layers.Add()([skip, x]))
        res //= 2
    x = MinibatchStdDev(mbstd_group_size, name="mbstd")(x)
    x = EqualizedConv2D(ch(4), 3, name="b4_conv")(x)
    x = layers.Flatten()(x)
    x = EqualizedDense(ch(4), activation="lrelu", name="b4_fc")(x)
    return keras.Model(images, EqualizedDense(1, name="b4_out")(x), name="discriminator")
