import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import registry
from ganzoo.models.infogan import InfoGAN
from ganzoo.nets import infogan as infogan_nets
from ganzoo.testing import GANTestCase


def _tiny(**kwargs):
    # Tiny networks with the paper's MNIST codes (10 categories, 2 continuous codes),
    # unlike the registry's tiny config (3 and 1): the tests below read that layout.
    options = {"noise_dim": 4, "base_filters": 4, "seed": 1, **kwargs}
    return InfoGAN.for_images((16, 16, 1), **options)


class TestInfoGAN(GANTestCase):
    def test_contract(self, tiny_images):
        self.run_gan_test(
            InfoGAN,
            {**registry.get("infogan").tiny, "seed": 1},
            tiny_images((16, 16, 1)),
            expected_logs={"d_loss", "g_loss", "info_loss"},
            generate_kwargs={"codes": {"categorical": 2}},
        )

    def test_paper_mnist_networks_and_defaults(self):
        """Chen et al. (2016), Appendix C.1, and the MNIST latent of Section 7.1."""
        gan = InfoGAN.for_images((28, 28, 1))
        assert (gan.noise_dim, gan.categorical_codes, gan.continuous_codes) == (62, (10,), 2)
        assert gan.latent_dim == 74
        assert (gan.lambda_cat, gan.lambda_cont) == (1.0, 0.1)

        def kinds(model, *types):
            return [layer for layer in model.layers if isinstance(layer, types)]

        dense_conv = (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Conv2DTranspose)
        g = kinds(gan.generator, *dense_conv)
        assert [layer.units for layer in g[:2]] == [1024, 7 * 7 * 128]
        assert [(layer.filters, layer.kernel_size, layer.strides) for layer in g[2:]] == [
            (64, (4, 4), (2, 2)),
            (1, (4, 4), (2, 2)),
        ]
        assert len(kinds(gan.generator, keras.layers.BatchNormalization)) == 3
        assert gan.generator.output_shape == (None, 28, 28, 1)

        body = gan.d_body
        convs = kinds(body, keras.layers.Conv2D)
        assert [(c.filters, c.kernel_size, c.strides) for c in convs] == [
            (64, (4, 4), (2, 2)),
            (128, (4, 4), (2, 2)),
        ]
        assert [layer.units for layer in kinds(body, keras.layers.Dense)] == [1024]
        # BN on the second conv and the FC layer, not on the input layer.
        assert len(kinds(body, keras.layers.BatchNormalization)) == 2
        assert isinstance(body.layers[2], keras.layers.LeakyReLU)
        slopes = [layer.negative_slope for layer in kinds(body, keras.layers.LeakyReLU)]
        assert slopes == pytest.approx([0.1] * 3)
        assert gan.d_logit.units == 1
        assert [layer.units for layer in kinds(gan.q_head, keras.layers.Dense)] == [128, 12]
        assert len(kinds(gan.q_head, keras.layers.BatchNormalization)) == 1

        gan.compile()
        assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
        assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
        assert gan.d_optimizer.beta_1 == pytest.approx(0.5)
        assert gan.g_optimizer.beta_1 == pytest.approx(0.5)

    def test_q_is_trained_with_the_discriminator(self):
        gan = _tiny()
        q_variables = {id(v) for v in gan.q_head.trainable_variables}
        d_variables = {id(v) for v in gan.discriminator_variables}
        assert q_variables and q_variables <= d_variables
        assert not q_variables & {id(v) for v in gan.generator_variables}
        # Q reads D's body: the body's variables are D's, not copies.
        body = {id(v) for v in gan.d_body.trainable_variables}
        assert body <= {id(v) for v in gan.discriminator.trainable_variables}

    @pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 1), (32, 32, 3)])
    def test_sizes_follow_the_image(self, shape):
        gan = InfoGAN.for_images(shape, noise_dim=4, base_filters=4)
        assert gan.image_shape == shape
        assert gan.generate(2, seed=0).shape == (2, *shape)

    def test_sample_latent_layout_and_distribution(self):
        gan = InfoGAN.for_images(
            (16, 16, 1),
            noise_dim=4,
            categorical_codes=(3, 5),
            continuous_codes=2,
            base_filters=4,
            seed=0,
        )
        latents = np.asarray(gan.sample_latent(4000))
        assert latents.shape == (4000, 4 + 3 + 5 + 2)
        parts = gan.split_latents(latents)
        for one_hot, k in zip(parts["categorical"], (3, 5), strict=True):
            assert set(np.unique(one_hot)) == {0.0, 1.0}
            np.testing.assert_array_equal(one_hot.sum(axis=1), 1.0)
            np.testing.assert_allclose(one_hot.mean(axis=0), 1.0 / k, atol=0.03)
        for uniform in (parts["noise"], parts["continuous"]):
            assert uniform.min() >= -1.0 and uniform.max() <= 1.0
            np.testing.assert_allclose(uniform.mean(), 0.0, atol=0.03)
            np.testing.assert_allclose(uniform.var(), 1.0 / 3.0, atol=0.02)

    @pytest.mark.parametrize("learn_std", [False, True])
    def test_info_loss_is_the_code_likelihood(self, learn_std):
        gan = InfoGAN.for_images(
            (16, 16, 1),
            noise_dim=2,
            categorical_codes=(3,),
            continuous_codes=1,
            base_filters=4,
            learn_std=learn_std,
            lambda_cat=1.0,
            lambda_cont=0.5,
        )
        latents = np.array([[0.1, -0.2, 0, 1, 0, 0.5]], "float32")
        q = [2.0, 1.0, -1.0, 0.25] + ([math.log(2.0)] if learn_std else [])
        q = np.array([q], "float32")
        cross_entropy = -math.log(math.exp(1.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(-1.0)))
        std = 2.0 if learn_std else 1.0
        nll = math.log(std) + 0.5 * ((0.5 - 0.25) / std) ** 2 + 0.5 * math.log(2 * math.pi)
        terms = gan.info_terms(q, latents)
        np.testing.assert_allclose(terms["categorical"], [cross_entropy], rtol=1e-5)
        np.testing.assert_allclose(terms["continuous"], [nll], rtol=1e-5)
        np.testing.assert_allclose(
            gan.info_loss(q, latents), [cross_entropy + 0.5 * nll], rtol=1e-5
        )

    def test_generate_sets_the_codes(self):
        gan = _tiny()
        latents = np.asarray(
            gan.make_latents(6, {"categorical": 7, "continuous": [0.5, -0.25]}, seed=0)
        )
        parts = gan.split_latents(latents)
        np.testing.assert_array_equal(parts["categorical"][0].argmax(axis=1), 7)
        np.testing.assert_allclose(parts["continuous"], [[0.5, -0.25]] * 6)
        # The same seed gives the same noise whichever codes are set.
        free = gan.split_latents(np.asarray(gan.make_latents(6, seed=0)))
        np.testing.assert_array_equal(parts["noise"], free["noise"])
        np.testing.assert_array_equal(
            gan.generate(6, codes={"categorical": 7, "continuous": [0.5, -0.25]}, seed=0),
            gan.generate(latents=latents),
        )
        per_image = gan.generate(codes={"categorical": np.arange(10)}, seed=0)
        assert per_image.shape == (10, 16, 16, 1)

    @pytest.mark.parametrize(
        ("codes", "pattern"),
        [
            ({"categorical": 10}, r"\[0, 10\)"),
            ({"categorical": 1.5}, "integer"),
            ({"categorical": np.zeros((4, 2), int)}, "shape"),
            ({"continuous": np.zeros((4, 3))}, "shape"),
            ({"continuous": np.nan}, "finite"),
            ({"style": 1}, "style"),
        ],
    )
    def test_generate_refuses_bad_codes(self, codes, pattern):
        with pytest.raises(ValueError, match=pattern):
            _tiny().generate(4, codes=codes)

    def test_traverse_varies_only_the_chosen_code(self):
        gan = InfoGAN.for_images(
            (16, 16, 1),
            noise_dim=4,
            categorical_codes=(10,),
            continuous_codes=2,
            base_filters=4,
        )
        start = {"categorical": 4, "continuous": 4 + 10}
        cases = [("categorical", 0, 10, 10), ("continuous", 0, 7, 1), ("continuous", 1, 5, 1)]
        for code, index, steps, width in cases:
            latents = np.asarray(
                gan.traversal_latents(
                    code, None if code == "categorical" else steps, index=index, rows=3, seed=5
                )
            ).reshape(3, steps, gan.latent_dim)
            chosen = np.zeros(gan.latent_dim, bool)
            chosen[start[code] + index : start[code] + index + width] = True
            held = latents[:, :, ~chosen]
            # Within a row everything but the chosen code is the same ...
            np.testing.assert_array_equal(held, np.repeat(held[:, :1], steps, axis=1))
            # ... rows differ in their noise ...
            assert not np.array_equal(held[0, 0], held[1, 0])
            # ... and the chosen code takes the same values along every row.
            varied = latents[:, :, chosen]
            if code == "categorical":
                np.testing.assert_array_equal(varied[0], np.eye(10))
            else:
                np.testing.assert_allclose(varied[0, :, 0], np.linspace(-2, 2, steps), rtol=1e-6)
            np.testing.assert_array_equal(varied, np.repeat(varied[:1], 3, axis=0))

        grid = gan.traverse("continuous", 4, index=1, rows=2, seed=5)
        assert grid.shape == (2, 4, 16, 16, 1)
        flat = gan.generate(latents=gan.traversal_latents("continuous", 4, index=1, rows=2, seed=5))
        np.testing.assert_allclose(np.reshape(grid, flat.shape), flat, atol=1e-6)

    def test_traverse_refuses_unknown_codes(self):
        gan = _tiny()
        with pytest.raises(ValueError, match="categorical"):
            gan.traverse("rotation")
        with pytest.raises(ValueError, match="index"):
            gan.traverse("continuous", index=2)
        with pytest.raises(ValueError, match="categories"):
            gan.traverse("categorical", 11)

    def test_networks_must_fit_the_codes(self):
        generator = infogan_nets.build_infogan_generator((16, 16, 1), 4 + 10 + 2, 4)
        discriminator, q_head = infogan_nets.build_infogan_discriminator((16, 16, 1), 12, 4)
        with pytest.raises(ValueError, match="generator"):
            InfoGAN(generator, discriminator, q_head, noise_dim=5)
        with pytest.raises(ValueError, match="Q head"):
            InfoGAN(generator, discriminator, q_head, noise_dim=4, learn_std=True)
        plain = keras.Sequential(
            [keras.Input((16, 16, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
        )
        with pytest.raises(ValueError, match="body"):
            InfoGAN(generator, plain, q_head, noise_dim=4)

    def test_q_recovers_the_categorical_code(self, digits):
        """Trained briefly on digits (labels given and ignored), Q reads the categorical
        code back from generated images far above chance (0.1).

        Margins measured while developing (3 epochs, `base_filters=16`, 500 images):
        0.998-1.000 over seeds 0-5 with batch statistics; see docs/infogan.md.
        """
        images, labels = digits
        keras.utils.set_random_seed(0)
        gan = InfoGAN.for_images((32, 32, 1), base_filters=16, seed=0)
        gan.compile()
        data = (
            tf.data.Dataset.from_tensor_slices((images, labels))
            .shuffle(2000, seed=0)
            .batch(64, drop_remainder=True)
        )
        history = gan.fit(data, epochs=3, verbose=0)
        assert set(history.history) == {"d_loss", "g_loss", "info_loss"}
        # The information term falls from log(10) + the continuous codes' NLL.
        assert history.history["info_loss"][-1] < history.history["info_loss"][0]
        wanted = np.tile(np.arange(10), 50)  # every batch holds every category
        fake = gan.generate(codes={"categorical": wanted}, seed=0)
        found = gan.infer_codes(fake, batch_statistics=True)["categorical"][:, 0]
        accuracy = float(np.mean(found == wanted))
        assert accuracy > 0.8, accuracy
