"""`Player`: one side of an adversarial game, as `ganzoo.core.AdversarialModel` sees it."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Player:
    """One side of the game: the sub-models one optimizer trains.

    Args:
        name: the player's name, e.g. `"generator"`; `update` and regularizers use it.
        models: attribute names of the sub-models it trains.
        optimizer: attribute that holds its optimizer, e.g. `"g_optimizer"`; `compile`
            takes an argument of the same name.
        loss: the logged name of the per-example term it minimises, e.g. `"g_loss"`.
    """

    name: str
    models: tuple[str, ...]
    optimizer: str
    loss: str
