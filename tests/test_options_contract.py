"""Each training option once through the whole contract harness, on tiny DCGANs.

The options' own behaviour is tested in test_tricks.py, test_augment.py, test_ema.py
and test_layers.py, and ADA's harness run is in test_ada.py; here each option must
keep the base-class contract: outputs, config round trip, every part trained by `fit`,
`.keras` saving, bad input refused, Mirrored(2 CPUs) equal to one device, mixed
precision, XLA and a bit-exact resume.
"""

import pytest

import ganzoo
from ganzoo import registry
from ganzoo.testing import GANTestCase

TINY = {**registry.get("dcgan").tiny, "seed": 1}

OPTIONS = {
    "label_smoothing": {"label_smoothing": 0.1},
    # Annealed over 6 steps, so the harness's runs cross the end of the schedule.
    "instance_noise": {"instance_noise": 0.1, "instance_noise_steps": 6},
    "feature_matching": {"feature_matching": 1.0},
    "diffaugment": {"augment": "diffaugment"},
    "ema": {"ema": 0.999},
    "minibatch_std": {"minibatch_std": True},
    "minibatch_discrimination": {"minibatch_discrimination": 4},
    "spectral_norm": {"spectral_norm": True},
}


class TestOptionsContract(GANTestCase):
    @pytest.mark.parametrize("option", sorted(OPTIONS))
    def test_contract(self, option, tiny_images):
        self.run_gan_test(ganzoo.DCGAN, {**TINY, **OPTIONS[option]}, tiny_images((16, 16, 1)))
