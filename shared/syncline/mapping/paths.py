"""Field paths: ``customer.email``, ``line_items[*].sku``, ``notes[0]``, ``line_items[-1].price``.

A path is keys separated by dots; each key may be followed by ``[n]`` (an index, negative counts from
the end) or ``[*]`` (every element). Keys cannot contain ``.``, ``[`` or ``]``.

Reading a ``[*]`` path gives a list with one entry per element (nested lists for several ``[*]``),
with MISSING where an element lacks the field, so that rules reading ``line_items[*].sku`` and
``line_items[*].quantity`` stay aligned by position. A single object where an array is expected is read
as a one-element array (a common shape of XML turned into JSON).

Writing a list to a ``[*]`` path spreads it element by element, creating objects as needed; writing a
single value to a ``[*]`` path sets it on every element that already exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from syncline.mapping.values import MISSING, to_json, type_name

KEY, INDEX, ALL = 0, 1, 2
Step = tuple[int, Any]

_PART = re.compile(r"([^.\[\]]+)((?:\[(?:\*|-?\d+)\])*)")
_SUBSCRIPT = re.compile(r"\[(\*|-?\d+)\]")
_PLAIN = frozenset({str, int, float, bool, type(None)})


def parse_path(text: str) -> tuple[Step, ...]:
    """Steps of a path; ValueError with the reason when it is malformed."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("path must be non-empty text")
    steps: list[Step] = []
    for part in text.split("."):
        match = _PART.fullmatch(part)
        if match is None or not match.group(1).strip():
            raise ValueError(f"bad path {text!r}: cannot read {part!r} (use keys like a.b, a[0] or a[*].b)")
        steps.append((KEY, match.group(1)))
        for sub in _SUBSCRIPT.findall(match.group(2)):
            steps.append((ALL, None) if sub == "*" else (INDEX, int(sub)))
    return tuple(steps)


class Path:
    """A compiled path: `get(record)` reads it, `set(out, value)` writes it."""

    __slots__ = ("text", "steps", "wildcards", "get", "put")

    def __init__(self, text: str) -> None:
        self.text = text
        self.steps = parse_path(text)
        self.wildcards = sum(1 for kind, _ in self.steps if kind == ALL)
        self.get: Callable[[Any], Any] = _compile_getter(self.steps)
        self.put: Setter = _compile_setter(self.steps, text)
        """Write a value that is not MISSING (the caller checks); `set` checks for you."""

    def check_target(self) -> None:
        if any(kind == INDEX and arg < 0 for kind, arg in self.steps):
            raise ValueError(f"bad target path {self.text!r}: negative index")

    def set(self, out: dict[str, Any], value: Any) -> None:
        """Write value into out; MISSING writes nothing. ValueError when the output has another shape."""
        if value is not MISSING:
            self.put(out, value)

    def __repr__(self) -> str:
        return f"Path({self.text!r})"


Getter = Callable[[Any], Any]
Setter = Callable[[Any, Any], None]


def _copy(value: Any) -> Any:
    """Values written to the output are copies, so output and input never share containers."""
    return value if type(value) in _PLAIN else to_json(value)


