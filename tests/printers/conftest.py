from collections.abc import Iterator

import pytest

from printers.escpos_printer import EscposTicketPrinter
from printers.fake_network import FakeNetworkPrinter
from printers.slip import TicketSlip
from tests.printers.helpers import make_slip, network_printer


@pytest.fixture
def slip() -> TicketSlip:
    return make_slip()


@pytest.fixture
def fake() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


@pytest.fixture
def printer(fake: FakeNetworkPrinter) -> EscposTicketPrinter:
    return network_printer(fake.port)
