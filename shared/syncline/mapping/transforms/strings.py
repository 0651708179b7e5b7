"""String functions: trim, case, affixes, replace, split/join/concatenate, substring, pad, truncate."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from syncline.mapping.sandbox import check_regex
from syncline.mapping.transforms.core import ArgError, Args, Context, NoArgs, Op, function
from syncline.mapping.values import MISSING, as_text, is_empty

TEXT_FUNCTIONS: weakref.WeakKeyDictionary[Op, Callable[[str], Any]] = weakref.WeakKeyDictionary()
"""op -> its plain text function, so the engine can call it directly on text elements of an array
(weak: entries go away with the compiled mapping that holds the op)."""


def _text_op(transform: Callable[[str], Any]) -> Op:
    def run(value: Any, record: Any) -> Any:
        return transform(value if isinstance(value, str) else as_text(value))

    TEXT_FUNCTIONS[run] = transform
    return run


class TrimArgs(Args):
    characters: str | None = Field(default=None, min_length=1)


@function("trim", "string", "Remove spaces (or the given characters) from both ends.", TrimArgs)
def _trim(args: TrimArgs, ctx: Context) -> Op:
    chars = args.characters
    return _text_op(str.strip if chars is None else lambda s: s.strip(chars))


@function("upper", "string", "UPPER CASE.")
def _upper(args: NoArgs, ctx: Context) -> Op:
    return _text_op(str.upper)


@function("lower", "string", "lower case.")
def _lower(args: NoArgs, ctx: Context) -> Op:
    return _text_op(str.lower)


@function("title", "string", "Title Case Each Word.")
def _title(args: NoArgs, ctx: Context) -> Op:
    return _text_op(lambda s: " ".join(word[:1].upper() + word[1:].lower() for word in s.split(" ")))


class AffixArgs(Args):
    value: str


@function("prefix", "string", "Put text before the value.", AffixArgs)
def _prefix(args: AffixArgs, ctx: Context) -> Op:
    text = args.value
    return _text_op(lambda s: text + s)


@function("suffix", "string", "Put text after the value.", AffixArgs)
def _suffix(args: AffixArgs, ctx: Context) -> Op:
    text = args.value
    return _text_op(lambda s: s + text)


class ReplaceArgs(Args):
    old: str = Field(min_length=1)
    new: str = ""


@function("replace", "string", "Replace every occurrence of old with new.", ReplaceArgs)
def _replace(args: ReplaceArgs, ctx: Context) -> Op:
    old, new = args.old, args.new
    return _text_op(lambda s: s.replace(old, new))


class RegexReplaceArgs(Args):
    pattern: str = Field(min_length=1, max_length=1000)
    replacement: str = ""
    ignore_case: bool = False


@function(
    "regex_replace", "string", "Replace regex matches (Python syntax; \\1 for groups).", RegexReplaceArgs
)
def _regex_replace(args: RegexReplaceArgs, ctx: Context) -> Op:
    try:
        regex = check_regex(args.pattern, re.IGNORECASE if args.ignore_case else 0)
        regex.sub(args.replacement, "")
    except (ValueError, re.error) as exc:
        raise ArgError("pattern" if isinstance(exc, ValueError) else "replacement", str(exc)) from None
    replacement = args.replacement
    return _text_op(lambda s: regex.sub(replacement, s))


class SplitArgs(Args):
    separator: str = Field(default=",", min_length=1)
    index: int | None = None
    trim: bool = True


@function(
    "split",
    "string",
    "Split text into an array (or pick one part with index; negative counts from the end).",
    SplitArgs,
    expands=lambda args: args.index is None,
)
def _split(args: SplitArgs, ctx: Context) -> Op:
    separator, index, trim = args.separator, args.index, args.trim

    def run(value: Any, record: Any) -> Any:
        parts = as_text(value).split(separator)
        if trim:
            parts = [part.strip() for part in parts]
        if index is None:
            return parts
        return parts[index] if -len(parts) <= index < len(parts) else MISSING

    return run


class JoinArgs(Args):
    separator: str = ","


@function(
    "join",
    "string",
    "Join an array into text with a separator (an empty array: missing).",
    JoinArgs,
    kind="list",
    reduces=True,
)
def _join(args: JoinArgs, ctx: Context) -> Op:
    separator = args.separator

    def run(values: list[Any], record: Any) -> Any:
        parts = [as_text(v) for v in values if v is not None and v is not MISSING]
        return separator.join(parts) if parts else MISSING

    return run


class ConcatenateArgs(Args):
    separator: str = ""


@function(
    "concatenate",
    "string",
    "Join several sources into one text, skipping empty ones (none left: missing).",
    ConcatenateArgs,
    kind="list",
    reduces=True,
)
def _concatenate(args: ConcatenateArgs, ctx: Context) -> Op:
    separator = args.separator

    def run(values: list[Any], record: Any) -> Any:
        parts = [as_text(v) for v in values if not is_empty(v)]
        return separator.join(parts) if parts else MISSING

    return run


class SubstringArgs(Args):
    start: int = 0
    length: int | None = Field(default=None, ge=0)


@function(
    "substring",
    "string",
    "Part of the text from start (0-based; negative counts from the end).",
    SubstringArgs,
)
def _substring(args: SubstringArgs, ctx: Context) -> Op:
    start, length = args.start, args.length
    if length is None:
        return _text_op(lambda s: s[start:])
    return _text_op(lambda s: s[start:][:length])


class PadArgs(Args):
    length: int = Field(ge=0, le=10_000)
    character: str = Field(default=" ", min_length=1, max_length=1)
    side: Literal["left", "right"] = "left"


@function("pad", "string", "Pad to a length with a character, on the left (default) or right.", PadArgs)
def _pad(args: PadArgs, ctx: Context) -> Op:
    length, char = args.length, args.character
    if args.side == "left":
        return _text_op(lambda s: s.rjust(length, char))
    return _text_op(lambda s: s.ljust(length, char))


class TruncateArgs(Args):
    length: int = Field(ge=0)
    ellipsis: str = ""


@function("truncate", "string", "Cut text to at most length characters (ellipsis included).", TruncateArgs)
def _truncate(args: TruncateArgs, ctx: Context) -> Op:
    length, ellipsis = args.length, args.ellipsis
    if len(ellipsis) > length:
        raise ArgError("ellipsis", "is longer than length")
    keep = length - len(ellipsis)
    return _text_op(lambda s: s if len(s) <= length else s[:keep] + ellipsis)
