"""CSV cells a spreadsheet will not run (OWASP CSV injection), shared by every CSV Syncline writes.

Text that would start a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return; a plain number
such as ``-5`` excepted) gets a leading ``'``. The report export does only that (`neutralise`).
Lookup tables are read back in, so they use `escape` and `unescape`, which round-trip exactly:
`escape` also adds a ``'`` to a value that already starts with ``'`` before formula text, and
`unescape` removes the one ``'`` that `escape` added.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would read the text as a formula."""
    return value.startswith(FORMULA_START) and not _NUMBER.match(value)


def neutralise(value: str) -> str:
    """The text with a leading ' when a spreadsheet would read it as a formula."""
    return "'" + value if formula_like(value) else value


def escape(value: str) -> str:
    """`neutralise`, reversibly: any number of leading ' before formula text gets one more."""
    return "'" + value if formula_like(value.lstrip("'")) else value


def unescape(cell: str) -> str:
    """What `escape` was given: one leading ' fewer on a cell of ' then formula text."""
    return cell[1:] if cell.startswith("'") and formula_like(cell.lstrip("'")) else cell
