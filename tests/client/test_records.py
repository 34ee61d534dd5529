"""`from_wire`: an app's record built from a wire answer's same-named fields."""

from dataclasses import dataclass

import pytest

from centre_client.records import from_wire
from centre_core.wire import PriorityOut


@dataclass(frozen=True)
class Priority:
    code: str
    name_en: str
    label: str = ""


ELDERLY = PriorityOut(code="elderly", name_en="Elderly", name_sw="Wazee")


def test_same_named_fields_are_copied_and_the_rest_given():
    assert from_wire(Priority, ELDERLY, label="Elderly / Wazee") == Priority(
        code="elderly", name_en="Elderly", label="Elderly / Wazee"
    )


def test_a_given_value_wins_over_the_wire():
    assert from_wire(Priority, ELDERLY, name_en="Old age", label="").name_en == "Old age"


def test_a_field_the_wire_lacks_must_be_given_even_with_a_default():
    with pytest.raises(TypeError, match="label"):
        from_wire(Priority, ELDERLY)