def _as_list(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return None


def _compile_getter(steps: tuple[Step, ...]) -> Getter:
    if all(kind == KEY for kind, _ in steps):
        keys = tuple(arg for _, arg in steps)
        if len(keys) == 1:
            key = keys[0]
            return lambda record: record.get(key, MISSING) if isinstance(record, dict) else MISSING

        def get_keys(record: Any) -> Any:
            value = record
            for key in keys:
                if not isinstance(value, dict):
                    return MISSING
                value = value.get(key, MISSING)
            return value

        return get_keys
    get: Getter | None = None
    for position in range(len(steps) - 1, -1, -1):
        get = _getter_step(steps, position, get)
    assert get is not None
    return get


def _getter_step(steps: tuple[Step, ...], position: int, after: Getter | None) -> Getter:
    kind, arg = steps[position]
    if kind == KEY:
        if after is None:
            return lambda value: value.get(arg, MISSING) if isinstance(value, dict) else MISSING

        def key(value: Any) -> Any:
            if isinstance(value, dict):
                child = value.get(arg, MISSING)
                if child is not MISSING:
                    return after(child)
            return MISSING

        return key
    if kind == INDEX:

        def index(value: Any) -> Any:
            if isinstance(value, list) and -len(value) <= arg < len(value):
                return value[arg] if after is None else after(value[arg])
            return MISSING

        return index
    if after is None:

        def every(value: Any) -> Any:
            items = _as_list(value)
            return MISSING if items is None else list(items)

        return every
    if position + 2 == len(steps) and steps[-1][0] == KEY:
        last = steps[-1][1]

        def every_key(value: Any) -> Any:
            items = _as_list(value)
            if items is None:
                return MISSING
            return [item.get(last, MISSING) if isinstance(item, dict) else MISSING for item in items]

        return every_key

    def every_then(value: Any) -> Any:
        items = _as_list(value)
        return MISSING if items is None else [after(item) for item in items]

    return every_then


def _compile_setter(steps: tuple[Step, ...], path: str) -> Setter:
    if all(kind == KEY for kind, _ in steps):
        return _keys_setter(tuple(arg for _, arg in steps), path)
    put: Setter | None = None
    for position in range(len(steps) - 1, -1, -1):
        put = _setter_step(steps, position, put, path)
    assert put is not None
    return put


def _keys_setter(keys: tuple[str, ...], path: str) -> Setter:
    *parents, last = keys

    def set_keys(node: Any, value: Any) -> None:
        for key in parents:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            elif not isinstance(child, dict):
                raise ValueError(
                    f"cannot write {path!r}: {key!r} already holds {type_name(child)}, not an object"
                )
            node = child
        node[last] = value if type(value) in _PLAIN else to_json(value)

    return set_keys


def _container(node: Any, slot: Any, want_dict: bool, path: str) -> Any:
    """node[slot] as an object (or array), created when absent; ValueError when it holds something else."""
    child = node[slot]
    if child is None:
        child = node[slot] = {} if want_dict else []
    elif want_dict and not isinstance(child, dict):
        raise ValueError(f"cannot write {path!r}: {slot!r} already holds {type_name(child)}, not an object")
    elif not want_dict and not isinstance(child, list):
        raise ValueError(f"cannot write {path!r}: {slot!r} already holds {type_name(child)}, not an array")
    return child


def _setter_step(steps: tuple[Step, ...], position: int, after: Setter | None, path: str) -> Setter:
    kind, arg = steps[position]
    want_dict = position + 1 < len(steps) and steps[position + 1][0] == KEY
    if kind == KEY:
        if after is None:

            def key_last(node: Any, value: Any) -> None:
                node[arg] = value if type(value) in _PLAIN else to_json(value)

            return key_last

        def key(node: Any, value: Any) -> None:
            if arg not in node:
                node[arg] = None
            after(_container(node, arg, want_dict, path), value)

        return key
    if kind == INDEX:

        def index(node: Any, value: Any) -> None:
            while len(node) <= arg:
                node.append(None)
            if after is None:
                if value is not MISSING:
                    node[arg] = _copy(value)
            else:
                after(_container(node, arg, want_dict, path), value)

        return index
    if after is None:

        def every_last(node: Any, value: Any) -> None:
            items = value if isinstance(value, list) else [value] * len(node)
            for j, item in enumerate(items):
                if j == len(node):
                    node.append(None)
                if item is not MISSING:
                    node[j] = _copy(item)

        return every_last

    if position + 2 == len(steps) and steps[-1][0] == KEY:
        field = steps[-1][1]

        def every_key(node: Any, value: Any) -> None:
            items = value if isinstance(value, list) else [value] * len(node)
            size = len(node)
            for j, item in enumerate(items):
                if j == size:
                    child: Any = {}
                    node.append(child)
                    size += 1
                else:
                    child = node[j]
                    if child is None:
                        child = node[j] = {}
                    elif not isinstance(child, dict):
                        raise ValueError(
                            f"cannot write {path!r}: element {j} holds {type_name(child)}, not an object"
                        )
                if item is not MISSING:
                    child[field] = item if type(item) in _PLAIN else to_json(item)

        return every_key

    def every(node: Any, value: Any) -> None:
        items = value if isinstance(value, list) else [value] * len(node)
        size = len(node)
        for j, item in enumerate(items):
            if j == size:
                node.append(None)
                size += 1
            child = _container(node, j, want_dict, path)
            if item is not MISSING:
                after(child, item)

    return every
