"""Why the calling policy chose a ticket: a stable code and a short English sentence."""

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    """The policy rule that picked a ticket, from the strongest to the weakest."""

    passed_over_bound = "passed_over_bound"
    transfer_to_counter = "transfer_to_counter"
    appointment_due = "appointment_due"
    priority_turn = "priority_turn"
    most_urgent = "most_urgent"
    first_in_line = "first_in_line"


@dataclass(frozen=True)
class CallReason:
    """Why a ticket was called, e.g. `most_urgent`: "waited 42 min of a 30 min target"."""

    code: str
    explanation: str
