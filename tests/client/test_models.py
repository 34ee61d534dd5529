"""The client's response models follow the server's, field by field."""

import importlib
import inspect
import pkgutil

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel

from centre_client import models
from centre_server import schemas
from centre_server.api import routes

CLIENT_ONLY = {"WireModel", "PrinterStatus"}
MODELS = [
    name
    for name, value in inspect.getmembers(models, inspect.isclass)
    if issubclass(value, BaseModel)
    and value.__module__ == models.__name__
    and name not in CLIENT_ONLY
]


@pytest.mark.parametrize("name", MODELS)
def test_each_response_model_has_the_servers_fields(name: str) -> None:
    client: type[BaseModel] = getattr(models, name)
    server: type[BaseModel] = getattr(schemas, name)
    assert {f: info.is_required() for f, info in client.model_fields.items()} == {
        f: info.is_required() for f, info in server.model_fields.items()
    }


def test_the_printer_report_has_the_servers_request_fields() -> None:
    assert models.PrinterStatus.model_fields.keys() == schemas.PrinterStatusIn.model_fields.keys()


# Manager and admin routes no app of this client calls (the manager dashboard is a web page).
NOT_WRAPPED = {"AppointmentImportOut", "AppointmentListOut"}


def test_every_model_a_route_answers_with_is_mirrored() -> None:
    answered = {
        route.response_model.__name__
        for info in pkgutil.iter_modules(routes.__path__)
        for route in importlib.import_module(f"{routes.__name__}.{info.name}").router.routes
        if isinstance(route, APIRoute)
        and isinstance(route.response_model, type)
        and issubclass(route.response_model, BaseModel)
    }
    assert answered - NOT_WRAPPED <= set(MODELS)
