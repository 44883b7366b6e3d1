"""The one list of ganzoo's variants: class, data kind, tiny test networks, CLI options.

The command line (`ganzoo train`), the contract tests, the benchmarks, the picture
script and the docs index all read this list, so adding a variant touches its model
file, its test file, its docs page and one `register(...)` call here.

Data kinds (what a dataset element holds; see docs/data.md):
- `"images"`: image batches, or `(images, labels)` whose labels are ignored;
- `"labelled"`: `(images, labels)` with integer labels (`-1` marks an unlabelled
  image for semi-supervised variants);
- `"paired"`: `(a, b)` pairs of aligned images (paired translation);
- `"unpaired"`: `(a, b)` batches zipped from two unaligned domains (CycleGAN).

Example:
>>> from ganzoo import registry
>>> entry = registry.get("dcgan")
>>> gan = entry.build((32, 32, 1), latent_dim=64)
"""

from __future__ import annotations

from ganzoo.models.acgan import ACGAN
from ganzoo.models.cgan import CGAN
from ganzoo.models.cyclegan import CycleGAN
from ganzoo.models.dcgan import DCGAN
from ganzoo.models.infogan import InfoGAN
from ganzoo.models.lsgan import LSGAN
from ganzoo.models.pix2pix import Pix2Pix
from ganzoo.models.progan import ProGAN
from ganzoo.models.r3gan import R3GAN
from ganzoo.models.sgan import SGAN
from ganzoo.models.sngan import SNGAN
from ganzoo.models.stylegan2 import StyleGAN2
from ganzoo.models.vaegan import VAEGAN
from ganzoo.models.vanilla import VanillaGAN
from ganzoo.models.wgan import WGAN
from ganzoo.models.wgan_gp import WGANGP
from ganzoo.variant import DATA_KINDS, Learning, Option, Variant

__all__ = ["DATA_KINDS", "Learning", "Option", "Variant", "get", "names", "register", "variants"]


_VARIANTS: dict[str, Variant] = {}


def register(variant: Variant) -> Variant:
    """Adds `variant` to the registry.

    Args:
        variant: a `Variant`; its name must be new and its data kind known.

    Returns:
        `variant`.
    """
    if variant.data not in DATA_KINDS:
        raise ValueError(f"Expected a data kind in {DATA_KINDS}; got {variant.data!r}.")
    if variant.name in _VARIANTS:
        raise ValueError(f"A variant named {variant.name!r} is registered already.")
    _VARIANTS[variant.name] = variant
    return variant


def names() -> list[str]:
    """The registered variants' names, sorted."""
    return sorted(_VARIANTS)


