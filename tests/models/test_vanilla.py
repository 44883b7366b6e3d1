import numpy as np
import pytest

import ganzoo
from ganzoo import registry
from ganzoo.testing import GANTestCase


class TestVanillaGAN(GANTestCase):
    def test_contract(self, tiny_images):
        self.run_gan_test(
            ganzoo.VanillaGAN,
            {**registry.get("vanilla").tiny, "seed": 2},
            tiny_images((8, 8, 1)),
        )

    def test_book_architecture_and_defaults(self):
        gan = ganzoo.VanillaGAN.for_images((28, 28, 1), latent_dim=100)
        dense = [layer for layer in gan.generator.layers if hasattr(layer, "units")]
        assert [layer.units for layer in dense] == [128, 784]
        assert dense[-1].activation.__name__ == "tanh"
        assert gan.discriminator.output_shape == (None, 1)
        gan.compile()
        assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
        assert gan.adversarial_loss == "non_saturating"

    def test_minimax_option(self, tiny_images):
        gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=4, adversarial_loss="minimax")
        gan.compile()
        history = gan.fit(tiny_images((8, 8, 1)), epochs=1, verbose=0)
        # The saturating generator loss log(1 - D(G(z))) is negative.
        assert history.history["g_loss"][0] < 0

    def test_unknown_loss_is_refused(self):
        with pytest.raises(ValueError, match="Unknown adversarial loss"):
            ganzoo.VanillaGAN.for_images((8, 8, 1), adversarial_loss="wasserstien")

    def test_rgb_images(self):
        gan = ganzoo.VanillaGAN.for_images((8, 8, 3), latent_dim=4)
        images = np.asarray(gan.generate(3, seed=1))
        assert images.shape == (3, 8, 8, 3)
