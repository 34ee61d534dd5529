"""Best-effort map from a TOML document's field paths to the lines that define them.

`tomllib` returns plain values without positions, so configuration errors would only name a
field. This small scanner walks the text the way a reader does (table headers, array-of-tables
counts, `key = value` lines, keys inside one-line inline tables) so that an error about
`services[3].prefix` can point at the line of that key, or failing that, the nearest enclosing
table header.
"""

import re
from collections.abc import Sequence

FieldPath = tuple[str | int, ...]

_KEY_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')
_INLINE_KEY = re.compile(r'(?:^|[{,])\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_.-]+)\s*=')


def format_path(path: FieldPath) -> str:
    """`("services", 3, "prefix")` as `services[3].prefix` (dotted keys quoted)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            text += f".{name}" if text else name
    return text


def _split_key(text: str) -> tuple[str, ...]:
    parts = []
    for match in _KEY_PART.finditer(text):
        quoted, single, bare = match.groups()
        parts.append(quoted if quoted is not None else single if single is not None else bare)
    return tuple(parts)


def _without_comment(line: str) -> str:
    quote: str | None = None
    for index, char in enumerate(line):
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def line_index(text: str) -> dict[FieldPath, int]:
    """Every field path the scanner can see in `text`, mapped to its 1-based line."""
    lines: dict[FieldPath, int] = {}
    array_counts: dict[FieldPath, int] = {}

    def concrete(names: Sequence[str]) -> FieldPath:
        path: FieldPath = ()
        for name in names:
            path += (name,)
            if path in array_counts:
                path += (array_counts[path],)
        return path

    current: FieldPath = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _without_comment(raw).strip()
        if line.startswith("[[") and "]]" in line:
            names = _split_key(line[2 : line.index("]]")])
            array = concrete(names[:-1]) + names[-1:]
            array_counts[array] = array_counts.get(array, -1) + 1
            current = (*array, array_counts[array])
            lines.setdefault(current, number)
        elif line.startswith("[") and "]" in line:
            current = concrete(_split_key(line[1 : line.index("]")]))
            lines.setdefault(current, number)
        elif "=" in line:
            key, _, value = line.partition("=")
            path = current + _split_key(key)
            lines.setdefault(path, number)
            value = value.strip()
            if value.startswith("{"):
                for inner in _INLINE_KEY.findall(value):
                    lines.setdefault(path + _split_key(inner), number)
    return lines


def locate(text: str, path: FieldPath) -> int | None:
    """Return the line defining `path`, else its nearest known ancestor's, else None."""
    lines = line_index(text)
    for length in range(len(path), 0, -1):
        found = lines.get(path[:length])
        if found is not None:
            return found
    return None