def get(name: str) -> Variant:
    """The registered variant called `name`.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if name not in _VARIANTS:
        raise ValueError(f"Expected a variant among {', '.join(names())}; got {name!r}.")
    return _VARIANTS[name]


def variants() -> list[Variant]:
    """Every registered variant, sorted by name."""
    return [_VARIANTS[name] for name in names()]


# ganzoo's own variants.
#: `ganzoo.tricks` options and DCGAN's discriminator options (docs/training-tricks.md).
TRICK_OPTIONS = (
    Option("label_smoothing", float, "one-sided label smoothing s: real target 1-s (0)"),
    Option("instance_noise", float, "instance noise sigma, annealed to 0 (0)"),
    Option("instance_noise_steps", int, "steps over which the noise anneals (10000)"),
    Option("feature_matching", float, "weight of G's feature-matching term (0)"),
    Option("minibatch_discrimination", int, "minibatch discrimination kernels B (off)"),
)
base_filters = Option("base_filters", int, "width of both networks", hidden=True)
register(
    Variant(
        "vanilla",
        VanillaGAN,
        "images",
        "Goodfellow et al. 2014",
        "docs/vanilla.md",
        {"image_shape": (8, 8, 1), "latent_dim": 4, "hidden_units": 8},
        (Option("hidden_units", int, "width of each network's hidden layer (128)"),),
    )
)
register(
    Variant(
        "dcgan",
        DCGAN,
        "images",
        "Radford et al. 2016",
        "docs/dcgan.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (base_filters, *TRICK_OPTIONS),
    )
)
register(
    Variant(
        "wgan_gp",
        WGANGP,
        "images",
        "Gulrajani et al. 2017",
        "docs/wgan_gp.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (
            base_filters,
            Option("gp_weight", float, "gradient penalty weight lambda (10)"),
            Option("d_steps", int, "critic steps per generator step (5)"),
        ),
    )
)
register(
    Variant(
        "cgan",
        CGAN,
        "labelled",
        "Mirza & Osindero 2014",
        "docs/cgan.md",
        {"image_shape": (16, 16, 1), "num_classes": 3, "latent_dim": 8, "base_filters": 4},
        (
            base_filters,
            Option(
                "discriminator",
                str,
                "how D sees the label: concat (the paper) or projection",
                choices=("concat", "projection"),
            ),
        ),
    )
)
register(
    Variant(
        "infogan",
        InfoGAN,
        "images",
        "Chen et al. 2016",
        "docs/infogan.md",
        {
            "image_shape": (16, 16, 1),
            "noise_dim": 4,
            "categorical_codes": (3,),
            "continuous_codes": 1,
            "base_filters": 4,
            "hidden_units": 8,
            "q_units": 8,
        },
        (
            base_filters,
            Option("continuous_codes", int, "number of continuous codes (2)"),
        ),
        latent_argument="noise_dim",
    )
)
register(
    Variant(
        "cyclegan",
        CycleGAN,
        "unpaired",
        "Zhu et al. 2017",
        "docs/cyclegan.md",
        {
            "image_shape": (16, 16, 1),
            "filters": 4,
            "residual_blocks": 1,
            "discriminator_filters": 4,
            "discriminator_layers": 1,
        },
        (
            Option(
                "generator",
                str,
                "generator network: resnet (the paper) or unet",
                choices=("resnet", "unet"),
            ),
            Option("filters", int, "generator width ngf (64)"),
            Option("residual_blocks", int, "ResNet blocks (6 below 256 px, 9 at 256)"),
            Option("discriminator_filters", int, "PatchGAN width ndf (64)", hidden=True),
            Option("discriminator_layers", int, "PatchGAN depth (3)", hidden=True),
            Option("pool_size", int, "image pool size (50)"),
        ),
        latent_argument=None,
    )
)
register(
    Variant(
        "acgan",
        ACGAN,
        "labelled",
        "Odena et al. 2017",
        "docs/acgan.md",
        {"image_shape": (16, 16, 1), "num_classes": 3, "latent_dim": 8, "base_filters": 4},
        (base_filters,),
        learning=Learning(300, 32, {"base_filters": 16, "latent_dim": 32}),
    )
)
register(
    Variant(
        "r3gan",
        R3GAN,
        "images",
        "Huang et al. 2024",
        "docs/r3gan.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (base_filters, Option("gamma", float, "R1 and R2 weight gamma (0.05)")),
        learning=Learning(900, 16, {"base_filters": 16, "latent_dim": 32}),
    )
)
register(
    Variant(
        "lsgan",
        LSGAN,
        "images",
        "Mao et al. 2017",
        "docs/lsgan.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (base_filters,),
        learning=Learning(450, 32, {"latent_dim": 32, "base_filters": 16}),
    )
)
register(
    Variant(
        "wgan",
        WGAN,
        "images",
        "Arjovsky et al. 2017",
        "docs/wgan.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (
            base_filters,
            Option("clip_value", float, "critic weight clipping bound c (0.01)"),
            Option("d_steps", int, "critic steps per generator step (5)"),
        ),
        # Over CI's 30 s (35-40 s): 750 steps of 8 took 21-27 s for 0.52-0.55 in one
        # process but ended at 0.786 in CI's worker (docs/wgan.md).
        learning=Learning(1000, 16, {"latent_dim": 32, "base_filters": 8}),
    )
)
register(
    Variant(
        "sngan",
        SNGAN,
        "images",
        "Miyato et al. 2018",
        "docs/sngan.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (
            Option("base_filters", int, "width of both networks (64)"),
            Option("d_steps", int, "discriminator steps per generator step (5)"),
        ),
        # Table 1's setting C (Adam(2e-4, 0.5, 0.999), n_dis = 1): the official setting's
        # five critic steps take 46 s for 300 steps here, over CI's 30 s (docs/sngan.md).
        learning=Learning(250, 32, {"base_filters": 16, "setting": "C"}),
    )
)
register(
    Variant(
        "sgan",
        SGAN,
        "labelled",
        "Salimans et al. 2016",
        "docs/sgan.md",
        {
            "image_shape": (8, 8, 1),
            "num_classes": 3,
            "latent_dim": 4,
            "hidden_units": (8, 8),
            "generator_units": (8,),
        },
        (Option("labelled", int, "labels kept, balanced over the classes (default: all)"),),
    )
)
register(
    Variant(
        "pix2pix",
        Pix2Pix,
        "paired",
        "Isola et al. 2017",
        "docs/pix2pix.md",
        {"image_shape": (16, 16, 1), "filters": 2, "downsamplings": 3, "discriminator_filters": 2},
        (
            Option("filters", int, "U-Net width ngf (64)"),
            Option("l1_weight", float, "weight lambda of the L1 term (100)"),
            Option("discriminator_filters", int, "PatchGAN width ndf (64)", hidden=True),
        ),
        latent_argument=None,
    )
)
register(
    Variant(
        "vaegan",
        VAEGAN,
        "images",
        "Larsen et al. 2016",
        "docs/vaegan.md",
        {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 4},
        (
            base_filters,
            Option("gamma", float, "weight gamma of the feature reconstruction in G's loss (5e-5)"),
        ),
        learning=Learning(
            200,
            64,
            {
                "latent_dim": 32,
                "base_filters": 16,
                "gamma": 1e-2,
                "adversarial_loss": "non_saturating",
            },
        ),
    )
)
register(
    Variant(
        "stylegan2",
        StyleGAN2,
        "images",
        "Karras et al. 2020",
        "docs/stylegan2.md",
        {"image_shape": (8, 8, 1), "latent_dim": 8, "channel_base": 32, "channel_max": 8},
        (
            Option("channel_base", int, "feature maps min(base // res, max) (2048)"),
            Option("channel_max", int, "most feature maps per layer (128)"),
            Option("mapping_layers", int, "mapping depth (2 up to 32 px, 8 above)"),
            Option("style_mixing", float, "style mixing probability (0.9)"),
            Option("gamma", float, "lazy R1 weight gamma, every 16 D steps (0.01)"),
            Option("pl_weight", float, "path-length weight, every 4 G steps (2; 0: off)"),
        ),
        # Benchmark only: 600 steps take about 6 CPU-minutes here, far over CI's budget.
        learning=Learning(
            600, 32, {"latent_dim": 64, "channel_base": 1024, "channel_max": 64}, ci=False
        ),
    )
)
register(
    Variant(
        "progan",
        ProGAN,
        "images",
        "Karras et al. 2018",
        "docs/progan.md",
        # 8x8 after one growth step: 8 images at 4x4, then a fade-in over 32 images, so
        # the harness's epochs of 16 images cross it and resume in its middle (at 32).
        {
            "image_shape": (8, 8, 1),
            "latent_dim": 8,
            "fmap_base": 16,
            "fmap_max": 8,
            "fade_in_images": 32,
            "stable_images": 8,
        },
        (
            Option("fade_in_images", int, "images per fade-in (800000)"),
            Option("stable_images", int, "images per stabilisation before each growth (800000)"),
            Option("fmap_base", int, "feature maps min(base / 2^stage, max) (2048)"),
            Option("fmap_max", int, "most feature maps per layer (128)"),
            Option("drift", float, "drift weight epsilon_drift (0.001)"),
        ),
        # Growth to 32x32 after 4,800 images (300 steps of 16), then 1,100 steps there,
        # on 32-feature networks; the EMA with stylegan2-ada's ramp-up, since 0.999
        # without lags a short run. About 150 CPU-s on one thread (docs/progan.md).
        learning=Learning(
            1400,
            16,
            {
                "fmap_base": 256,
                "fmap_max": 32,
                "stable_images": 800,
                "fade_in_images": 800,
                "ema_rampup": 0.05,
            },
        ),
    )
)
