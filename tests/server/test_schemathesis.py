"""Property-based fuzzing of the whole OpenAPI with schemathesis: no input gives a 500."""

import contextlib

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from centre_server.api.roles import RoleGuard, route_table
from centre_server.auth import Role

# Prefer the broadest role a route admits, so requests get past the guard and reach the code;
# a route only for staff at a counter gets C07's session.
ROLE_PREFERENCE = (Role.manager, Role.admin, Role.kiosk, Role.display, Role.counter)
EXAMPLES_PER_OPERATION_AND_MODE = 12


def test_no_valid_or_invalid_request_makes_the_server_fail(sqlite_harness):
    app = sqlite_harness.client.app
    sqlite_harness.issue("BC")
    sqlite_harness.open_counter("C07")
    tokens = {}
    for entry in route_table(app):
        # The manager page's routes take browser sessions and stay out of the schema.
        if isinstance(entry.guard, RoleGuard) and not entry.guard.public:
            role = next(r for r in ROLE_PREFERENCE if r in entry.guard.roles)
            token = (
                sqlite_harness.counter_tokens["C07"]
                if role == Role.counter
                else sqlite_harness.tokens[str(role)]
            )
            for method in entry.methods:
                tokens[(method, entry.path)] = token
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        token = tokens.get((operation.method.upper(), operation.path))
        fuzz(operation.as_strategy(GenerationMode.POSITIVE), token)
        # An operation without parameters or body has no invalid input to generate.
        with contextlib.suppress(Unsatisfiable):
            fuzz(operation.as_strategy(GenerationMode.NEGATIVE), token)


def fuzz(strategy, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()
