"""Rows <-> the core's dataclasses: every field is the column of the same name.

One mapping instead of a field-by-field copy per direction and per class: a field added to a
core class without its column fails loudly (no such attribute, or an insert's unknown column).
"""

from __future__ import annotations

import functools
from dataclasses import fields
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Item = TypeVar("Item", bound="DataclassInstance")


@functools.cache
def field_names(kind: type[DataclassInstance]) -> tuple[str, ...]:
    """Return the names of a core dataclass's fields, in order."""
    return tuple(field.name for field in fields(kind))


def from_row(kind: type[Item], row: object) -> Item:
    """Build a core object from a row (ORM or plain); the classes turn status strings to enums."""
    return kind(**{name: getattr(row, name) for name in field_names(kind)})


def column_values(item: object, names: tuple[str, ...]) -> dict[str, Any]:
    """Return these attributes of a core object as column values (enums as plain strings)."""
    # A driver may dump an enum member by its name: the columns hold the values.
    return {name: _plain(getattr(item, name)) for name in names}


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value
