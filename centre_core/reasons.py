"""Why the calling policy chose a ticket: a stable code, a short English sentence, its figures."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# A reason's figures: times as "HH:MM" in the centre's zone, minutes and counts as ints.
Figures = Mapping[str, str | int]


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
    """Why a ticket was called, e.g. `most_urgent`: "waited 42 min of a 30 min target".

    `figures` are the values of the sentence, so that a screen can word it in its language:
    `first_in_line` {since}; `most_urgent` {minutes, target, weight};
    `transfer_to_counter` {at}; `appointment_due` {slot}; `priority_turn` {priority (its
    code), only_priority (1 when no normal ticket is waiting, else 0)};
    `passed_over_bound` {since, count}.
    """

    code: str
    explanation: str
    figures: Figures = field(default_factory=dict, hash=False)
