import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import registry
from ganzoo.nets import dcgan as dcgan_nets
from ganzoo.testing import GANTestCase


class TestDCGAN(GANTestCase):
    def test_contract(self, tiny_images):
        self.run_gan_test(
            ganzoo.DCGAN,
            {**registry.get("dcgan").tiny, "seed": 1},
            tiny_images((16, 16, 1)),
        )

    @pytest.mark.parametrize(
        ("shape", "start"), [((28, 28, 1), (2, 7)), ((32, 32, 3), (3, 4)), ((64, 64, 3), (4, 4))]
    )
    def test_sizes_follow_the_image(self, shape, start):
        k, height, _ = dcgan_nets.upsamplings(shape)
        assert (k, height) == start
        gan = ganzoo.DCGAN.for_images(shape, latent_dim=100, base_filters=4)
        assert gan.generator.output_shape[1:] == shape
        assert gan.discriminator.output_shape == (None, 1)
        assert gan.generate(2, seed=0).shape == (2, *shape)

    def test_paper_architecture_at_64(self):
        generator = dcgan_nets.build_generator((64, 64, 3), 100, base_filters=128)
        convs = [
            layer
            for layer in generator.layers
            if isinstance(layer, (tf.keras.layers.Conv2DTranspose, tf.keras.layers.Dense))
        ]
        # Radford et al. (2016), Figure 1: project to 4×4×1024, then 512, 256, 128, 3.
        assert generator.layers[2].target_shape == (4, 4, 1024)
        assert [layer.filters for layer in convs[1:]] == [512, 256, 128, 3]
        assert all(layer.kernel_size == (5, 5) for layer in convs[1:])
        assert not any(layer.use_bias for layer in convs[:-1])
        batch_norms = [
            layer
            for layer in generator.layers
            if isinstance(layer, tf.keras.layers.BatchNormalization)
        ]
        assert len(batch_norms) == 4 and all(layer.synchronized for layer in batch_norms)
        discriminator = dcgan_nets.build_discriminator((64, 64, 3), base_filters=128)
        d_convs = [
            layer for layer in discriminator.layers if isinstance(layer, tf.keras.layers.Conv2D)
        ]
        assert [layer.filters for layer in d_convs] == [128, 256, 512, 1024]
        # No batch norm on the discriminator's input layer.
        assert isinstance(discriminator.layers[2], tf.keras.layers.LeakyReLU)

    def test_paper_defaults(self):
        gan = ganzoo.DCGAN.for_images((28, 28, 1), latent_dim=100, base_filters=4)
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            assert float(optimizer.learning_rate) == pytest.approx(2e-4)
            assert optimizer.beta_1 == pytest.approx(0.5)
        assert gan.adversarial_loss == "non_saturating"
        kernel = gan.generator.layers[1].kernel.numpy()
        assert abs(kernel.std() - 0.02) < 0.002 and abs(kernel.mean()) < 0.002

    def test_unsupported_size_is_refused(self):
        with pytest.raises(ValueError, match="divisible"):
            ganzoo.DCGAN.for_images((30, 30, 1))

    def test_learns_digits(self, digits):
        """Trained briefly on digits, the Fréchet distance on a digits classifier's
        features drops to at most a quarter of its untrained value."""
        from ganzoo.metrics import get_extractor
        from ganzoo.metrics.frechet import frechet_distance

        images, _ = digits
        extractor = get_extractor("digits")
        real = np.asarray(extractor(images[:1000]), dtype=np.float64)
        mu, sigma = real.mean(0), np.cov(real, rowvar=False)

        def distance(gan):
            fake = np.asarray(extractor(gan.generate(1000, seed=0)), dtype=np.float64)
            return frechet_distance(mu, sigma, fake.mean(0), np.cov(fake, rowvar=False))

        keras.utils.set_random_seed(0)
        gan = ganzoo.DCGAN.for_images((32, 32, 1), latent_dim=32, base_filters=16, seed=0)
        gan.compile()
        untrained = distance(gan)
        data = (
            tf.data.Dataset.from_tensor_slices(images)
            .shuffle(2000, seed=0)
            .batch(32, drop_remainder=True)
        )
        # Over seeds 0-2 the ratio after 6 epochs was 0.12-0.15 (0.19-0.25 after 4).
        gan.fit(data, epochs=6, verbose=0)
        trained = distance(gan)
        assert trained <= 0.25 * untrained, (untrained, trained)
