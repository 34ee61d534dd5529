"""The client's response models follow the server's, field by field."""

import inspect

import pytest
from pydantic import BaseModel

from centre_client import models
from centre_server import schemas

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
