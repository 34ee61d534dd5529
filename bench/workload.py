"""The service mix of a large Huduma centre: demand share per service, minutes per queue.

Shares follow what the example centre's zones suggest of a Nairobi day (ID and good-conduct
certificates dominate); minutes are the counter time of a typical case at each queue, before
the day generator scales them to the centre's capacity.
"""

from __future__ import annotations

# Share of the day's tickets by service (sums to 1).
DEMAND = {
    "NID": 0.22,
    "BC": 0.08,
    "DC": 0.02,
    "PCC": 0.12,
    "DL": 0.08,
    "NHIF": 0.08,
    "KRA": 0.08,
    "BRS": 0.04,
    "NSSF": 0.04,
    "PEN": 0.02,
    "HELB": 0.04,
    "MAR": 0.02,
    "ECIT": 0.06,
    "SBP": 0.03,
    "COL": 0.07,
}

# Typical counter minutes per queue (a staged service has one entry per stage).
QUEUE_MINUTES = {
    "NID.verification": 3.0,
    "NID.biometrics": 4.0,
    "NID.card_issue": 2.0,
    "BC": 4.0,
    "DC": 4.0,
    "PCC": 3.0,
    "DL": 4.0,
    "NHIF": 3.0,
    "KRA": 3.0,
    "BRS": 5.0,
    "NSSF": 3.0,
    "PEN": 5.0,
    "HELB": 4.0,
    "MAR": 6.0,
    "ECIT": 3.0,
    "SBP": 4.0,
    "COL": 1.5,
}


def queue_service(queue_key: str) -> str:
    """Return the service code of a queue key (`NID.biometrics` -> `NID`)."""
    return queue_key.split(".", 1)[0]


def queue_work() -> dict[str, float]:
    """Return each queue's share of the day's counter minutes (sums to 1)."""
    work = {key: DEMAND[queue_service(key)] * minutes for key, minutes in QUEUE_MINUTES.items()}
    total = sum(work.values())
    return {key: value / total for key, value in work.items()}


def mean_minutes_per_ticket() -> float:
    """Return the counter minutes one ticket of the mix needs, all stages together."""
    return sum(DEMAND[queue_service(key)] * minutes for key, minutes in QUEUE_MINUTES.items())
