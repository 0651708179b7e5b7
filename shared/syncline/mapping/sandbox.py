"""JSONata scripts (payload scripts and per-field scripts), sandboxed.

What the sandbox guarantees:

- No file, network or process access: JSONata's built-in functions are pure (string, number, array,
  object, date and higher-order functions); nothing else is registered, and `BUILTINS` is checked by a
  test so an upgrade that adds one fails loudly. Calls to functions that do not exist are rejected when
  the script is compiled.
- Bounded time: every evaluation has its own deadline (`timeout_ms`), checked at each step of the
  evaluator, so loops and runaway recursion stop with ScriptError; nesting depth is bounded too.
- Bounded memory: every intermediate text, array and object is checked against `MAX_TEXT` /
  `MAX_ITEMS` as it is produced, the functions that can blow a small input up in one step ($pad,
  $join, $replace, $string) check their output size before building it, regexes with nested
  quantifiers (catastrophic backtracking) are refused, and the final result must serialise to at most
  `max_output_bytes`.

jsonata-python quirks handled here: its own Timebox measures from compile time rather than per
evaluation, and the evaluator dispatches through the most recently *created* expression on the thread,
so `evaluate` re-arms the budget and marks its expression current each time. A Script is thread-safe:
budgets are per thread, and each thread evaluates its own shallow copy of the expression.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from jsonata import JException, Jsonata
from jsonata.functions import Functions
from jsonata.regex_engine import RegexFlags

MAX_TEXT = 1_000_000
MAX_ITEMS = 100_000
MAX_EXPRESSION = 20_000
DEFAULT_TIMEOUT_MS = 250
RECORD_TIMEOUT_MS = 1000  # all scripts of one record together (see CompiledMapping.apply)
DEFAULT_MAX_DEPTH = 300
DEFAULT_MAX_OUTPUT_BYTES = 1_000_000

DISALLOWED = frozenset({"eval"})  # parses text at run time, outside the regex and syntax checks
BUILTINS = frozenset(Jsonata.static_frame.bindings) - DISALLOWED

_sre = importlib.import_module("re._parser")
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT"})


class ScriptSyntaxError(ValueError):
    """The script cannot be compiled."""


class ScriptError(Exception):
    """The script failed or exceeded a limit while evaluating one input."""


class _LimitExceeded(JException):
    def __init__(self, reason: str) -> None:
        super().__init__("D1012", -1)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def check_regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a regex, refusing nested unbounded quantifiers such as (a+)+ that backtrack for ever."""
    try:
        compiled = re.compile(pattern, flags)
        tree = _sre.parse(pattern, flags)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    if _nested_repeat(tree, inside=False):
        raise ValueError(f"regex {pattern!r} nests repeats like (a+)+, which can run for ever; simplify it")
    return compiled


