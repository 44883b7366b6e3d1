"""`load_model`: loads a saved ganzoo GAN, with a clear error for the wrong file.

`keras.models.load_model` loads ganzoo models too (every class is registered with
`keras.saving.register_keras_serializable`); `ganzoo.saving.load_model` adds what a
user who expects a GAN of some variant wants to hear before anything is built: a file
that is missing, not a `.keras` archive (a truncated or corrupt download or copy, an
`.h5` or weights file), a Keras model that is not a ganzoo GAN, or a GAN of another
variant than `expected`.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import zipfile

import keras

#: Where a `.keras` archive keeps the model's class and configuration.
CONFIG_FILE = "config.json"


def _register_all_variants() -> None:
    """Imports every `ganzoo.models` module, so each variant's class is registered."""
    import ganzoo.models

    for module in pkgutil.iter_modules(ganzoo.models.__path__):
        importlib.import_module(f"ganzoo.models.{module.name}")


def read_config(path: str | os.PathLike) -> dict:
    """Reads the top-level model configuration of a `.keras` file without loading it.

    Args:
        path: a `.keras` file.

    Returns:
        The `config.json` dict: `class_name`, `registered_name`, `module`, `config`, ...

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: the file is not a complete `.keras` archive (truncated, corrupt,
            or another format).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No saved model at {path!r}.")
    if path.endswith((".h5", ".hdf5")):
        what = "a weights file" if path.endswith(".weights.h5") else "a legacy HDF5 file"
        raise ValueError(
            f"{path!r} is {what}; ganzoo models are saved as .keras files with "
            "model.save('name.keras'). Load weights with model.load_weights(path)."
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path!r} is not a complete .keras file (a zip archive of {os.path.getsize(path)} "
            "bytes that cannot be read): it may be truncated by an interrupted save, copy or "
            "download, or corrupt. Save the model again."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read(CONFIG_FILE))
    except KeyError:
        raise ValueError(
            f"{path!r} is a zip archive without {CONFIG_FILE}, not a .keras model file."
        ) from None
    except (zipfile.BadZipFile, json.JSONDecodeError, OSError) as error:
        raise ValueError(
            f"{path!r} is a damaged .keras file ({type(error).__name__}: {error}); it may "
            "be truncated or corrupt. Save the model again."
        ) from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{path!r} holds no Keras model configuration in {CONFIG_FILE}.")
    return config


def load_model(
    path: str | os.PathLike,
    expected: type | None = None,
    *,
    compile: bool = True,
    safe_mode: bool = True,
):
    """Loads a ganzoo GAN saved with `model.save("name.keras")`.

    The file is checked before anything is built: it must be a complete `.keras`
    archive holding a ganzoo GAN, of class `expected` (or a subclass) when given. Then
    it is loaded by `keras.models.load_model` with `safe_mode` on (no arbitrary code
    from the file runs), with both optimizers and their state when `compile` is on.

    Args:
        path: the `.keras` file.
        expected: the class the model must be (e.g. `ganzoo.DCGAN`); `None` accepts
            any ganzoo GAN.
        compile: restore the optimizers and their state (to continue training).
        safe_mode: passed to `keras.models.load_model`; keep it on for files you did
            not write yourself.

    Returns:
        The model, an instance of `expected` (or of `ganzoo.GAN`).

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: the file is truncated, corrupt or not a `.keras` file; it holds a
            Keras model that is not a ganzoo GAN, or a GAN of another variant than
            `expected`; or its weights do not load.

    Example:
    >>> gan = ganzoo.load_model("runs/dcgan/model.keras", expected=ganzoo.DCGAN)
    >>> images = gan.generate(16, seed=0)
    """
    from ganzoo.core import AdversarialModel as GAN  # noqa: N814  (every ganzoo model)

    if expected is not None and not (isinstance(expected, type) and issubclass(expected, GAN)):
        raise ValueError(
            f"expected must be a ganzoo.GAN subclass such as ganzoo.DCGAN; got {expected!r}."
        )
    path = os.fspath(path)
    config = read_config(path)
    _register_all_variants()
    registered = config.get("registered_name") or config["class_name"]
    found = keras.saving.get_registered_object(registered) if "registered_name" in config else None
    if not (isinstance(found, type) and issubclass(found, GAN)):
        raise ValueError(
            f"{path!r} holds a Keras model of class {config['class_name']!r} "
            f"(registered as {registered!r}), not a ganzoo GAN; load it with "
            "keras.models.load_model."
        )
    if expected is not None and not issubclass(found, expected):
        raise ValueError(
            f"{path!r} holds a ganzoo {found.__name__}, not a {expected.__name__}; load it "
            f"with expected=ganzoo.{found.__name__} (or expected=None for any GAN)."
        )
    try:
        model = keras.models.load_model(path, compile=compile, safe_mode=safe_mode)
    except (OSError, KeyError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"The weights in {path!r} do not load ({type(error).__name__}: {error}); the "
            "file may be corrupt. Save the model again."
        ) from None
    if not isinstance(model, expected or GAN):
        raise ValueError(
            f"{path!r} loaded as a {type(model).__name__}, not a {(expected or GAN).__name__}."
        )
    return model
