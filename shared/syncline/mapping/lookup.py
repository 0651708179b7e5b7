"""Lookup tables: named left/right value pairs, looked up in either direction, imported and exported
as CSV with the header ``left_value,right_value`` (or the table's own column names).

A table is stored whole in one config-table item, so it is bounded: at most MAX_ROWS rows, each
value (and default) at most MAX_VALUE_CHARS characters; `problems` lists what breaks a bound, or a
repeated left value, without ever quoting a value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from syncline.csvsafe import escape, unescape
from syncline.mapping.errors import RuleError
from syncline.mapping.values import as_text

Direction = Literal["left_to_right", "right_to_left"]
CSV_HEADER = ("left_value", "right_value")
MAX_ROWS = 10_000
MAX_VALUE_CHARS = 1_000
COLUMN_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$"
SIDES = ("left", "right")


class LookupCsvError(RuleError):
    """A CSV import that cannot be read (`malformed`: not CSV at all) or breaks a rule of the table;
    `line` is the physical line (1 is the header) where the problem is."""

    def __init__(self, name: str, line: int, reason: str, *, malformed: bool = False) -> None:
        super().__init__("lookup", None, f"line {line}: {reason}", field=name)
        self.line = line
        self.malformed = malformed


class LookupTable(BaseModel):
    """Rows of (left, right). Left values are unique; a right value may repeat (many codes -> one), and
    looking it up right to left gives the first row's left value.

    `left_column` and `right_column` name the two sides (for people, and as a CSV header that import
    accepts besides left_value,right_value). `default_right` is the answer when a left-to-right
    lookup misses, `default_left` when a right-to-left lookup misses.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
    left_column: str = Field(default="left", pattern=COLUMN_PATTERN)
    right_column: str = Field(default="right", pattern=COLUMN_PATTERN)
    rows: list[tuple[str, str]] = Field(default_factory=list, max_length=MAX_ROWS)
    default_left: str | None = None
    default_right: str | None = None

    _by_left: dict[str, str] = PrivateAttr(default_factory=dict)
    _by_right: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique_left(self) -> LookupTable:
        seen: dict[str, int] = {}
        for number, (left, _) in enumerate(self.rows, start=1):
            if left in seen:
                raise ValueError(f"row {number}: left value {left!r} already used by row {seen[left]}")
            seen[left] = number
        return self

    def model_post_init(self, context: Any) -> None:
        for left, right in self.rows:
            self._by_left[left] = right
            self._by_right.setdefault(right, left)

    def index(self, direction: Direction = "left_to_right") -> Mapping[str, str]:
        """The value -> value dict for a direction (read it, do not change it)."""
        return self._by_left if direction == "left_to_right" else self._by_right

    def find(self, value: Any, direction: Direction = "left_to_right") -> str | None:
        """The matching value on the other side, or None (defaults are not applied)."""
        key = value if isinstance(value, str) else as_text(value)
        return (self._by_left if direction == "left_to_right" else self._by_right).get(key)

    def lookup(self, value: Any, direction: Direction = "left_to_right") -> str | None:
        """The matching value, else the table's default for that direction, else None."""
        found = self.find(value, direction)
        if found is not None:
            return found
        return self.default_right if direction == "left_to_right" else self.default_left

    @classmethod
    def from_csv(
        cls,
        name: str,
        text: str,
        default_left: str | None = None,
        default_right: str | None = None,
        *,
        left_column: str = "left",
        right_column: str = "right",
    ) -> LookupTable:
        """Read RFC 4180 CSV; LookupCsvError (a RuleError) naming the line. See `read_csv`."""
        rows = read_csv(name, text, (left_column, right_column))
        return cls(
            name=name,
            left_column=left_column,
            right_column=right_column,
            rows=rows,
            default_left=default_left,
            default_right=default_right,
        )

    def to_csv(self) -> str:
        """RFC 4180 CSV (CRLF line ends, quotes where needed, header left_value,right_value) that
        from_csv reads back exactly. A value a spreadsheet would run as a formula gets a leading
        ' (see syncline.csvsafe), which from_csv removes again."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        writer.writerows((escape(left), escape(right)) for left, right in self.rows)
        return out.getvalue()

    def summary(self) -> dict[str, Any]:
        """Name, columns and row count (what a listing shows)."""
        return {
            "name": self.name,
            "left_column": self.left_column,
            "right_column": self.right_column,
            "row_count": len(self.rows),
        }


def read_csv(name: str, text: str, columns: tuple[str, str] = ("left", "right")) -> list[tuple[str, str]]:
    """The rows of RFC 4180 CSV text: a header line ``left_value,right_value`` or the table's column
    names (either case, spaces around ignored), then two values a line (quoted values may hold
    commas, quotes and line breaks). A leading BOM and blank lines are skipped; a ' that `to_csv`
    put before formula text is removed. LookupCsvError on the first problem, naming its line and
    never quoting a value: a header that is neither, a line without exactly two values, a repeated
    left value, a value over MAX_VALUE_CHARS, more than MAX_ROWS rows, or text that is not CSV
    (`malformed`)."""
    headers = {CSV_HEADER, tuple(c.strip().lower() for c in columns)}
    expected = " or ".join(sorted(",".join(h) for h in headers))
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    rows: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    header_seen = False
    start = 1  # the physical line a record starts on (a quoted value may span lines)
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells or cells == [""]:
                continue
            if not header_seen:
                if tuple(cell.strip().lower() for cell in cells) not in headers:
                    raise LookupCsvError(name, line, f"the header must be {expected}")
                header_seen = True
                continue
            if len(cells) != 2:
                raise LookupCsvError(name, line, f"expected 2 values, got {len(cells)}")
            left, right = unescape(cells[0]), unescape(cells[1])
            for side, value in zip(SIDES, (left, right), strict=True):
                if len(value) > MAX_VALUE_CHARS:
                    raise LookupCsvError(
                        name, line, f"the {side} value is longer than {MAX_VALUE_CHARS} characters"
                    )
            if left in seen:
                raise LookupCsvError(name, line, f"the left value is already used on line {seen[left]}")
            seen[left] = line
            rows.append((left, right))
            if len(rows) > MAX_ROWS:
                raise LookupCsvError(name, line, f"more than {MAX_ROWS} rows")
    except csv.Error as exc:
        raise LookupCsvError(name, reader.line_num, f"not valid CSV: {exc}", malformed=True) from None
    if not header_seen:
        raise LookupCsvError(name, 1, f"the header must be {expected}, got an empty file")
    return rows


def problems(rows: Sequence[Sequence[str]], defaults: Mapping[str, str | None]) -> list[tuple[str, str]]:
    """What breaks the bounds of a table given as JSON, as (field, message) pairs with fields like
    ``rows[3][0]`` (row index from 0), ``rows`` or ``default_left``; never quoting a value."""
    out: list[tuple[str, str]] = []
    if len(rows) > MAX_ROWS:
        out.append(("rows", f"at most {MAX_ROWS} rows, got {len(rows)}"))
        return out
    seen: dict[str, int] = {}
    for number, row in enumerate(rows):
        for side, value in enumerate(row):
            if len(value) > MAX_VALUE_CHARS:
                out.append((f"rows[{number}][{side}]", f"longer than {MAX_VALUE_CHARS} characters"))
        left = row[0]
        if left in seen:
            out.append((f"rows[{number}][0]", f"the left value is already used by row {seen[left]}"))
        else:
            seen[left] = number
    for field, default in defaults.items():
        if default is not None and len(default) > MAX_VALUE_CHARS:
            out.append((field, f"longer than {MAX_VALUE_CHARS} characters"))
    return out


def tables_used(mappings: Any) -> set[str]:
    """The lookup tables a service's mapping rules name (their `lookup` transforms' `table`)."""
    names: set[str] = set()
    for rule in mappings if isinstance(mappings, list) else []:
        transforms = rule.get("transforms") if isinstance(rule, dict) else None
        for transform in transforms if isinstance(transforms, list) else []:
            if isinstance(transform, dict) and transform.get("function") == "lookup":
                args = transform.get("args")
                table = args.get("table") if isinstance(args, dict) else None
                if isinstance(table, str):
                    names.add(table)
    return names
