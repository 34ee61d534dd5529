"""The centre file: read a centre's TOML text into a validated `CentreConfig`.

Reading the file is the caller's job (the core does no I/O); every mistake is a
`CentreConfigError` naming the line and the field path.
"""

import re
import tomllib
from collections.abc import Callable
from typing import Any, TypeVar

from centre_core.centre import (
    AlertThresholds,
    CentreConfig,
    CounterConfig,
    NamedCode,
    PolicySettings,
    Service,
)
from centre_core.errors import CentreConfigError
from centre_core.hours import WEEKDAYS, OpeningHours, parse_interval
from centre_core.toml_lines import FieldPath, locate

_Item = TypeVar("_Item")


def _fail(path: FieldPath, problem: str) -> CentreConfigError:
    return CentreConfigError(path=path, problem=problem)


_MISSING: Any = object()


def _is_whole(value: object) -> bool:
    # TOML's booleans are not numbers here, though Python's bool is an int.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Table:
    """A TOML table being read: typed getters, and a check that no unknown key was given."""

    def __init__(self, value: object, path: FieldPath) -> None:
        if not isinstance(value, dict):
            raise _fail(path, "must be a table")
        self.data: dict[str, Any] = value
        self.path = path
        self.read: set[str] = set()

    def _get(self, key: str, default: Any) -> Any:
        self.read.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise _fail((*self.path, key), "is required")
        return default

    def _typed(self, key: str, default: Any, accepts: Callable[[object], bool], kind: str) -> Any:
        value = self._get(key, default)
        if value is not default and not accepts(value):
            raise _fail((*self.path, key), f"must be {kind} (got {value!r})")
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        return self._typed(key, default, lambda value: isinstance(value, str), "a string")

    def whole(self, key: str, default: Any = _MISSING) -> Any:
        return self._typed(key, default, _is_whole, "a whole number")

    def number(self, key: str, default: Any = _MISSING) -> Any:
        return self._typed(key, default, _is_number, "a number")

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        return self._typed(key, default, lambda value: isinstance(value, bool), "true or false")

    def tables(self, key: str, *, required: bool) -> list[tuple[FieldPath, object]]:
        value = self._get(key, _MISSING if required else [])
        if not isinstance(value, list):
            raise _fail((*self.path, key), f"must be an array of tables ([[{key}]])")
        return [((*self.path, key, index), item) for index, item in enumerate(value)]

    def sub(self, key: str) -> "_Table | None":
        value = self._get(key, None)
        return None if value is None else _Table(value, (*self.path, key))

    def done(self) -> None:
        for key in self.data:
            if key not in self.read:
                raise _fail((*self.path, key), "unknown field")


def _built(path: FieldPath, build: Callable[[], _Item]) -> _Item:
    try:
        return build()
    except CentreConfigError as error:
        raise error.within(*path) from None


def _hours(table: _Table | None) -> OpeningHours | None:
    if table is None:
        return None
    days = []
    for day in WEEKDAYS:
        text = table.text(day, "closed")
        try:
            days.append(parse_interval(text))
        except ValueError as exc:
            raise _fail((*table.path, day), str(exc)) from None
    table.done()
    if all(day is None for day in days):
        raise _fail(table.path, "open on no day of the week")
    return OpeningHours(days=tuple(days))


def _named_code(path: FieldPath, value: object) -> NamedCode:
    table = _Table(value, path)
    fields = (table.text("code"), table.text("name_en"), table.text("name_sw"))
    table.done()
    return _built(path, lambda: NamedCode(*fields))


def _service(path: FieldPath, value: object) -> Service:
    table = _Table(value, path)
    stages = tuple(_named_code(*item) for item in table.tables("stages", required=False))
    fields = {
        "code": table.text("code"),
        "name_en": table.text("name_en"),
        "name_sw": table.text("name_sw"),
        "prefix": table.text("prefix"),
        "target_wait_minutes": table.whole("target_wait_minutes"),
        "stages": stages,
        "daily_cap": table.whole("daily_cap", None),
        "hours": _hours(table.sub("hours")),
        "priority_allowed": table.flag("priority_allowed", True),
        "collection": table.flag("collection", False),
        "prior_service_minutes": table.number("prior_service_minutes", 8.0),
    }
    table.done()
    return _built(path, lambda: Service(**fields))


def _counter(path: FieldPath, value: object) -> CounterConfig:
    table = _Table(value, path)
    served = table.sub("services")
    if served is None:
        raise _fail((*path, "services"), "is required (a table of service = weight)")
    fields = {
        "code": table.text("code"),
        "name": table.text("name"),
        "services": {selector: served.whole(selector) for selector in served.data},
        "zone": table.text("zone", None),
    }
    table.done()
    return _built(path, lambda: CounterConfig(**fields))


def _policy(table: _Table | None) -> PolicySettings:
    if table is None:
        return PolicySettings()
    defaults = PolicySettings()
    fields = {"mode": table.text("mode", defaults.mode)}
    for name in (
        "priority_every",
        "recall_limit",
        "appointment_early_minutes",
        "appointment_late_minutes",
        "max_pass_over",
    ):
        fields[name] = table.whole(name, getattr(defaults, name))
    table.done()
    return _built(table.path, lambda: PolicySettings(**fields))


def _alerts(table: _Table | None) -> AlertThresholds:
    if table is None:
        return AlertThresholds()
    defaults = AlertThresholds()
    fields = {name: table.whole(name, value) for name, value in vars(defaults).items()}
    table.done()
    return _built(table.path, lambda: AlertThresholds(**fields))


def _centre(document: dict[str, Any]) -> CentreConfig:
    root = _Table(document, ())
    centre = root.sub("centre")
    if centre is None:
        raise _fail(("centre",), "is required ([centre] with code and name)")
    code, name = centre.text("code"), centre.text("name")
    timezone = centre.text("timezone", "Africa/Nairobi")
    hours = _hours(centre.sub("hours"))
    centre.done()
    policy = _policy(root.sub("policy"))
    alerts = _alerts(root.sub("alerts"))
    priorities = tuple(_named_code(*i) for i in root.tables("priority_categories", required=False))
    services = tuple(_service(*item) for item in root.tables("services", required=True))
    counters = tuple(_counter(*item) for item in root.tables("counters", required=True))
    root.done()
    return CentreConfig(
        code=code,
        name=name,
        timezone=timezone,
        services=services,
        counters=counters,
        priority_categories=priorities,
        policy=policy,
        hours=hours,
        alerts=alerts,
    )


_TOML_POSITION = re.compile(r"at line (\d+), column \d+")


def load_centre_config(text: str, *, source: str = "centre.toml") -> CentreConfig:
    """Parse and validate a centre's TOML text; raises `CentreConfigError` naming line and field."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) if found else None
        raise CentreConfigError(
            path=(), problem=f"TOML syntax error: {exc}", source=source, line=line
        ) from None
    try:
        return _centre(document)
    except CentreConfigError as error:
        raise error.located(source=source, line=locate(text, error.path)) from None
