"""The adversarial core: `AdversarialModel` (`ganzoo.core.model`) and its `Player`s
(`ganzoo.core.player`)."""

from ganzoo.core.model import AdversarialModel, Player, num_replicas
from ganzoo.core.seeds import LAYER_SEED_STATE_KEY, SEED_STATE_KEY

__all__ = ["LAYER_SEED_STATE_KEY", "SEED_STATE_KEY", "AdversarialModel", "Player", "num_replicas"]