def _nested_repeat(items: Any, inside: bool) -> bool:
    for op, arg in items:
        name = str(op)
        if name in _REPEATS:
            _, high, sub = arg
            repeats = high > 1
            if repeats and inside:
                return True
            if _nested_repeat(sub, inside or repeats):
                return True
        elif name == "SUBPATTERN":
            if _nested_repeat(arg[-1], inside):
                return True
        elif name == "BRANCH":
            if any(_nested_repeat(branch, inside) for branch in arg[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _nested_repeat(arg[1], inside):
                return True
    return False


def _regex_engine(pattern: str, flags: RegexFlags) -> re.Pattern[str]:
    native = (re.IGNORECASE if flags.case_insensitive else 0) | (re.MULTILINE if flags.multiline else 0)
    return check_regex(pattern, native)


def _too_long(size: int, what: str) -> None:
    if size > MAX_TEXT:
        raise _LimitExceeded(f"{what} would be {size} characters, over the limit of {MAX_TEXT}")


def json_size_over(value: Any, limit: int) -> bool:
    """Whether value, written as JSON, would exceed limit characters (stops counting early)."""
    size = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2 + len(item)
            for key, val in item.items():
                size += len(str(key)) + 3
                stack.append(val)
        elif isinstance(item, list):
            size += 2 + len(item)
            stack.extend(item)
        else:
            size += 8
        if size > limit:
            return True
    return False


class _Guards:
    """Size-checked versions of the built-ins that can grow a small input a lot in one step."""

    @staticmethod
    def pad(string: Any, width: Any, char: Any) -> Any:
        if isinstance(width, int | float):
            _too_long(abs(int(width)), "$pad result")
        return Functions.pad(string, width, char)

    @staticmethod
    def join(strs: Any, separator: Any) -> Any:
        if isinstance(strs, list):
            sep = len(separator) if isinstance(separator, str) else 0
            _too_long(sum(len(s) for s in strs if isinstance(s, str)) + sep * len(strs), "$join result")
        return Functions.join(strs, separator)

    @staticmethod
    def replace(string: Any, pattern: Any, replacement: Any, limit: Any) -> Any:
        if isinstance(string, str) and isinstance(replacement, str):
            count = string.count(pattern) if isinstance(pattern, str) and pattern else len(string) + 1
            if isinstance(limit, int | float):
                count = min(count, max(int(limit), 0))
            _too_long(len(string) + count * len(replacement), "$replace result")
        return Functions.replace(string, pattern, replacement, limit)

    @staticmethod
    def eval(expr: Any, focus: Any) -> Any:
        raise _LimitExceeded("$eval is not allowed in scripts")

    @staticmethod
    def string(arg: Any, prettify: Any) -> Any:
        if not isinstance(arg, str) and json_size_over(arg, MAX_TEXT // (4 if prettify else 1)):
            raise _LimitExceeded(f"$string result would be over the limit of {MAX_TEXT} characters")
        return Functions.string(arg, prettify)


_GUARDED = {
    name: Jsonata.JNativeFunction(name, signature, _Guards, name)
    for name, signature in (
        ("pad", "<s-ns?:s>"),
        ("join", "<a<s>s?:s>"),
        ("replace", "<s-(sf)(sf)n?:s>"),
        ("string", "<x-b?:s>"),
        ("eval", "<sx?:x>"),
    )
}


class _Budget(threading.local):
    """Per-evaluation time, depth and size limits, driven by the evaluator's entry/exit hooks.

    A threading.local: each thread gets its own counters (__init__ runs again in each thread).
    """

    def __init__(self, timeout_ms: int, max_depth: int) -> None:
        self.timeout = timeout_ms / 1000
        self.max_depth = max_depth
        self.deadline = 0.0
        self.late = ""
        self.depth = 0
        self.tripped: str | None = None

    def arm(self, deadline: float | None) -> None:
        own = time.perf_counter() + self.timeout
        if deadline is not None and deadline < own:
            self.deadline, self.late = deadline, "scripts used up this record's time budget"
        else:
            self.deadline, self.late = own, f"script ran longer than {self.timeout * 1000:.0f} ms"
        self.depth = 0
        self.tripped = None

    def _trip(self, reason: str) -> None:
        self.tripped = self.tripped or reason
        raise _LimitExceeded(self.tripped)

    def enter(self, expr: Any, input: Any, env: Any) -> None:
        self.depth += 1
        if self.tripped:
            raise _LimitExceeded(self.tripped)
        if self.depth > self.max_depth:
            self._trip(f"script nested deeper than {self.max_depth} levels (runaway recursion?)")
        if time.perf_counter() > self.deadline:
            self._trip(self.late)

    def exit(self, expr: Any, input: Any, env: Any, result: Any) -> None:
        self.depth -= 1
        if time.perf_counter() > self.deadline:
            self._trip(self.late)
        if isinstance(result, str):
            if len(result) > MAX_TEXT:
                self._trip(f"script built a text of {len(result)} characters, over the limit of {MAX_TEXT}")
        elif isinstance(result, list | dict) and len(result) > MAX_ITEMS:
            self._trip(f"script built {len(result)} items, over the limit of {MAX_ITEMS}")


def _symbols(node: Any, seen: set[int]) -> Iterator[Any]:
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    for name, value in vars(node).items():
        if name.startswith("_"):
            continue
        for child in value if isinstance(value, list) else [value]:
            if hasattr(child, "type") and hasattr(child, "__dict__"):
                yield from _symbols(child, seen)
            elif isinstance(child, list):
                for pair in child:
                    if hasattr(pair, "__dict__"):
                        yield from _symbols(pair, seen)


def _unknown_functions(ast: Any, bindings: frozenset[str]) -> list[str]:
    called: list[str] = []
    defined = set(BUILTINS) | bindings
    for node in _symbols(ast, set()):
        kind = getattr(node, "type", None)
        if kind == "bind" and getattr(node.lhs, "type", None) == "variable":
            defined.add(node.lhs.value)
        elif kind == "lambda":
            args = node.arguments or []
            defined.update(arg.value for arg in args if getattr(arg, "type", None) == "variable")
        elif kind in ("function", "partial") and getattr(node.procedure, "type", None) == "variable":
            called.append(node.procedure.value)
    return [name for name in dict.fromkeys(called) if name and name not in defined]


class Script:
    """A compiled, sandboxed JSONata expression. `$` is the input; `bindings` become `$name` variables."""

    def __init__(
        self,
        expression: str,
        *,
        bindings: frozenset[str] = frozenset(),
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        max_depth: int = DEFAULT_MAX_DEPTH,
        max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
    ) -> None:
        if not isinstance(expression, str) or not expression.strip():
            raise ScriptSyntaxError("script must be a non-empty JSONata expression")
        if len(expression) > MAX_EXPRESSION:
            raise ScriptSyntaxError(f"script is longer than {MAX_EXPRESSION} characters")
        self.expression = expression
        self.max_output_bytes = max_output_bytes
        previous = getattr(Jsonata.CURRENT, "jsonata", None)
        try:
            self._expr = Jsonata(expression, _regex_engine)
        except JException as exc:
            raise ScriptSyntaxError(f"JSONata syntax error at position {exc.location}: {exc}") from None
        except RecursionError:
            raise ScriptSyntaxError("script is nested too deeply") from None
        except ValueError as exc:
            raise ScriptSyntaxError(str(exc)) from None
        finally:
            if previous is not None:
                Jsonata.CURRENT.jsonata = previous
        unknown = _unknown_functions(self._expr.ast, bindings)
        if unknown:
            verdict = "is not allowed in scripts" if unknown[0] in DISALLOWED else "is not a known function"
            raise ScriptSyntaxError(f"${unknown[0]} {verdict}")
        self._budget = _Budget(timeout_ms, max_depth)
        env = self._expr.environment
        env.bind("__evaluate_entry", self._budget.enter)
        env.bind("__evaluate_exit", self._budget.exit)
        for name, function in _GUARDED.items():
            env.bind(name, function)
        self._local = threading.local()

    def evaluate(
        self, value: Any, bindings: Mapping[str, Any] | None = None, deadline: float | None = None
    ) -> Any:
        """The result for one input (JSON values in, JSON values out); ScriptError on failure.

        `deadline` (a time.perf_counter() value) shortens the time limit, e.g. to a record's budget.
        """
        self._budget.arm(deadline)
        expr = self._local.__dict__.get("expr")
        if expr is None:  # per-thread copy: the evaluator keeps per-call state on the instance
            expr = self._local.expr = copy.copy(self._expr)
        Jsonata.CURRENT.jsonata = expr
        try:
            # Always pass a bindings dict: it makes a fresh frame, so `$` is never bound in the shared one.
            result = expr.evaluate(value, dict(bindings) if bindings else {})
        except RecursionError:
            raise ScriptError("script nested too deeply (runaway recursion?)") from None
        except MemoryError:
            raise ScriptError("script ran out of memory") from None
        except (JException, ValueError, TypeError, ArithmeticError, KeyError, IndexError) as exc:
            raise ScriptError(self._budget.tripped or _message(exc)) from None
        if self._budget.tripped:
            raise ScriptError(self._budget.tripped)
        if json_size_over(result, self.max_output_bytes):
            raise ScriptError(f"script output is larger than {self.max_output_bytes} bytes")
        return result


def _message(exc: Exception) -> str:
    if isinstance(exc, _LimitExceeded):
        return exc.reason
    text = str(exc) or type(exc).__name__
    code = getattr(exc, "error", None)
    return f"{text} ({code})" if isinstance(code, str) and code and code not in text else text


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)
