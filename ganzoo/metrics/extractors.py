"""Feature extractors: images in [-1, 1] → feature vectors for FID and KID.

Every extractor takes float images NHWC in [-1, 1] (ganzoo's convention), as a NumPy
array or a tensor, and returns float32 features `(batch, feature_dim)`. Each has a
`name` (recorded in every score it produces) and `comparable_with_papers`, True only
for the FID Inception network.

| name              | network                                          | dim  | papers |
|-------------------|--------------------------------------------------|------|--------|
| `"fid_inception"` | the 2015 FID Inception graph (TTUR, pytorch-fid) | 2048 | yes    |
| `"inception_v3"`  | `keras.applications.InceptionV3`, ImageNet       | 2048 | no     |
| `"digits"`        | ganzoo's small classifier of the digits set      | 64   | no     |
| a Keras model     | any layer of it (`layer_name=`)                  | any  | no     |
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ganzoo.metrics import digits_classifier, fid_inception

_RANGE_TOLERANCE = 1e-4


def validate_images(images: Any, channels: tuple[int, ...] = (1, 3)) -> np.ndarray:
    """Checks that `images` are float NHWC in [-1, 1] and returns them as float32.

    Args:
        images: array-like of shape `(batch, height, width, channels)`.
        channels: the accepted channel counts.

    Returns:
        A float32 NumPy array, clipped to [-1, 1] (values may exceed it by 1e-4).

    Raises:
        ValueError: wrong rank, channel count, dtype or value range; the message says
            what was expected and what came.
    """
    array = np.asarray(images)
    if array.ndim != 4:
        raise ValueError(
            "Expected images of shape (batch, height, width, channels) (NHWC); got an "
            f"array of shape {array.shape} (rank {array.ndim})."
        )
    if array.shape[-1] not in channels:
        hint = ""
        if array.shape[1] in channels:
            hint = " They look channels-first; ganzoo images are channels-last (NHWC)."
        raise ValueError(
            f"Expected images with {' or '.join(map(str, channels))} channel(s) in the last "
            f"axis; got shape {array.shape}.{hint}"
        )
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"Expected float images in [-1, 1]; got dtype {array.dtype}. Scale 8-bit images "
            "with images / 127.5 - 1."
        )
    array = array.astype(np.float32, copy=False)
    if array.size:
        low, high = float(np.min(array)), float(np.max(array))
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError("Images contain NaN or infinite values.")
        if low < -1.0 - _RANGE_TOLERANCE or high > 1.0 + _RANGE_TOLERANCE:
            raise ValueError(
                f"Expected image values in [-1, 1]; got values in [{low:.4g}, {high:.4g}]."
            )
        array = np.clip(array, -1.0, 1.0)
    return array


class FeatureExtractor:
    """Base class: a network mapping images in [-1, 1] to feature vectors.

    Subclasses set `name`, `comparable_with_papers`, `feature_dim`, `channels` (the
    accepted channel counts) and `default_batch_size`, and implement `_features` on a
    validated float32 batch.

    Example:
    >>> extractor = get_extractor("digits")
    >>> extractor(np.zeros((2, 32, 32, 1), "float32")).shape
    (2, 64)
    """

    name: str = "features"
    comparable_with_papers: bool = False
    feature_dim: int = 0
    channels: tuple[int, ...] = (1, 3)
    default_batch_size: int = 64

    def __call__(self, images: Any, batch_size: int | None = None) -> np.ndarray:
        """Features of `images`.

        Args:
            images: float images `(batch, height, width, channels)` in [-1, 1].
            batch_size: images per forward pass (default: `default_batch_size`).

        Returns:
            float32 array `(batch, feature_dim)`.
        """
        return self._map_batches(images, batch_size, self._features, self.feature_dim)

    def _map_batches(self, images: Any, batch_size: int | None, function, width: int) -> np.ndarray:
        array = validate_images(images, self.channels)
        batch_size = _check_batch_size(batch_size or self.default_batch_size)
        if len(array) == 0:
            return np.zeros((0, width), np.float32)
        outputs = [
            np.asarray(function(array[start : start + batch_size]), dtype=np.float32)
            for start in range(0, len(array), batch_size)
        ]
        return np.concatenate(outputs, axis=0)

    def _features(self, batch: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement _features().")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, feature_dim={self.feature_dim}, "
            f"comparable_with_papers={self.comparable_with_papers})"
        )


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size}.")
    return int(batch_size)


def _compiled(model, shape: tuple | None = None):
    import tensorflow as tf

    if shape is None:
        return tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    signature = [tf.TensorSpec(shape, tf.float32)]
    return tf.function(lambda x: model(x, training=False), input_signature=signature)


def _to_rgb(batch: np.ndarray) -> np.ndarray:
    return np.repeat(batch, 3, axis=-1) if batch.shape[-1] == 1 else batch


class FIDInceptionExtractor(FeatureExtractor):
    """The FID Inception network (see `ganzoo.metrics.fid_inception`).

    The extractor behind every published FID (Heusel et al., 2017): the 2015-12-05
    Inception-v3 graph, 2048-d features of its final average pool. Images of any size
    are resized to 299×299 with TF1 bilinear sampling; grayscale is tiled to 3
    channels.

    Args:
        quantize: round pixels to 8-bit levels first, as images written to PNG are
            (what published FIDs of generated images saw). Default True.
        cache_directory: where the converted weights are cached (default
            `$GANZOO_CACHE_DIR` or `~/.cache/ganzoo`).
    """

    name = "fid_inception"
    comparable_with_papers = True
    feature_dim = fid_inception.FEATURE_DIM
    default_batch_size = 32

    def __init__(self, quantize: bool = True, cache_directory: str | None = None) -> None:
        self.quantize = bool(quantize)
        self.model = fid_inception.load_fid_inception(
            quantize=quantize, cache_directory=cache_directory
        )
        # One trace for every image size: the network resizes to 299×299 itself.
        self._predict = _compiled(self.model, (None, None, None, 3))

    def _features(self, batch: np.ndarray) -> np.ndarray:
        return self._predict(_to_rgb(batch))


class KerasInceptionV3Extractor(FeatureExtractor):
    """`keras.applications.InceptionV3` ImageNet features — NOT comparable with papers.

    Keras' InceptionV3 has different weights (a later ImageNet training), resizes
    with half-pixel centres and has an average pool in `mixed_10`; FIDs computed with
    it differ from published ones by unpredictable amounts. Use it only to compare
    models with each other, or `"fid_inception"` for paper numbers.

    Args:
        weights: `"imagenet"` (downloaded by Keras on first use) or `None` (random
            weights, for tests of shapes and speed).
    """

    name = "inception_v3"
    comparable_with_papers = False
    feature_dim = 2048
    default_batch_size = 32

    def __init__(self, weights: str | None = "imagenet") -> None:
        import keras
        import tensorflow as tf

        self.model = keras.applications.InceptionV3(
            include_top=False, weights=weights, input_shape=(299, 299, 3), pooling="avg"
        )
        model = self.model

        def run(x):
            # Keras' preprocess_input for InceptionV3 maps [0, 255] to [-1, 1]: the
            # ganzoo range already.
            x = tf.image.resize(x, (299, 299), method="bilinear")
            return model(x, training=False)

        self._predict = tf.function(
            run, input_signature=[tf.TensorSpec((None, None, None, 3), tf.float32)]
        )

    def _features(self, batch: np.ndarray) -> np.ndarray:
        return self._predict(_to_rgb(batch))


class DigitsExtractor(FeatureExtractor):
    """The small classifier of ganzoo's digits set: 64-d features, class probabilities.

    Trained by `scripts/train_digits_classifier.py` (held-out accuracy in
    docs/metrics.md). Takes grayscale images in [-1, 1]; sizes other than 32×32 are
    resized bilinearly (with antialiasing when shrinking). Fast on a CPU; meant for
    offline checks of models trained on the digits set, not for published numbers.

    Example:
    >>> from ganzoo.data.digits import load_digits_arrays
    >>> images, labels = load_digits_arrays(32)
    >>> digits = get_extractor("digits")
    >>> predicted = digits.predict_classes(images[:100])
    """

    name = "digits"
    comparable_with_papers = False
    feature_dim = digits_classifier.FEATURE_DIM
    channels = (1,)
    default_batch_size = 512

    def __init__(self, weights_path: str | None = None) -> None:
        import keras
        import tensorflow as tf

        self.classifier = digits_classifier.load_digits_classifier(weights_path)
        self.model = keras.Model(
            self.classifier.input,
            [self.classifier.get_layer("features").output, self.classifier.outputs[0]],
        )
        model = self.model
        size = digits_classifier.IMAGE_SIZE

        def run(x):
            if x.shape[1] != size or x.shape[2] != size:
                x = tf.image.resize(x, (size, size), method="bilinear", antialias=True)
            features, probabilities = model(x, training=False)
            return tf.concat([features, probabilities], axis=-1)

        self._predict = tf.function(run, reduce_retracing=True)

    def _features(self, batch: np.ndarray) -> np.ndarray:
        return np.asarray(self._predict(batch))[:, : self.feature_dim]

    def probabilities(self, images: Any, batch_size: int | None = None) -> np.ndarray:
        """Class probabilities `(batch, 10)` of digit images in [-1, 1]."""
        width = self.feature_dim + digits_classifier.NUM_CLASSES
        both = self._map_batches(images, batch_size, self._predict, width)
        return both[:, self.feature_dim :]

    def predict_classes(self, images: Any, batch_size: int | None = None) -> np.ndarray:
        """The most likely digit (int64 `(batch,)`) of each image."""
        return np.argmax(self.probabilities(images, batch_size), axis=1)


class KerasLayerExtractor(FeatureExtractor):
    """Features from one layer of any functional or Sequential Keras model.

    Args:
        model: a built `keras.Model` taking images in [-1, 1].
        layer_name: the layer whose output are the features (default: the model's
            output).
        pooling: for layers with spatial output (rank 4): `"avg"` averages over
            height and width (as FID's 8×8 pool does), `"flatten"` keeps everything.
        name: the extractor's name in scores (default `"<model>:<layer>"`).
    """

    comparable_with_papers = False

    def __init__(
        self,
        model: Any,
        layer_name: str | None = None,
        pooling: str = "avg",
        name: str | None = None,
    ) -> None:
        import keras
        import tensorflow as tf

        if pooling not in ("avg", "flatten"):
            raise ValueError(f"pooling must be 'avg' or 'flatten'; got {pooling!r}.")
        try:
            inputs = model.inputs
        except (AttributeError, ValueError):
            inputs = None
        if not inputs or len(inputs) != 1:
            raise ValueError(
                f"Expected a built functional or Sequential Keras model with one image input; "
                f"got {type(model).__name__} {getattr(model, 'name', '')!r}."
            )
        output = model.get_layer(layer_name).output if layer_name else model.outputs[0]
        self.model = keras.Model(inputs[0], output)
        input_shape = tuple(inputs[0].shape)
        if len(input_shape) != 4:
            raise ValueError(
                f"Expected a model taking NHWC images; its input has shape {input_shape}."
            )
        self._input_hw = input_shape[1:3]
        self._tile = input_shape[3] == 3
        self.channels = (1, 3) if self._tile else (input_shape[3],)
        self.pooling = pooling
        out_shape = tuple(output.shape)[1:]
        if len(out_shape) == 3 and pooling == "avg":
            self.feature_dim = int(out_shape[-1])
        else:
            self.feature_dim = int(np.prod(out_shape))
        self.name = name or f"{model.name}:{layer_name or 'output'}"

        def run(x):
            y = self.model(x, training=False)
            if len(y.shape) == 4 and pooling == "avg":
                return tf.reduce_mean(y, axis=(1, 2))
            return tf.reshape(y, (tf.shape(y)[0], -1))

        self._predict = tf.function(run, reduce_retracing=True)

    def _features(self, batch: np.ndarray) -> np.ndarray:
        expected = tuple(self._input_hw)
        if None not in expected and batch.shape[1:3] != expected:
            raise ValueError(
                f"The model {self.name!r} expects {expected[0]}×{expected[1]} images; got "
                f"{batch.shape[1]}×{batch.shape[2]}."
            )
        if self._tile:
            batch = _to_rgb(batch)
        return self._predict(batch)


_NAMED = {
    "fid_inception": FIDInceptionExtractor,
    "inception_v3": KerasInceptionV3Extractor,
    "digits": DigitsExtractor,
}
_CACHE: dict[tuple, FeatureExtractor] = {}


def get_extractor(
    name_or_model: Any = "fid_inception", layer_name: str | None = None, **kwargs: Any
):
    """Returns a feature extractor.

    Args:
        name_or_model: `"fid_inception"` (default; the network behind published FIDs),
            `"inception_v3"` (Keras ImageNet weights; not comparable with papers),
            `"digits"` (ganzoo's digits classifier), a `keras.Model` (features of
            `layer_name`), or a `FeatureExtractor` (returned as is).
        layer_name: with a Keras model, the layer to take features from.
        **kwargs: passed to the extractor's constructor (e.g. `quantize=False`,
            `weights=None`, `pooling="flatten"`).

    Returns:
        A `FeatureExtractor`; named ones are built once per process and shared.

    Example:
    >>> extractor = get_extractor("digits")
    >>> extractor.name, extractor.feature_dim, extractor.comparable_with_papers
    ('digits', 64, False)
    """
    if isinstance(name_or_model, FeatureExtractor):
        if layer_name is not None or kwargs:
            raise ValueError("layer_name and options apply to names and Keras models only.")
        return name_or_model
    if isinstance(name_or_model, str):
        if name_or_model not in _NAMED:
            raise ValueError(
                f"Unknown extractor {name_or_model!r}; expected one of {sorted(_NAMED)}, a "
                "keras.Model or a FeatureExtractor."
            )
        if layer_name is not None:
            raise ValueError("layer_name applies to Keras models only.")
        key = (name_or_model, tuple(sorted(kwargs.items())))
        if key not in _CACHE:
            _CACHE[key] = _NAMED[name_or_model](**kwargs)
        return _CACHE[key]
    import keras

    if isinstance(name_or_model, keras.Model):
        return KerasLayerExtractor(name_or_model, layer_name=layer_name, **kwargs)
    raise ValueError(
        f"Expected an extractor name {sorted(_NAMED)}, a keras.Model or a FeatureExtractor; "
        f"got {type(name_or_model).__name__}."
    )
