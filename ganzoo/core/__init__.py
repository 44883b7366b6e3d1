"""The adversarial core: `AdversarialModel` and its `Player`s (see `ganzoo.core.model`)."""

from ganzoo.core.model import AdversarialModel, Player, num_replicas
from ganzoo.core.seeds import LAYER_SEED_STATE_KEY, SEED_STATE_KEY

__all__ = ["LAYER_SEED_STATE_KEY", "SEED_STATE_KEY", "AdversarialModel", "Player", "num_replicas"]
