"""ganzoo: a model zoo of Generative Adversarial Networks for Keras 3 on TensorFlow."""

__version__ = "0.1.0"

import os as _os

if _os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
    raise ImportError(
        f"ganzoo needs the TensorFlow backend of Keras, but KERAS_BACKEND="
        f"{_os.environ['KERAS_BACKEND']!r}. Set KERAS_BACKEND=tensorflow (for example "
        "`export KERAS_BACKEND=tensorflow`) before importing ganzoo."
    )

from ganzoo import _quiet

if _quiet.is_command_line():  # the `ganzoo` command hides TensorFlow's start-up lines
    _quiet.start_for_command_line()

import keras as _keras

if _keras.backend.backend() != "tensorflow":
    raise ImportError(
        f"ganzoo needs the TensorFlow backend of Keras, but Keras is using "
        f"{_keras.backend.backend()!r} (from ~/.keras/keras.json or KERAS_BACKEND). "
        "Set KERAS_BACKEND=tensorflow before importing ganzoo."
    )

from ganzoo import (
    callbacks,
    core,
    data,
    distribute,
    layers,
    losses,
    metrics,
    nets,
    registry,
    regularizers,
    saving,
)
from ganzoo.base import GAN
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
from ganzoo.saving import load_model

__all__ = [
    "ACGAN",
    "CGAN",
    "DCGAN",
    "GAN",
    "LSGAN",
    "R3GAN",
    "SGAN",
    "SNGAN",
    "VAEGAN",
    "WGAN",
    "WGANGP",
    "CycleGAN",
    "InfoGAN",
    "Pix2Pix",
    "ProGAN",
    "StyleGAN2",
    "VanillaGAN",
    "callbacks",
    "core",
    "data",
    "distribute",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "nets",
    "registry",
    "regularizers",
    "saving",
]
