"""The two errors of the mapping package: bad rules (at save/compile) and bad records (at run)."""

from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    """A filter, mapping, script or lookup table that cannot work; raised when rules are compiled.

    `str()` reads like ``mappings[3].transforms[1]: unknown function 'uper'``.
    """

    def __init__(self, section: str, index: int | None, reason: str, field: str | None = None) -> None:
        self.section = section
        self.index = index
        self.field = field
        self.reason = reason
        super().__init__(f"{self.location}: {reason}")

    @property
    def location(self) -> str:
        where = self.section if self.index is None else f"{self.section}[{self.index}]"
        return f"{where}.{self.field}" if self.field else where

    def to_dict(self) -> dict[str, Any]:
        """The shape the report API puts in a 422 body."""
        return {
            "section": self.section,
            "index": self.index,
            "field": self.field,
            "location": self.location,
            "reason": self.reason,
        }


class RecordError(Exception):
    """One record could not be mapped; the rest of the batch carries on.

    `rule` is e.g. ``mappings[3]`` or ``payload_script``; `str()` names the rule and the reason.
    """

    def __init__(self, rule: str, reason: str, target: str | None = None) -> None:
        self.rule = rule
        self.reason = reason
        self.target = target
        label = f"{rule} (-> {target})" if target else rule
        super().__init__(f"{label}: {reason}")
