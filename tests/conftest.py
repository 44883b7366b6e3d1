"""Test configuration: two logical CPU devices, set before TensorFlow initialises."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from ganzoo.testing import configure_logical_cpus

configure_logical_cpus(2)

if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    # One TensorFlow thread pool per core share: with `-n auto`, every worker's default
    # pools (one thread per core each) oversubscribe the cores. Four model test files
    # on 2 workers, 2 cores: 595 s wall, 301 s CPU with the defaults; 316 s, 247 s
    # with one thread per worker (a loaded machine, so a rough figure).
    import tensorflow as tf

    threads = max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402


@pytest.fixture(scope="session")
def digits():
    """The offline digits set at 32×32: float32 images in [-1, 1] and int32 labels."""
    from ganzoo.data.digits import load_digits_arrays

    return load_digits_arrays(32)


@pytest.fixture
def tiny_images():
    """A function making a small batched dataset of random images in [-1, 1]."""

    def make(shape=(16, 16, 1), count=32, batch_size=8, labels=None, seed=0):
        rng = np.random.default_rng(seed)
        images = rng.uniform(-1, 1, size=(count, *shape)).astype("float32")
        if labels is None:
            return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)
        y = rng.integers(0, labels, size=(count,)).astype("int32")
        return tf.data.Dataset.from_tensor_slices((images, y)).batch(
            batch_size, drop_remainder=True
        )

    return make
