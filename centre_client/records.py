"""One converter from the server's wire answers to a caller's own records (dataclasses)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")


def from_wire(record: type[D], answer: BaseModel, /, **given: Any) -> D:
    """Build `record` from the same-named fields of a wire `answer`, and `given` for the rest.

    The apps keep their own records of what they show (docs/apps.md); most of their fields
    are the wire's under the same name, so they are copied here rather than one by one in
    each adapter. A field of the record that is neither given nor on the answer raises
    `TypeError`, even when it has a default: a misspelt field never silently keeps it.
    """
    on_wire = type(answer).model_fields
    fields = [field.name for field in dataclasses.fields(record) if field.init]
    missing = [name for name in fields if name not in given and name not in on_wire]
    if missing:
        raise TypeError(
            f"{record.__name__} fields not on {type(answer).__name__}: {', '.join(missing)}"
        )
    copied = {name: getattr(answer, name) for name in fields if name not in given}
    return record(**copied, **given)
