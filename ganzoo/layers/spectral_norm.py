"""`SpectralNormalization`: a layer's weight divided by its largest singular value
(Miyato et al., 2018), one power iteration per `update_spectral_norms(model)` call.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralNormalization(keras.layers.Wrapper):
    """Spectral normalisation of a layer's weight (Miyato et al., 2018, arXiv:1802.05957).

    The wrapped layer keeps its weight `W` (the trainable variable) and computes with
    `W / σ(W)`, where `σ(W) = uᵀ W v` estimates the largest singular value of `W` from
    the vectors `u` and `v` of the power iteration (Algorithm 1 of the paper). `u` and
    `v` enter under stop-gradient, so the gradient flows through `σ`:
    `∂L/∂W = (G - ⟨G, W/σ⟩ u vᵀ) / σ` with `G = ∂L/∂(W/σ)` (eq. 12 of the paper), as in
    the reference chainer code (`sn_linear.py`, `sn_convolution_2d.py` of
    pfnet-research/sngan_projection) and `torch.nn.utils.spectral_norm`. Keras' own
    `keras.layers.SpectralNormalization` assigns `W/σ` over the kernel inside `call`
    instead, so no gradient flows through its `σ`, and it iterates on every training
    call.

    One power iteration per discriminator update: calling the layer never changes `u`
    and `v` (not in D(real), D(fake), the generator's step or a penalty's tape);
    `power_iteration()` does, and `update_spectral_norms(model)` runs it for every such
    layer of a model. The core's `update` calls it before each update of a player,
    inside the train step, so under a `tf.distribute` strategy each replica runs it on
    the same mirrored values; `u` and `v` are variables with
    `aggregation="only_first_replica"` (replica 0's value is written to every copy), so
    they stay identical on every replica. They are float32 under any mixed-precision
    policy (`σ` and `W/σ` are computed in float32), start from one iteration on a random
    `u` when the layer is built, and are saved with the weights (`.keras`, checkpoints,
    `BackupAndRestore`). Without `power_iteration()` calls (inference, or a model whose
    training step does not call it) the layer uses the `u`, `v` it holds.

    The weight is the layer's `kernel` (`Dense`, `Conv1D/2D/3D`, `Conv2DTranspose`,
    `EinsumDense`) or `embeddings` (`Embedding`), reshaped to a matrix of shape
    `(-1, last_axis)`: a `Conv2D` kernel `(kh, kw, c_in, c_out)` becomes
    `(kh·kw·c_in, c_out)`, the transpose of the reference's `W.reshape(c_out, -1)` up to
    a permutation of its columns, with the same singular values. The bias is not
    normalised.

    Args:
        layer: the layer to normalise (unbuilt or built).
        power_iterations: iterations per `power_iteration()` call (1 in the paper).
        epsilon: floor of the norms in the iteration and of `σ`.
        **kwargs: passed to `keras.layers.Wrapper` (`name`, `dtype`, ...).

    Example:
    >>> conv = SpectralNormalization(keras.layers.Conv2D(64, 3, padding="same"))
    >>> y = conv(images)  # convolves with W / σ(W)
    >>> conv.power_iteration()  # once per discriminator update
    """

    def __init__(self, layer, power_iterations: int = 1, epsilon: float = 1e-12, **kwargs):
        if isinstance(layer, keras.layers.SpectralNormalization):
            raise ValueError("Expected a layer to normalise; got Keras' SpectralNormalization.")
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or power_iterations < 1:
            raise ValueError(
                f"power_iterations must be a positive integer; got {power_iterations!r}."
            )
        self.power_iterations = power_iterations
        self.epsilon = float(epsilon)

    def build(self, input_shape=None) -> None:
        super().build(input_shape)
        weight = self.weight_variable
        if not isinstance(weight, keras.Variable):
            raise ValueError(
                f"Expected a layer with a `kernel` or `embeddings` variable (Dense, Conv2D, "
                f"Embedding, ...); got {type(self.layer).__name__} {self.layer.name!r}."
            )
        shape = tuple(int(d) for d in weight.shape)
        self.matrix_shape = (int(np.prod(shape[:-1])), shape[-1])
        # Row vectors: u (1, out) and v (1, in) of the paper's W (out × in), the
        # transpose of the `(in, out)` matrix here, so σ = uᵀ W v = v · matrix · uᵀ.
        options = {"trainable": False, "dtype": "float32", "autocast": False}
        options["aggregation"] = "only_first_replica"
        self.u = self.add_weight(
            shape=(1, shape[-1]), initializer=keras.initializers.RandomNormal(), name="u", **options
        )
        self.v = self.add_weight(
            shape=(1, self.matrix_shape[0]), initializer="zeros", name="v", **options
        )
        self.built = True
        if not keras.src.backend.in_stateless_scope():
            self.power_iteration()  # v from u: σ is an estimate before the first update

    @property
    def weight_variable(self):
        """The wrapped layer's `kernel` or `embeddings` variable (`None` before it is
        built). Not an attribute of this layer, which would track it a second time."""
        if not self.layer.built:
            return None
        weight = getattr(self.layer, "kernel", None)
        return getattr(self.layer, "embeddings", None) if weight is None else weight

    def _weight(self):
        """The weight as a float32 tensor, read without autocasting."""
        with keras.src.backend.AutocastScope(None):
            return tf.cast(tf.convert_to_tensor(self.weight_variable.value), "float32")

    def _normalize(self, x):
        # x / max(‖x‖, ε), as `torch.nn.functional.normalize` (the reference adds ε).
        return tf.math.l2_normalize(x, epsilon=self.epsilon**2)

    def power_iteration(self) -> None:
        """Updates `u` and `v` by `power_iterations` steps of the power iteration on `W`:
        `v ← Wᵀu / ‖Wᵀu‖`, `u ← Wv / ‖Wv‖` (in the paper's orientation of `W`)."""
        matrix = tf.reshape(tf.stop_gradient(self._weight()), self.matrix_shape)
        u = tf.convert_to_tensor(self.u.value)
        for _ in range(self.power_iterations):
            v = self._normalize(tf.matmul(u, matrix, transpose_b=True))
            u = self._normalize(tf.matmul(v, matrix))
        self.v.assign(v)
        self.u.assign(u)

    def sigma(self, weight=None):
        """`σ(W) = uᵀ W v` with the current `u`, `v`, differentiable in `W` only.

        Args:
            weight: the weight as a float32 tensor; the layer's own when omitted.
        """
        weight = self._weight() if weight is None else weight
        u, v = tf.stop_gradient(self.u.value), tf.stop_gradient(self.v.value)
        sigma = tf.matmul(tf.matmul(v, tf.reshape(weight, self.matrix_shape)), u, transpose_b=True)
        return tf.maximum(tf.reshape(sigma, ()), self.epsilon)

    def normalized_weight(self):
        """`W / σ(W)` in the weight's shape, float32, differentiable in `W`."""
        weight = self._weight()
        return weight / self.sigma(weight)

    def call(self, inputs):
        # The wrapped layer reads W / σ wherever it reads W (Keras' StatelessScope), so
        # every layer with a kernel or embeddings works unchanged.
        scope = keras.StatelessScope()
        outer = keras.src.backend.get_stateless_scope()
        if outer is not None:  # keep what an enclosing stateless scope maps
            scope.state_mapping.update(outer.state_mapping)
            scope.collect_losses, scope.losses = outer.collect_losses, outer.losses
        scope.state_mapping[id(self.weight_variable)] = self.normalized_weight()
        with scope:
            return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"power_iterations": self.power_iterations, "epsilon": self.epsilon})
        return config


