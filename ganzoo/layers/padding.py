"""`ReflectionPadding2D`: pads an image by mirroring it at its border (no repeat of the
edge pixel), like PyTorch's `nn.ReflectionPad2d` and `tf.pad(mode="REFLECT")`. The
CycleGAN and pix2pixHD generators pad with it to avoid border artefacts.
"""

from __future__ import annotations

import keras
from keras import ops


def _pair(value, what: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    if hasattr(value, "__len__") and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (int(value[0]), int(value[1]))
    raise ValueError(f"Expected {what} as an int or a pair of ints; got {value!r}.")


@keras.saving.register_keras_serializable(package="ganzoo")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads the two spatial axes of an image by reflection.

    Reflection mirrors the image at its border without repeating the border pixel: a row
    `[1, 2, 3]` padded by 2 becomes `[3, 2, 1, 2, 3, 2, 1]`. Each padding must be smaller
    than the side it pads.

    Args:
        padding: an int (the same on all four sides), a pair `(height_pad, width_pad)`
            (symmetric), or `((top, bottom), (left, right))`.
        data_format: `"channels_last"` (default) or `"channels_first"`; `None` uses
            `keras.config.image_data_format()`.
        **kwargs: passed to `keras.layers.Layer` (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` (channels last) or
        `(batch, channels, height, width)`.

    Output shape:
        `(batch, top + height + bottom, left + width + right, channels)` or the
        channels-first equivalent.

    Example:
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    >>> ReflectionPadding2D(1)(x)[0, :, :, 0]
    [[4, 3, 4, 5, 4],
     [1, 0, 1, 2, 1],
     [4, 3, 4, 5, 4],
     [7, 6, 7, 8, 7],
     [4, 3, 4, 5, 4]]
    """

    def __init__(self, padding=1, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        data_format = data_format or keras.config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"Expected data_format 'channels_last' or 'channels_first'; got {data_format!r}."
            )
        self.data_format = data_format
        if isinstance(padding, int):
            padding = (padding, padding)
        if not (hasattr(padding, "__len__") and len(padding) == 2):
            raise ValueError(
                "Expected padding as an int, (height_pad, width_pad) or "
                f"((top, bottom), (left, right)); got {padding!r}."
            )
        padding = tuple(_pair(p, "the padding of one axis") for p in padding)
        if any(p < 0 for side in padding for p in side):
            raise ValueError(f"Expected non-negative paddings; got {padding!r}.")
        self.padding = padding
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def _spatial_axes(self) -> tuple[int, int]:
        return (1, 2) if self.data_format == "channels_last" else (2, 3)

    def build(self, input_shape) -> None:
        for axis, (before, after) in zip(self._spatial_axes(), self.padding, strict=True):
            size = input_shape[axis]
            if size is not None and max(before, after) >= size:
                raise ValueError(
                    f"Reflection padding must be smaller than the side it pads; got padding "
                    f"{(before, after)} on an axis of size {size} (input shape {input_shape})."
                )
        self.built = True

    def call(self, inputs):
        pads = [[0, 0], [0, 0], [0, 0], [0, 0]]
        for axis, (before, after) in zip(self._spatial_axes(), self.padding, strict=True):
            pads[axis] = [before, after]
        return ops.pad(inputs, pads, mode="reflect")

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (before, after) in zip(self._spatial_axes(), self.padding, strict=True):
            if shape[axis] is not None:
                shape[axis] = shape[axis] + before + after
        return tuple(shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
