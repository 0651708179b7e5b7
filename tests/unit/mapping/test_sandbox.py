"""The JSONata sandbox: no I/O functions, bounded time, depth and size, thread-safe."""

from __future__ import annotations

import threading
import time

import pytest
from jsonata import Jsonata

from syncline.mapping import sandbox
from syncline.mapping.sandbox import Script, ScriptError, ScriptSyntaxError, check_regex

# Every function JSONata offers here: pure computations on values. A new built-in (say $readFile or
# $fetch in a future jsonata-python) makes this test fail until someone decides it is safe.
PURE_BUILTINS = {
    "abs", "append", "assert", "average", "base64decode", "base64encode", "boolean", "ceil", "clone",
    "contains", "count", "decodeUrl", "decodeUrlComponent", "distinct", "each", "encodeUrl",
    "encodeUrlComponent", "error", "exists", "filter", "floor", "formatBase", "formatInteger",
    "formatNumber", "fromMillis", "join", "keys", "length", "lookup", "lowercase", "map", "match", "max",
    "merge", "millis", "min", "not", "now", "number", "pad", "parseInteger", "power", "random", "reduce",
    "replace", "reverse", "round", "shuffle", "sift", "single", "sort", "split", "spread", "sqrt",
    "string", "substring", "substringAfter", "substringBefore", "sum", "toMillis", "trim", "type",
    "uppercase", "zip",
}  # fmt: skip


def test_only_pure_builtins_are_available() -> None:
    assert set(Jsonata.static_frame.bindings) == PURE_BUILTINS | {"eval"}
    assert sandbox.BUILTINS == PURE_BUILTINS


@pytest.mark.parametrize("name", ["readFile", "fetch", "exec", "system", "open", "import", "httpGet"])
def test_io_style_functions_do_not_exist(name: str) -> None:
    with pytest.raises(ScriptSyntaxError, match=rf"\${name} is not a known function"):
        Script(f'${name}("/etc/passwd")')


def test_eval_is_refused_directly_and_through_a_variable() -> None:
    with pytest.raises(ScriptSyntaxError, match=r"\$eval is not allowed"):
        Script('$eval("1 + 1")')
    indirect = Script('($f := $eval; $f("1 + 1"))')
    with pytest.raises(ScriptError, match=r"\$eval is not allowed"):
        indirect.evaluate({})


def test_syntax_errors_name_the_position() -> None:
    with pytest.raises(ScriptSyntaxError, match=r"position 11: Expected \)"):
        Script("$uppercase(")


def test_user_functions_parameters_and_bindings_are_known() -> None:
    script = Script(
        "($twice := function($n, $f) { $f($f($n)) }; $twice(a, function($x) { $x * 2 }) + $source.b)",
        bindings=frozenset({"source"}),
    )
    assert script.evaluate({"a": 3}, {"source": {"b": 1}}) == 13
    with pytest.raises(ScriptSyntaxError, match=r"\$source is not a known function"):
        Script("$source(1)")


def test_an_infinite_loop_is_stopped_by_the_time_budget() -> None:
    script = Script("($f := function($n) { $f($n + 1) }; $f(0))", timeout_ms=50)
    start = time.perf_counter()
    with pytest.raises(ScriptError, match="ran longer than 50 ms"):
        script.evaluate({})
    assert time.perf_counter() - start < 2


def test_runaway_recursion_is_stopped_by_the_depth_limit() -> None:
    script = Script("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))", max_depth=100)
    with pytest.raises(ScriptError, match="deeper than 100 levels"):
        script.evaluate({})
    assert Script("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5))").evaluate({}) == 5


def test_the_time_budget_is_per_evaluation_not_since_compile() -> None:
    # jsonata-python's own timeout counts from compile time; a reused script must not expire.
    script = Script("$sum([1..100])", timeout_ms=30)
    time.sleep(0.05)
    assert script.evaluate({}) == 5050
    assert script.evaluate({}) == 5050


def test_a_failed_evaluation_does_not_poison_the_next() -> None:
    script = Script("x > 0 ? x : ($f := function($n) { $f($n + 1) }; $f(0))", timeout_ms=30)
    with pytest.raises(ScriptError):
        script.evaluate({"x": 0})
    assert script.evaluate({"x": 2}) == 2


def test_a_deadline_shortens_the_budget() -> None:
    script = Script("($f := function($n) { $f($n + 1) }; $f(0))", timeout_ms=5000)
    start = time.perf_counter()
    with pytest.raises(ScriptError, match="time budget"):
        script.evaluate({}, deadline=time.perf_counter() + 0.03)
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ('$pad("x", 100000000)', r"\$pad result would be 100000000 characters"),
        (
            '($f := function($s, $n) { $n = 0 ? $s : $f($s & $s, $n - 1) }; $f("abcdefgh", 40))',
            "built a text",
        ),
        ("$count([1..9999999])", r"built \d+ items, over the limit of 100000"),
        ('($s := $pad("x", 900000); $join([1..1000].($s)))', r"\$join result would be"),
        ('$replace($pad("x", 2000, "x"), "x", $pad("y", 1000, "y"))', r"\$replace result would be"),
        ("($a := [1..300]; $string($a.[$a, $a]))", r"\$string result would be over"),
    ],
)
def test_memory_is_bounded(expression: str, reason: str) -> None:
    with pytest.raises(ScriptError, match=reason):
        Script(expression).evaluate({})


def test_output_size_is_bounded() -> None:
    script = Script('$pad("", 500, "x")', max_output_bytes=100)
    with pytest.raises(ScriptError, match="larger than 100 bytes"):
        script.evaluate({})
    assert len(Script('$pad("", 50, "x")', max_output_bytes=100).evaluate({})) == 50


def test_regexes_that_backtrack_for_ever_are_refused() -> None:
    with pytest.raises(ScriptSyntaxError, match="nests repeats"):
        Script("$match(s, /(a+)+$/)")
    with pytest.raises(ValueError, match="nests repeats"):
        check_regex(r"^(\w+\s?)*$")
    assert check_regex(r"^[A-Z]{2}-\d+$").match("GB-12")
    assert Script("$contains(s, /^ab+c$/i)").evaluate({"s": "ABBC"}) is True


def test_runtime_errors_are_script_errors() -> None:
    with pytest.raises(ScriptError, match="boom"):
        Script('$error("boom")').evaluate({})
    with pytest.raises(ScriptError):
        Script("$sum(a)").evaluate({"a": ["x"]})


def test_now_is_the_time_of_this_evaluation() -> None:
    first = Script("$millis()")
    Script("1")  # creating another expression must not change which one $millis() reads
    before = int(time.time() * 1000)
    assert first.evaluate({}) >= before


def test_scripts_are_thread_safe() -> None:
    # $$ reads the input from the evaluation frame: shared frames would mix up records between threads.
    script = Script('{"id": id, "slow": $sum([1..2000]), "double": $$.id * 2}', timeout_ms=5000)
    failures: list[str] = []

    def work(offset: int) -> None:
        for n in range(offset, offset + 60):
            result = script.evaluate({"id": n})
            if result != {"id": n, "double": n * 2, "slow": 2001000}:
                failures.append(f"{n}: {result}")

    threads = [threading.Thread(target=work, args=(i * 1000,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
