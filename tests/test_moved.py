"""Names that moved in 0.x keep their old import paths for one release, with a warning;
registered serializable names do not change, so saved models still load."""

from __future__ import annotations

import importlib

import keras
import pytest

MOVED = [
    ("ganzoo.models.cyclegan", "ImagePool", "ganzoo.pools", "ImagePool"),
    ("ganzoo.models.cyclegan", "ConstantThenLinearDecay", "ganzoo.schedules", None),
    ("ganzoo.models.cyclegan", "paper_optimizer", "ganzoo.schedules", None),
    ("ganzoo.models.cyclegan", "l1_per_example", "ganzoo.losses", None),
    ("ganzoo.models.infogan", "CODE_KINDS", "ganzoo.codes", None),
    ("ganzoo.models.cyclegan", "DIRECTIONS", "ganzoo.data.side_by_side", None),
    ("ganzoo.losses", "gradient_penalty", "ganzoo.regularizers", None),
    ("ganzoo.losses", "r1_penalty", "ganzoo.regularizers", None),
    ("ganzoo.nets.resnet", "build_unet_generator", "ganzoo.nets.unet", None),
    ("ganzoo.nets.resnet", "build_patchgan_discriminator", "ganzoo.nets.patchgan", None),
    ("ganzoo.nets.resnet", "receptive_field", "ganzoo.nets.patchgan", None),
    ("ganzoo.nets.conditional", "build_infogan_generator", "ganzoo.nets.infogan", None),
    ("ganzoo.nets.conditional", "build_infogan_discriminator", "ganzoo.nets.infogan", None),
]


@pytest.mark.parametrize(("old", "name", "new", "new_name"), MOVED)
def test_old_paths_warn_and_give_the_new_object(old, name, new, new_name):
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=rf"{old}\.{name} moved to {new}\."):
        found = getattr(module, name)
    assert found is getattr(importlib.import_module(new), new_name or name)


def test_unknown_names_still_raise_attribute_error():
    module = importlib.import_module("ganzoo.models.cyclegan")
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        module.nothing  # noqa: B018


def test_the_schedule_keeps_its_registered_name():
    from ganzoo.schedules import ConstantThenLinearDecay

    assert keras.saving.get_registered_name(ConstantThenLinearDecay) == (
        "ganzoo>ConstantThenLinearDecay"
    )
    config = keras.saving.serialize_keras_object(
        keras.optimizers.Adam(ConstantThenLinearDecay(2e-4, 2, 2))
    )
    # A config written before the move names the old module; it still loads.
    schedule = config["config"]["learning_rate"]
    schedule["module"] = "ganzoo.models.cyclegan"
    assert schedule["registered_name"] == "ganzoo>ConstantThenLinearDecay"
    restored = keras.saving.deserialize_keras_object(config)
    assert isinstance(restored._learning_rate, ConstantThenLinearDecay)
