"""Every variant with a learning budget learns the offline digits within it."""

import dataclasses

import pytest

from ganzoo import registry
from ganzoo.testing.learning import LearningRun, measure

LEARNING = [v for v in registry.variants() if v.learning is not None and v.learning.ci]
MAX_RATIO = 0.6


@pytest.mark.parametrize("variant", LEARNING, ids=[variant.name for variant in LEARNING])
def test_learns_the_digits_within_its_budget(variant):
    result = measure(variant)
    assert result.steps == variant.learning.steps
    assert result.ratio <= MAX_RATIO, str(result)


def test_an_untrained_model_does_not_pass():
    # The measure can fail: zero steps leave the ratio at 1.
    variant = dataclasses.replace(
        registry.get("dcgan"),
        learning=registry.Learning(0, options={"latent_dim": 8, "base_filters": 4}),
    )
    run = LearningRun(variant)
    assert run.measurement().ratio == pytest.approx(1.0, rel=0.05)


def test_variants_without_digits_are_refused():
    with pytest.raises(ValueError, match=r"'images' or 'labelled'.*'unpaired'"):
        LearningRun(dataclasses.replace(registry.get("cyclegan"), learning=registry.Learning(1)))
    with pytest.raises(ValueError, match=r"learning budget.*'vanilla' has none"):
        LearningRun(registry.get("vanilla"))


def test_a_budget_that_sets_the_critic_steps_gets_batches_for_them():
    # A dataset batch holds one batch per critic step of the *built* model: a budget
    # with d_steps=1 must not train WGAN's one critic step on five batches' images.
    options = {"latent_dim": 8, "base_filters": 4}
    for d_steps, images_per_step in ((1, 16), (2, 32)):
        variant = dataclasses.replace(
            registry.get("wgan"),
            learning=registry.Learning(1, 16, {**options, "d_steps": d_steps}),
        )
        run = LearningRun(variant)
        assert run.model.d_steps == d_steps
        assert run.data.element_spec.shape[0] == images_per_step