def spectral_normalizations(model) -> list[SpectralNormalization]:
    """Every `SpectralNormalization` layer of `model` (a layer or model), nested ones
    included, in Keras' layer order."""
    return [
        layer
        for layer in model._flatten_layers(include_self=True)
        if isinstance(layer, SpectralNormalization)
    ]


def update_spectral_norms(model) -> None:
    """Runs `power_iteration()` of every `SpectralNormalization` layer of `model`.

    Call it once per update of the model's weights, before that update's forward
    passes (the core's `AdversarialModel.update` does, for every player's sub-models).

    Example:
    >>> update_spectral_norms(gan.discriminator)
    """
    for layer in spectral_normalizations(model):
        layer.power_iteration()


def unnormalized_layers(model) -> list[str]:
    """Names of the layers of `model` that hold a weight matrix (`kernel` or
    `embeddings`) outside a `SpectralNormalization` wrapper; Keras' own
    `keras.layers.SpectralNormalization` counts as one (no gradient flows through its σ).
    """
    layers_ = model._flatten_layers(include_self=False)
    wrapped = {id(layer.layer) for layer in layers_ if isinstance(layer, SpectralNormalization)}
    names = []
    for layer in layers_:
        if id(layer) in wrapped or isinstance(layer, SpectralNormalization):
            continue
        if isinstance(layer, keras.layers.SpectralNormalization):
            wrapped.add(id(layer.layer))
            names.append(f"{layer.name} (keras.layers.SpectralNormalization)")
        elif getattr(layer, "kernel", None) is not None or hasattr(layer, "embeddings"):
            names.append(layer.name)
    return names
