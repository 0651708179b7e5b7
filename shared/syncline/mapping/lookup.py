"""Lookup tables: named left/right value pairs, looked up in either direction, imported and exported
as CSV with the header ``left_value,right_value``."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from syncline.mapping.errors import RuleError
from syncline.mapping.values import as_text

Direction = Literal["left_to_right", "right_to_left"]
CSV_HEADER = ("left_value", "right_value")
MAX_ROWS = 100_000


class LookupTable(BaseModel):
    """Rows of (left, right). Left values are unique; a right value may repeat (many codes -> one), and
    looking it up right to left gives the first row's left value.

    `default_right` is the answer when a left-to-right lookup misses, `default_left` when a
    right-to-left lookup misses.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
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
        cls, name: str, text: str, default_left: str | None = None, default_right: str | None = None
    ) -> LookupTable:
        """Read RFC 4180 CSV with the header left_value,right_value; RuleError naming the line."""

        def fail(line: int, reason: str) -> RuleError:
            return RuleError("lookup", None, f"line {line}: {reason}", field=name)

        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
        rows: list[tuple[str, str]] = []
        seen: dict[str, int] = {}
        header_seen = False
        try:
            for cells in reader:
                line = reader.line_num
                if not cells or cells == [""]:
                    continue
                if not header_seen:
                    if tuple(cell.strip().lower() for cell in cells) != CSV_HEADER:
                        raise fail(line, f"header must be {','.join(CSV_HEADER)}, got {','.join(cells)!r}")
                    header_seen = True
                    continue
                if len(cells) != 2:
                    raise fail(line, f"expected 2 values, got {len(cells)}")
                left, right = cells
                if left in seen:
                    raise fail(line, f"left value {left!r} already used on line {seen[left]}")
                seen[left] = line
                rows.append((left, right))
                if len(rows) > MAX_ROWS:
                    raise fail(line, f"more than {MAX_ROWS} rows")
        except csv.Error as exc:
            raise fail(reader.line_num, f"bad CSV: {exc}") from None
        if not header_seen:
            raise fail(1, f"header must be {','.join(CSV_HEADER)}, got an empty file")
        return cls(name=name, rows=rows, default_left=default_left, default_right=default_right)

    def to_csv(self) -> str:
        """RFC 4180 CSV (CRLF line ends, quotes where needed) that from_csv reads back."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(self.rows)
        return out.getvalue()
