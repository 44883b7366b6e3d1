import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import registry
from ganzoo.models.sgan import SGAN
from ganzoo.testing import GANTestCase, compile_for_strategy_check, two_cpu_strategy


def _data(labels, shape=(8, 8, 1), batch_size=8, seed=0):
    labels = np.asarray(labels, "int32")
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (len(labels), *shape)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(
        batch_size, drop_remainder=True
    )


def _tiny(**overrides):
    return registry.get("sgan").build_tiny(seed=1, **overrides)


# 16 images in batches of 8: the first batch's labelled images all lie in the first
# replica's half, the second batch holds none (its supervised term is 0).
UNEVEN = [0, 1, 2, 1, -1, -1, -1, -1] + [-1] * 8


class TestSGAN(GANTestCase):
    def test_contract(self):
        images = np.zeros((16, 8, 8, 1), "float32")
        self.run_gan_test(
            SGAN,
            {**registry.get("sgan").tiny, "seed": 1},
            _data(UNEVEN),
            bad_data=[
                (tf.data.Dataset.from_tensor_slices(images).batch(8), r"labels"),
                (_data([3] * 16), r"\[-1, 3\).*got values in \[3, 3\]"),
                (_data([-2] * 16), r"\[-1, 3\)"),
                (_data([-1] * 16), r"labelled image"),
            ],
            check_resume=False,
        )
