"""Value helpers shared by paths, filters and transforms: the MISSING marker and JSON coercions."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, final


@final
class _Missing:
    """A value that is absent (no key), as opposed to JSON null (None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off", "f"})


def is_empty(value: Any) -> bool:
    """Missing, null, blank text, empty array or empty object."""
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def as_bool(value: Any) -> bool | None:
    """A boolean from a boolean, a number (0 is false) or a word (yes/no, true/false, 1/0, on/off...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value != 0
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
    return None


def type_name(value: Any) -> str:
    if value is MISSING:
        return "missing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, datetime | date):
        return "date"
    return type(value).__name__


def describe(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a value for error messages."""
    if value is MISSING:
        return "missing"
    text = repr(value) if isinstance(value, str) else json.dumps(to_json(value), default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_PLAIN = frozenset({str, int, float, bool, type(None)})
_ONE = Decimal(1)


def to_json(value: Any) -> Any:
    """A fresh JSON-shaped copy: MISSING -> None, dates -> ISO 8601, Decimal -> int (written without
    decimals) or float."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): to_json(v) for k, v in value.items()}
    if kind is list:
        return [to_json(v) for v in value]
    if kind is Decimal:
        return int(value) if value.same_quantum(_ONE) else float(value)
    if value is MISSING:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value.same_quantum(_ONE) else float(value)
    return value


def as_number(value: Any) -> float | None:
    """A number from a number or numeric text; None when it is not one (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def as_text(value: Any) -> str:
    """Text for string functions: numbers and booleans are written the JSON way; containers are refused."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise ValueError(f"expected text, got {type_name(value)} {describe(value)}")
