"""Histories of generated images for the discriminator (Shrivastava et al., 2017).

"Learning from Simulated and Unsupervised Images through Adversarial Training", CVPR
2017, §2.3: the discriminator is updated on a mix of the newest generated images and
older ones from a buffer. CycleGAN (Zhu et al., 2017, §4) keeps 50 images per
discriminator.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf


class ImagePool:
    """A history of generated images (Shrivastava et al., 2017, §2.3), one per replica.

    The discriminator is trained on a mix of the newest fakes and older ones, which
    keeps it from forgetting what the generator did before. As in CycleGAN's reference
    `ImagePool.query`, every image of a batch in turn: while the pool is not full, it is
    stored and returned; afterwards, with probability 1/2 a random stored image is
    returned and replaced by the new one, else the new one is returned.

    The pool lives in TensorFlow variables and is updated with TensorFlow ops, so it
    works inside `tf.function`, with XLA and under any `tf.distribute` strategy. The
    variables are created with `synchronization=ON_READ` and `aggregation=NONE`: under
    a strategy every replica keeps its own pool (as multi-GPU CycleGANs do), and a
    strategy then no longer computes exactly what one device computes. They are not
    Keras weights: `get_state`/`set_state` save them where the owner chooses.

    Args:
        size: images kept (50 in the paper); 0 turns the pool off.
        image_shape: `(H, W, C)` of the images.
        name: prefix of the variables' names.
    """

    def __init__(self, size: int, image_shape: tuple[int, ...], name: str = "image_pool"):
        if int(size) < 0:
            raise ValueError(f"pool size must be >= 0; got {size!r}.")
        self.size = int(size)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.strategy = tf.distribute.get_strategy()
        self.images = self.count = None
        if self.size:
            local = {
                "trainable": False,
                "synchronization": tf.VariableSynchronization.ON_READ,
                "aggregation": tf.VariableAggregation.NONE,
            }
            self.images = tf.Variable(
                tf.zeros((self.size, *self.image_shape), tf.float32), name=f"{name}_images", **local
            )
            self.count = tf.Variable(0, dtype=tf.int32, name=f"{name}_count", **local)

    def query(self, images, uniform, slots):
        """Returns the images the discriminator sees instead of `images`; updates the pool.

        Args:
            images: this replica's newest fakes, `(batch, H, W, C)`.
            uniform: one draw from U[0, 1) per image, `(batch,)`: below 0.5 the new
                image is returned, else a stored one (once the pool is full).
            slots: one draw from `[0, size)` per image, `(batch,)`: the stored image to
                return and replace.

        Returns:
            A float32 tensor of the shape of `images`, without gradient.
        """
        images = tf.stop_gradient(tf.cast(images, tf.float32))
        if not self.size:
            return images
        uniform = tf.convert_to_tensor(uniform)
        slots = tf.cast(slots, tf.int32)
        batch = tf.shape(images)[0]

        def body(i, outputs):
            image = images[i]
            count = self.count.read_value()
            filling = count < self.size
            swap = tf.logical_and(tf.logical_not(filling), uniform[i] > 0.5)
            slot = tf.where(filling, count, slots[i])
            pool = self.images.read_value()
            stored = tf.gather(pool, slot)  # not pool[slot]: XLA would recompile per slot
            keep = tf.logical_or(filling, swap)
            # A whole-variable assign: per-replica (ON_READ) variables have no scatter.
            with tf.control_dependencies([stored, count]):
                write = self.images.assign(
                    tf.tensor_scatter_nd_update(pool, [[slot]], [tf.where(keep, image, stored)])
                )
                bump = self.count.assign(tf.minimum(count + 1, self.size))
            with tf.control_dependencies([write, bump]):
                return i + 1, outputs.write(i, tf.where(swap, stored, image))

        outputs = tf.TensorArray(tf.float32, size=batch, element_shape=self.image_shape)
        _, outputs = tf.while_loop(lambda i, _: i < batch, body, (tf.constant(0), outputs))
        return tf.ensure_shape(outputs.stack(), images.shape)

    def __call__(self, images, draw: Callable):
        """`query` with its random numbers drawn by `draw`: the uniforms, then the slots.

        Args:
            images: this replica's newest fakes, `(batch, H, W, C)`.
            draw: a function `draw(sampler, shape, **kwargs)` such as `ganzoo.GAN.draw`,
                which draws for the global batch and returns this replica's slice.

        Returns:
            A float32 tensor of the shape of `images`, without gradient.

        Example:
        >>> pooled = pool(fake_b, gan.draw)   # inside the model's train_step
        """
        if not self.size:
            return tf.stop_gradient(images)
        batch = keras.ops.shape(images)[0]
        uniform = draw(keras.random.uniform, (batch,))
        slots = draw(keras.random.randint, (batch,), minval=0, maxval=self.size)
        return self.query(images, uniform, slots)

    def _locals(self, variable) -> tuple:
        return tuple(self.strategy.experimental_local_results(variable))

    def get_state(self) -> dict[str, np.ndarray]:
        """Every replica's pool: `images` `(replicas, size, H, W, C)`, `count` `(replicas,)`."""
        if not self.size:
            return {}
        return {
            "images": np.stack([np.asarray(v.numpy()) for v in self._locals(self.images)]),
            "count": np.stack([np.asarray(v.numpy()) for v in self._locals(self.count)]),
        }

    def set_state(self, images, count) -> None:
        """Restores pools saved by `get_state`; replica `i` gets saved pool `i mod n`."""
        images, count = np.asarray(images), np.asarray(count)
        if images.shape[1:] != (self.size, *self.image_shape):
            warnings.warn(
                f"Not restoring an image pool of shape {images.shape[1:]} into one of "
                f"{(self.size, *self.image_shape)}; the pool starts empty.",
                stacklevel=2,
            )
            return
        for i, variable in enumerate(self._locals(self.images)):
            variable.assign(images[i % len(images)])
        for i, variable in enumerate(self._locals(self.count)):
            variable.assign(count[i % len(count)])


class PoolsInWeights:
    """Mixin of a `keras.Model` whose image pools (attributes named by
    `pool_attributes`) are saved in its weights files, not in its `.keras` files.

    `save_weights` (what `BackupAndRestore` and `ModelCheckpoint(save_weights_only=
    True)` call) keeps the pools, so a resumed run continues with them; a `.keras`
    file holds networks, optimizers and seed only (two 50-image pools at 256×256 are
    79 MB per replica).
    """

    pool_attributes: tuple[str, ...] = ()
    _saving_weights = False

    def save_weights(self, filepath, *args, **kwargs):
        """`keras.Model.save_weights`, with the image pools (for resuming training)."""
        object.__setattr__(self, "_saving_weights", True)
        try:
            return super().save_weights(filepath, *args, **kwargs)
        finally:
            object.__setattr__(self, "_saving_weights", False)

    def save_own_variables(self, store) -> None:
        super().save_own_variables(store)
        if self._saving_weights:
            for name in self.pool_attributes:
                for key, value in getattr(self, name).get_state().items():
                    store[f"{name}_{key}"] = value

    def load_own_variables(self, store) -> None:
        super().load_own_variables(store)
        keys = set(store.keys())
        for name in self.pool_attributes:
            pool = getattr(self, name)
            if pool.size and {f"{name}_images", f"{name}_count"} <= keys:
                pool.set_state(store[f"{name}_images"], store[f"{name}_count"])
