"""Run one Foleni app as `python -m APP` does, and write what its window shows to a file.

The end-to-end test drives the apps through the X server like a person (pointer and keys), so
it needs eyes: where each widget is on the window and what it says. `python -m
tests.e2e.window.observe APP ARGS...` calls the app's own `APP.__main__.main(ARGS)` in this
process and, a few times a second, writes the window's widget tree (window coordinates, texts,
kv ids) and the app's view-model properties as JSON to `$FOLENI_E2E_OBSERVE`. It only reads:
the app, its options and its event loop are exactly those of `foleni APP`.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OBSERVE_ENV = "FOLENI_E2E_OBSERVE"
INTERVAL_SECONDS = 0.25
# Widget attributes worth reporting: what a person reads, and what names a tile or a key.
SCALARS = ("text", "title", "code", "key", "number", "disabled", "focus")
VIEW_MODELS = ("vm", "login_vm", "view_model")


def _walk(window: Any) -> Iterator[tuple[Any, float]]:
    """Every widget on the window (modal views too) with the opacity it is drawn at."""
    todo = [(child, 1.0) for child in reversed(window.children)]
    while todo:
        widget, opacity = todo.pop(0)
        opacity *= float(widget.opacity)
        yield widget, opacity
        todo.extend((child, opacity) for child in reversed(widget.children))


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def _widgets(window: Any) -> list[dict[str, Any]]:
    walked = list(_walk(window))
    names = {}
    for widget, _opacity in walked:
        for name, target in getattr(widget, "ids", {}).items():
            # kv ids hold weak proxies: `__self__` is the widget itself.
            names[id(target.__self__)] = name
    rows = []
    for widget, opacity in walked:
        left, bottom = widget.to_window(*widget.pos)
        row: dict[str, Any] = {
            "id": names.get(id(widget)),
            "class": type(widget).__name__,
            "x": left,
            "y": bottom,
            "width": widget.width,
            "height": widget.height,
            "opacity": opacity,
        }
        for name in SCALARS:
            value = getattr(widget, name, None)
            if isinstance(value, str | int | float | bool):
                row[name] = value
        rows.append(row)
    return rows


def _view_models(app: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for attribute in VIEW_MODELS:
        model = getattr(app, attribute, None)
        if model is not None and hasattr(model, "properties"):
            found[attribute] = {
                name: _jsonable(getattr(model, name)) for name in model.properties()
            }
    return found


def snapshot() -> dict[str, Any]:
    """What the running app's window shows now."""
    from kivy.app import App
    from kivy.core.window import Window

    app = App.get_running_app()
    info = Window.get_window_info()
    return {
        "pid": os.getpid(),
        "x11_window": int(getattr(info, "window", 0) or 0),
        "size": list(Window.size),
        "widgets": _widgets(Window),
        "view_models": _view_models(app) if app is not None else {},
    }


def _write(target: Path) -> None:
    from kivy.app import App

    if App.get_running_app() is None or App.get_running_app().root is None:
        return
    draft = target.with_suffix(".part")
    draft.write_text(json.dumps(snapshot()), encoding="utf-8")
    draft.replace(target)


def main() -> int:
    """Run `APP.__main__.main(ARGS)` with the observer ticking beside it."""
    app_name, *argv = sys.argv[1:]
    target = Path(os.environ[OBSERVE_ENV])
    # Set before Kivy is first imported (below): the app's options are not Kivy's.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.clock import Clock

    Clock.schedule_interval(lambda _dt: _write(target), INTERVAL_SECONDS)
    entry = importlib.import_module(f"{app_name}.__main__")
    return int(entry.main(argv))


if __name__ == "__main__":
    sys.exit(main())
