"""Saved models load with `safe_mode` on; the wrong file gives a clear error."""

import importlib
import inspect
import pkgutil
import zipfile

import keras
import numpy as np
import pytest

import ganzoo
import ganzoo.models
from ganzoo import registry
from ganzoo.saving import load_model, read_config


def _variants() -> dict[str, type]:
    """Every model class defined in `ganzoo.models`."""
    found = {}
    for info in pkgutil.iter_modules(ganzoo.models.__path__):
        module = importlib.import_module(f"ganzoo.models.{info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, ganzoo.core.AdversarialModel)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return found


VARIANTS = _variants()


def _registered(cls) -> registry.Variant:
    return next(v for v in registry.variants() if v.cls is cls)


def _saved(name, tmp_path):
    gan = _registered(VARIANTS[name]).build_tiny()
    gan.compile()
    path = str(tmp_path / f"{name}.keras")
    gan.save(path)
    return gan, path


def test_every_variant_is_registered():
    registered = {variant.cls for variant in registry.variants()}
    missing = sorted(name for name, cls in VARIANTS.items() if cls not in registered)
    assert not missing, f"register {missing} in ganzoo/registry.py (tiny networks included)"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_loads_in_safe_mode(name, tmp_path):
    gan, path = _saved(name, tmp_path)
    loaded = load_model(path, expected=VARIANTS[name], safe_mode=True)
    assert type(loaded) is VARIANTS[name]
    assert type(load_model(path)) is VARIANTS[name]  # expected=None: any ganzoo GAN
    for a, b in zip(gan.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_safe_mode_refuses_code_in_the_file(tmp_path):
    generator = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(16), keras.layers.Lambda(lambda x: x * 0.5)]
    )
    generator = keras.Sequential([generator, keras.layers.Reshape((4, 4, 1))])
    discriminator = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    path = str(tmp_path / "lambda.keras")
    ganzoo.GAN(generator, discriminator, latent_dim=4).save(path)
    with pytest.raises(ValueError, match="safe_mode"):
        load_model(path)


def test_another_variant_is_refused(tmp_path):
    _, path = _saved("VanillaGAN", tmp_path)
    assert type(load_model(path, expected=ganzoo.GAN)) is VARIANTS["VanillaGAN"]  # a subclass
    with pytest.raises(
        ValueError, match=r"holds a ganzoo VanillaGAN, not a DCGAN.*expected=ganzoo.VanillaGAN"
    ):
        load_model(path, expected=ganzoo.DCGAN)
    with pytest.raises(ValueError, match=r"expected must be a ganzoo\.GAN subclass"):
        load_model(path, expected=keras.Model)


def test_a_keras_model_that_is_not_a_gan_is_refused(tmp_path):
    path = str(tmp_path / "sequential.keras")
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(path)
    with pytest.raises(ValueError, match=r"class 'Sequential'.*not a ganzoo GAN"):
        load_model(path)


def test_truncated_corrupt_and_other_files_are_refused(tmp_path):
    _, path = _saved("VanillaGAN", tmp_path)
    with open(path, "rb") as f:
        data = f.read()

    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ValueError, match=r"truncated\.keras.*not a complete \.keras file.*truncated"
    ):
        load_model(truncated)

    damaged = tmp_path / "damaged.keras"  # a complete archive whose weights are garbage
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.namelist():
            content = source.read(item)
            target.writestr(item, content[:100] if item.endswith(".h5") else content)
    with pytest.raises(ValueError, match=r"weights in .*damaged\.keras.*do not load"):
        load_model(damaged)

    not_a_model = tmp_path / "notes.keras"
    with zipfile.ZipFile(not_a_model, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ValueError, match=r"without config\.json"):
        read_config(not_a_model)

    weights = tmp_path / "gan.weights.h5"
    weights.write_bytes(b"\x89HDF")
    with pytest.raises(ValueError, match=r"weights file.*load_weights"):
        load_model(weights)
    with pytest.raises(FileNotFoundError, match="No saved model"):
        load_model(tmp_path / "missing.keras")
