"""Field mappings: compile a service's rules once per batch, apply them to each record.

A mapping rule::

    {"source": "line_items[*].sku", "target": "lines[*].item_code",
     "transforms": [{"function": "upper"}, {"function": "prefix", "args": {"value": "SKU-"}}],
     "required": true}

- ``source``: a path, or a list of paths whose values go through the chain as one array (for
  concatenate: ``"source": ["first_name", "last_name"]``). Several ``[*]`` sources are zipped element by
  element, so ``["line_items[*].sku", "line_items[*].title"]`` + concatenate gives one text per line.
- ``value``: a constant instead of a source. A rule may also have neither when its first transform
  makes a value (``now``, ``default``, ``script``).
- ``target``: where the result goes in the output record. Missing values are not written.
- ``transforms``: an ordered chain, see `syncline.mapping.transforms`.
- ``required``: the record fails when the source is missing, null or blank (for ``[*]`` sources: in
  any element).
- ``description``: free text, ignored.

The output starts empty: only mapped fields are sent. With no rules the output is a copy of the record.
The payload script then receives the mapped record as ``$`` (and the source record as ``$source``)
and must return an object.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from syncline.mapping import dates
from syncline.mapping.errors import RecordError, RuleError
from syncline.mapping.filters import Clock, filter_errors, utc_now
from syncline.mapping.lookup import LookupTable
from syncline.mapping.paths import Path
from syncline.mapping.sandbox import RECORD_TIMEOUT_MS, Script, ScriptError, ScriptSyntaxError
from syncline.mapping.transforms import (
    REGISTRY,
    TEXT_FUNCTIONS,
    ArgError,
    Context,
    FunctionSpec,
    Op,
    RecordBudget,
)
from syncline.mapping.values import MISSING, is_empty, to_json, type_name

RULE_KEYS = ("source", "value", "target", "transforms", "required", "description")
TRANSFORM_KEYS = ("function", "args")
MAX_RULES = 1000
MAX_TRANSFORMS = 50


@dataclass(frozen=True)
class _Step:
    position: int
    name: str
    run: Op
    skip_empty: bool  # pass missing/null through without calling run


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ValueError) and str(exc) else f"{type(exc).__name__}: {exc}"


def _zip(values: list[Any], levels: int) -> Any:
    """[[a0, a1], [b0, b1]] -> [[a0, b0], [a1, b1]], `levels` deep; single values are repeated."""
    if levels == 0:
        return list(values)
    lengths = [len(v) for v in values if isinstance(v, list)]
    if not lengths:
        return list(values)
    return [
        _zip([(v[i] if i < len(v) else MISSING) if isinstance(v, list) else v for v in values], levels - 1)
        for i in range(max(lengths))
    ]


def _first_empty(value: Any, wildcards: int) -> str | None:
    """Where a required source is empty: '' for the whole value, ' in element 2' for an element."""
    if wildcards == 0 or not isinstance(value, list):
        return "" if is_empty(value) else None
    for number, item in enumerate(value):
        where = _first_empty(item, wildcards - 1)
        if where is not None:
            return f" in element {number}{where}"
    return None


class _Rule:
    __slots__ = (
        "index",
        "label",
        "sources",
        "multi",
        "levels",
        "constant",
        "target",
        "steps",
        "required",
        "reader",
        "put",
    )

    def __init__(
        self,
        index: int,
        sources: list[Path] | None,
        multi: bool,
        constant: Any,
        target: Path,
        steps: list[_Step],
        required: bool,
    ) -> None:
        self.index = index
        self.label = f"mappings[{index}]"
        self.sources = sources
        self.multi = multi
        self.levels = max((p.wildcards for p in sources), default=0) if sources else 0
        self.constant = constant
        self.target = target
        self.steps = steps
        self.required = required
        self.put = target.put
        self.reader: Callable[[dict[str, Any]], Any] = self.read
        if sources is not None and not multi and not required:
            self.reader = sources[0].get

    def read(self, record: dict[str, Any]) -> Any:
        sources = self.sources
        if sources is None:
            return self.constant
        if not self.multi:
            value = sources[0].get(record)
            if self.required:
                self._check(sources[0], value)
            return value
        values = [path.get(record) for path in sources]
        if self.required:
            for path, value in zip(sources, values, strict=True):
                self._check(path, value)
        return _zip(values, self.levels)

    def _check(self, path: Path, value: Any) -> None:
        where = _first_empty(value, path.wildcards)
        if where is not None:
            raise RecordError(self.label, f"required field {path.text!r} is missing{where}", self.target.text)

    def run(
        self, record: dict[str, Any], out: dict[str, Any], log: list[dict[str, Any]] | None = None
    ) -> Any:
        value = self.reader(record)
        for step in self.steps:
            if step.skip_empty and (value is None or value is MISSING):
                continue
            try:
                value = step.run(value, record)
            except Exception as exc:  # a record must fail with a reason, never stop the batch
                raise self._fail(step, exc) from exc
            if log is not None:
                log.append({"function": step.name, "value": to_json(value)})
        if value is not MISSING:
            try:
                self.put(out, value)
            except ValueError as exc:
                raise RecordError(self.label, str(exc), self.target.text) from None
        return value

    def _fail(self, step: _Step, exc: Exception) -> RecordError:
        reason = f"transforms[{step.position}] {step.name}: {_reason(exc)}"
        return RecordError(self.label, reason, self.target.text)


class CompiledMapping:
    """A service's mappings and payload script, compiled once and applied to many records.

    Thread-safe: apply keeps its state in locals, lookups are read-only, script budgets are per thread.
    """

    def __init__(self, rules: list[_Rule], script: Script | None, budget: RecordBudget) -> None:
        self._rules = rules
        self._runs = [rule.run for rule in rules]
        self._script = script
        self._budget = budget
        self._scripted = script is not None or any(
            step.name == "script" for rule in rules for step in rule.steps
        )

    @property
    def is_identity(self) -> bool:
        return not self._rules and self._script is None

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """The destination record; RecordError (naming the rule) when this record cannot be mapped."""
        if not isinstance(record, dict):
            raise RecordError("record", f"must be an object, got {type_name(record)}")
        if self._scripted:
            self._budget.deadline = time.perf_counter() + RECORD_TIMEOUT_MS / 1000
        if self._rules:
            out: dict[str, Any] = {}
            for run in self._runs:
                run(record, out)
        else:
            out = to_json(record)
        if self._script is not None:
            out = self._run_script(out, record)
        return out

    def _run_script(self, mapped: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        assert self._script is not None
        try:
            result = self._script.evaluate(mapped, {"source": record}, self._budget.deadline)
        except ScriptError as exc:
            raise RecordError("payload_script", str(exc)) from None
        if not isinstance(result, dict):
            raise RecordError("payload_script", f"must return an object, got {type_name(result)}")
        out: dict[str, Any] = to_json(result)
        return out

    def preview(self, record: dict[str, Any]) -> dict[str, Any]:
        """The output and a per-rule trace for a sample record. Errors are reported, not raised: every
        rule runs, and `output` holds what the rules that worked produced."""
        trace: list[dict[str, Any]] = []
        errors: list[str] = []
        if not isinstance(record, dict):
            error = f"record must be an object, got {type_name(record)}"
            return {"output": None, "trace": trace, "errors": [error], "ok": False}
        out: dict[str, Any] = {} if self._rules else to_json(record)
        if self._scripted:
            self._budget.deadline = time.perf_counter() + RECORD_TIMEOUT_MS / 1000
        for rule in self._rules:
            steps: list[dict[str, Any]] = []
            entry: dict[str, Any] = {"rule": rule.label, "target": rule.target.text, "source": None}
            try:
                entry["source"] = to_json(_read_quietly(rule, record))
                entry["value"] = to_json(rule.run(record, out, steps))
                entry["error"] = None
            except RecordError as exc:
                entry["value"] = None
                entry["error"] = exc.reason
                errors.append(str(exc))
            entry["steps"] = steps
            trace.append(entry)
        if self._script is not None:
            entry = {"rule": "payload_script", "target": None, "source": to_json(out), "steps": []}
            try:
                out = self._run_script(out, record)
                entry.update(value=out, error=None)
            except RecordError as exc:
                entry.update(value=None, error=exc.reason)
                errors.append(str(exc))
            trace.append(entry)
        return {"output": out, "trace": trace, "errors": errors, "ok": not errors}


def _read_quietly(rule: _Rule, record: dict[str, Any]) -> Any:
    if rule.sources is None:
        return rule.constant
    if not rule.multi:
        return rule.sources[0].get(record)
    return [path.get(record) for path in rule.sources]


def _arg_errors(spec: FunctionSpec, exc: ValidationError) -> list[tuple[str, str]]:
    names = ", ".join(field.alias or name for name, field in spec.args.model_fields.items()) or "none"
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for error in exc.errors():
        arg = str(error["loc"][0]) if error["loc"] else "args"
        if arg in seen:  # a union type reports once per member
            continue
        seen.add(arg)
        if error["type"] == "missing":
            found.append((arg, f"{spec.name} needs the argument {arg!r}"))
        elif error["type"] == "extra_forbidden":
            found.append((arg, f"{spec.name} has no argument {arg!r} (arguments: {names})"))
        else:
            message = error["msg"][:1].lower() + error["msg"][1:]
            found.append((arg, f"{spec.name}: {message}"))
    return found


def _apply_at(op: Op, spec: FunctionSpec, depth: int) -> tuple[Op, bool]:
    """Adapt an op to the shape of the value: each-functions reach every element `depth` levels down
    (missing and null elements pass through unless the function handles them); list-functions take the
    innermost arrays whole. Returns the op and whether the rule should skip it for a missing value."""
    run: Op
    if spec.kind == "list":

        def whole(value: Any, record: Any) -> Any:
            if not isinstance(value, list):
                value = [] if value is None or value is MISSING else [value]
            return op(value, record)

        run, levels = whole, max(depth - 1, 0)
    elif depth == 0:
        return op, not spec.handles_empty
    elif spec.handles_empty:
        run, levels = _each(op), depth - 1
    else:

        def one(value: Any, record: Any) -> Any:
            return value if value is None or value is MISSING else op(value, record)

        text = TEXT_FUNCTIONS.get(op)
        if text is None:

            def each(value: Any, record: Any) -> Any:
                if isinstance(value, list):
                    return [item if item is None or item is MISSING else op(item, record) for item in value]
                return one(value, record)

        else:

            def each(value: Any, record: Any) -> Any:  # text elements go straight to the str function
                if isinstance(value, list):
                    return [text(item) if type(item) is str else one(item, record) for item in value]
                return one(value, record)

        run, levels = each, depth - 1
    for _ in range(levels):
        run = _each(run)
    return run, False


def _each(inner: Op) -> Op:
    def mapped(value: Any, record: Any) -> Any:
        if isinstance(value, list):
            return [inner(item, record) for item in value]
        return inner(value, record)

    return mapped


def _new_depth(spec: FunctionSpec, args: Any, depth: int) -> int:
    if spec.reduces:
        return max(depth - 1, 0)
    if spec.expands is not None and spec.expands(args):
        return depth + 1
    return depth


class _Compiler:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.errors: list[RuleError] = []

    def bad(self, index: int | None, reason: str, field: str | None = None) -> None:
        self.errors.append(RuleError("mappings", index, reason, field))

    def rules(self, mappings: Any) -> list[_Rule]:
        if mappings is None:
            return []
        if not isinstance(mappings, list):
            self.bad(None, "must be a list of rules")
            return []
        if len(mappings) > MAX_RULES:
            self.bad(None, f"has {len(mappings)} rules; the limit is {MAX_RULES}")
            return []
        compiled = [self.rule(index, rule) for index, rule in enumerate(mappings)]
        return [rule for rule in compiled if rule is not None]

    def rule(self, index: int, rule: Any) -> _Rule | None:
        before = len(self.errors)
        if not isinstance(rule, dict):
            self.bad(index, "must be an object with a source (or value) and a target")
            return None
        for key in sorted(set(rule) - set(RULE_KEYS)):
            self.bad(index, f"unknown key {key!r} (keys: {', '.join(RULE_KEYS)})", key)
        target = self.path(index, rule.get("target"), "target")
        if target is not None:
            try:
                target.check_target()
            except ValueError as exc:
                self.bad(index, str(exc), "target")
        sources, multi, constant = None, False, rule.get("value", MISSING)
        if "source" in rule and "value" in rule:
            self.bad(index, "give either source or value, not both", "value")
        elif "source" in rule:
            raw = rule["source"]
            multi = isinstance(raw, list)
            texts = raw if multi else [raw]
            if multi and not raw:
                self.bad(index, "must be a field path or a non-empty list of paths", "source")
            found = [self.path(index, t, f"source[{n}]" if multi else "source") for n, t in enumerate(texts)]
            sources = [p for p in found if p is not None]
        transforms = rule.get("transforms", [])
        if not isinstance(transforms, list):
            self.bad(index, "must be a list of transforms", "transforms")
            transforms = []
        elif len(transforms) > MAX_TRANSFORMS:
            self.bad(index, f"has {len(transforms)} transforms; the limit is {MAX_TRANSFORMS}", "transforms")
        if "source" not in rule and "value" not in rule and not transforms:
            self.bad(index, "needs a source, a value or transforms that make a value", "source")
        required = rule.get("required", False)
        if not isinstance(required, bool):
            self.bad(index, "must be true or false", "required")
        elif required and "source" not in rule:
            self.bad(index, "only a rule with a source can be required", "required")
        if not isinstance(rule.get("description", ""), str):
            self.bad(index, "must be text", "description")
        depth = 0
        if sources:
            depth = max(p.wildcards for p in sources) + (1 if multi else 0)
        steps: list[_Step] = []
        for position, transform in enumerate(transforms):
            step, depth = self.transform(index, position, transform, depth)
            if step is not None:
                steps.append(step)
        if len(self.errors) > before or target is None:
            return None
        return _Rule(index, sources, multi, constant, target, steps, bool(required))

    def path(self, index: int, text: Any, field: str) -> Path | None:
        if not isinstance(text, str):
            self.bad(index, "must be a field path such as order.reference or line_items[*].sku", field)
            return None
        try:
            return Path(text)
        except ValueError as exc:
            self.bad(index, str(exc), field)
            return None

    def transform(self, index: int, position: int, transform: Any, depth: int) -> tuple[_Step | None, int]:
        where = f"transforms[{position}]"
        if not isinstance(transform, dict) or not isinstance(transform.get("function"), str):
            self.bad(index, 'must be an object like {"function": "upper"}', where)
            return None, depth
        for key in sorted(set(transform) - set(TRANSFORM_KEYS)):
            self.bad(index, f"unknown key {key!r} (keys: function, args)", f"{where}.{key}")
        name = transform["function"]
        spec = REGISTRY.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, REGISTRY, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.bad(index, f"unknown function {name!r}{hint}", where)
            return None, depth
        raw_args = transform.get("args", {})
        if not isinstance(raw_args, dict):
            self.bad(index, f"{name}: args must be an object", f"{where}.args")
            return None, depth
        try:
            args = spec.args.model_validate(raw_args)
        except ValidationError as exc:
            for arg, reason in _arg_errors(spec, exc):
                self.bad(index, reason, f"{where}.args.{arg}")
            return None, depth
        try:
            op = spec.build(args, self.ctx)
        except ArgError as exc:
            self.bad(index, f"{name}: {exc.reason}", f"{where}.args.{exc.arg}" if exc.arg else where)
            return None, depth
        run, skip_empty = _apply_at(op, spec, depth)
        return _Step(position, name, run, skip_empty), _new_depth(spec, args, depth)


def _compile(
    mappings: Any,
    payload_script: str | None,
    lookups: Mapping[str, LookupTable] | None,
    timezone: str,
    now: Clock | None,
) -> tuple[CompiledMapping | None, list[RuleError]]:
    try:
        tz = dates.zone(timezone)
    except ValueError as exc:
        return None, [RuleError("mappings", None, str(exc), "timezone")]
    budget = RecordBudget()
    compiler = _Compiler(Context(tz=tz, lookups=dict(lookups or {}), clock=now or utc_now, budget=budget))
    rules = compiler.rules(mappings)
    script = None
    if payload_script is not None and payload_script.strip():
        try:
            script = Script(payload_script, bindings=frozenset({"source"}))
        except ScriptSyntaxError as exc:
            compiler.errors.append(RuleError("payload_script", None, str(exc)))
    if compiler.errors:
        return None, compiler.errors
    return CompiledMapping(rules, script, budget), []


def compile_mapping(
    mappings: list[dict[str, Any]],
    payload_script: str | None = None,
    lookups: Mapping[str, LookupTable] | None = None,
    timezone: str = "UTC",
    now: Callable[[], datetime] | None = None,
) -> CompiledMapping:
    """Compile rules once (per batch). RuleError for the first problem; `validate_rules` lists them all.

    `now` is the clock for the now transform and time conditions (for tests).
    """
    compiled, errors = _compile(mappings, payload_script, lookups, timezone, now)
    if errors:
        raise errors[0]
    assert compiled is not None
    return compiled


def validate_rules(
    filters: Any,
    mappings: Any,
    payload_script: str | None,
    lookups: Mapping[str, LookupTable] | None = None,
    timezone: str = "UTC",
) -> list[RuleError]:
    """Every problem in a service's filters, mappings and payload script (empty when all can work)."""
    _, errors = filter_errors(filters, timezone)
    _, mapping_errors = _compile(mappings, payload_script, lookups, timezone, None)
    return errors + mapping_errors


def preview(
    record: dict[str, Any],
    filters: Any,
    mappings: Any,
    payload_script: str | None,
    lookups: Mapping[str, LookupTable] | None = None,
    timezone: str = "UTC",
) -> dict[str, Any]:
    """A service's rules tried on a sample record: `CompiledMapping.preview` plus `kept` (whether the
    filters let the record through; it is mapped either way). RuleError when the rules cannot compile."""
    keep, errors = filter_errors(filters, timezone)
    if errors:
        raise errors[0]
    result = compile_mapping(mappings, payload_script, lookups, timezone).preview(record)
    result["kept"] = isinstance(record, dict) and keep(record)
    return result
