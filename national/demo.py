"""The demo's national side: one centre registered and configured, a channel and an operator key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from centre_core.centre import CentreConfig
from national import catalogue, centres, keys, staff
from national.catalogue import CatalogueService


def set_up(
    engine: Engine, *, config: CentreConfig, services: dict[str, CatalogueService]
) -> dict[str, Any]:
    """Register the demo centre with its catalogue; return its credential and the keys.

    No public holidays: the demo books today, whatever day it is tried on.
    """
    credential = centres.add_centre(
        engine, code=config.code, name=config.name, timezone=config.timezone
    )
    catalogue.configure_centre(engine, centre=config.code, config=config, catalogue=services)
    return {
        "centre": config.code,
        "credential": credential,
        "channel_key": keys.add_key(engine, name="demo-web", role="channel"),
        "operator_key": keys.add_key(engine, name="demo-operator", role="operator"),
        # A national manager for the overview page (`/overview`).
        "overview": {
            "staff_number": "N001",
            "pin": staff.add_staff(engine, staff_number="N001", name="Demo national manager"),
        },
    }
