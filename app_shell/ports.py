"""What the apps' ports to the centre share: the handlers an event stream reports to."""

from __future__ import annotations

from collections.abc import Callable

from centre_client.mirror import Change

ChangesHandler = Callable[[list[Change]], None]
OnlineHandler = Callable[[bool], None]
