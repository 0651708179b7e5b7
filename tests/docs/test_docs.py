"""The documentation cannot drift from the code.

Every API route the docs mention (`POST /reports/resync`, `curl ... "$API/runs/..."`, the route
table of docs/api.md), every `syncline <command> [<sub>] [--option]`, and every transform a
`{"function": ...}` names must exist; the transform reference in docs/mappings.md must be what
`catalog()` generates today.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncline import error_catalog
from syncline.api.app import app
from syncline.cli import build_parser
from syncline.mapping import reference
from syncline.mapping.transforms import catalog

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", ROOT / "infra" / "README.md", *(ROOT / "docs").glob("*.md")])
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

Mention = tuple[str, str]  # (where: file:line, what)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _where(path: Path, text: str, offset: int) -> str:
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{name}:{text.count(chr(10), 0, offset) + 1}"


# ---------------------------------------------------------------- the real routes, commands, transforms


def real_routes() -> set[tuple[str, str]]:
    from syncline.inbound.http import ROUTES as INBOUND_ROUTES

    return {(r.method, r.openapi_path) for r in app._static_routes + app._dynamic_routes} | set(
        INBOUND_ROUTES
    )


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "/?")


ROUTE_PATTERNS = [(method, _pattern(path)) for method, path in sorted(real_routes())]


def route_exists(method: str, path: str) -> bool:
    return any(m == method and p.fullmatch(path) for m, p in ROUTE_PATTERNS)


# ---------------------------------------------------------------- what the docs mention

_METHOD_PATH = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\s+`?(/[^\s`\"'|,;)]*)")
_TABLE_ROW = re.compile(
    r"^\|\s*((?:GET|POST|PUT|PATCH|DELETE)(?:\s*,\s*(?:GET|POST|PUT|PATCH|DELETE))*)\s*\|([^|]*)\|"
)
_API_URL = re.compile(r"\$\{?API\}?/?([^\s\"'?#)`]*)")
_CURL_METHOD = re.compile(r"(?:-X|--request)\s+([A-Z]+)")


def _clean(path: str) -> str:
    path = path.split("?", 1)[0].rstrip(".:")
    return "/" + path.lstrip("/")


def _code_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines of fenced code blocks (backslash continuations joined), with their offsets."""
    inside = False
    offset = 0
    joined: list[str] = []
    start = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            inside = not inside
        elif inside:
            if not joined:
                start = offset
            stripped = line.rstrip("\n")
            if stripped.endswith("\\"):
                joined.append(stripped[:-1])
            else:
                joined.append(stripped)
                yield start, " ".join(joined)
                joined = []
        offset += len(line)


def _inline_spans(text: str) -> Iterator[tuple[int, str]]:
    outside = re.sub(r"```.*?```", lambda m: " " * len(m.group(0)), text, flags=re.S)
    for match in re.finditer(r"`([^`]+)`", outside):
        yield match.start(), match.group(1).replace("\n", " ")


def route_mentions(path: Path) -> Iterator[tuple[str, str, str]]:
    """(where, method, path) for every route the file mentions."""
    text = _text(path)
    for match in _METHOD_PATH.finditer(text):
        yield _where(path, text, match.start()), match.group(1), _clean(match.group(2))
    offset = 0
    for line in text.splitlines(keepends=True):  # api.md's table: | GET, PATCH | `/a/{id}`, `/b` |
        row = _TABLE_ROW.match(line)
        if row:
            methods = [m.strip() for m in row.group(1).split(",")]
            paths = re.findall(r"`(/[^`]*)`", row.group(2))
            for n, cell_path in enumerate(paths):
                if n and not route_exists(methods[0], cell_path) and "/" in paths[0].rstrip("/"):
                    # `/connectors/{id}/status`, `/status/history`: a suffix of the first path
                    cell_path = paths[0].rsplit("/", 1)[0] + cell_path
                for method in methods:
                    yield _where(path, text, offset), method, _clean(cell_path)
        offset += len(line)
    for start, line in [*_code_lines(text), *_inline_spans(text)]:
        for match in _API_URL.finditer(line):
            if not match.group(1) and "curl" not in line:  # `syncline smoke --api "$API"`: the base URL
                continue
            explicit = _CURL_METHOD.search(line)
            data = re.search(r"\s(-d|--data\S*)\s", line)
            method = explicit.group(1) if explicit else ("POST" if data else "GET")
            yield _where(path, text, start), method, _clean(match.group(1))


_COMMAND = re.compile(r"(?:^|[\s/])syncline\s+([a-z][\w-]*)((?:\s+[^\s#|;]+)*)")


def command_mentions(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(where, words) for every `syncline ...` command line in code spans and blocks."""
    text = _text(path)
    for start, snippet in [*_code_lines(text), *_inline_spans(text)]:
        for match in _COMMAND.finditer(snippet):
            words = [match.group(1), *match.group(2).split()]
            yield _where(path, text, start), words


def transform_mentions(path: Path) -> Iterator[tuple[str, str]]:
    text = _text(path)
    for match in re.finditer(r"\"function\"\s*:\s*\"([A-Za-z_]\w*)\"", text):
        yield _where(path, text, match.start()), match.group(1)


# ---------------------------------------------------------------- the checks


def unknown_routes(paths: list[Path]) -> list[str]:
    return [
        f"{where}: {method} {route}"
        for path in paths
        for where, method, route in route_mentions(path)
        if not route_exists(method, route)
    ]


def _subparsers(parser: object) -> dict[str, object]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: object) -> set[str]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    return {s for a in parser._actions for s in a.option_strings}


def unknown_commands(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        for where, words in command_mentions(path):
            parser: object = build_parser()
            used: list[str] = []
            for word in words:
                if word.startswith("-"):
                    option = word.split("=", 1)[0].strip("[]")
                    if option.startswith("--") and option not in _options(parser):
                        problems.append(f"{where}: syncline {' '.join(used)} has no option {option}")
                    continue
                choices = _subparsers(parser)
                if not choices:
                    continue  # an argument value
                if word not in choices:
                    problems.append(f"{where}: syncline {' '.join([*used, word])}: no such command")
                    break
                parser = choices[word]
                used.append(word)
    return problems


def unknown_transforms(paths: list[Path]) -> list[str]:
    names = {entry["name"] for entry in catalog()}
    return [
        f"{where}: transform {name!r}"
        for path in paths
        for where, name in transform_mentions(path)
        if name not in names
    ]


def test_the_docs_are_where_the_readme_says() -> None:
    readme = _text(ROOT / "README.md")
    for name in ("architecture", "connectors", "mappings", "troubleshooting", "api"):
        assert (ROOT / "docs" / f"{name}.md").is_file()
        assert f"(docs/{name}.md)" in readme, f"README.md does not link docs/{name}.md"


def test_every_documented_route_exists() -> None:
    mentioned = [m for path in DOCS for m in route_mentions(path)]
    assert len(mentioned) > 100  # the parser still finds the docs' routes
    problems = unknown_routes(DOCS)
    assert not problems, "documented routes the API does not have:\n" + "\n".join(problems)


def test_every_route_is_documented() -> None:
    documented = {(method, route) for path in DOCS for _, method, route in route_mentions(path)}
    missing = sorted(
        f"{method} {template}"
        for method, template in real_routes()
        if not any(m == method and _pattern(template).fullmatch(r) for m, r in documented)
    )
    assert not missing, "API routes no doc mentions (add them to docs/api.md):\n" + "\n".join(missing)


def test_every_documented_command_exists() -> None:
    mentioned = [m for path in DOCS for m in command_mentions(path)]
    assert {words[0] for _, words in mentioned} >= {"demo", "up", "keys", "migrate"}
    problems = unknown_commands(DOCS)
    assert not problems, "documented commands the CLI does not have:\n" + "\n".join(problems)


def test_every_documented_transform_exists() -> None:
    assert len([m for path in DOCS for m in transform_mentions(path)]) >= 10
    problems = unknown_transforms(DOCS)
    assert not problems, "documented transforms the catalog does not have:\n" + "\n".join(problems)


def test_the_transform_reference_is_generated_from_the_catalog() -> None:
    path = ROOT / "docs" / "mappings.md"
    current = _text(path)
    assert current == reference.splice(current, reference.render()), (
        "the transform reference in docs/mappings.md differs from catalog(); regenerate it: "
        + reference.REGENERATE
    )
    for entry in catalog():
        assert f"| `{entry['name']}` |" in current


def test_the_error_tables_are_generated_from_the_error_catalog() -> None:
    path = ROOT / "docs" / "errors.md"
    current = _text(path)
    assert current == error_catalog.splice(current, error_catalog.render()), (
        "the error tables in docs/errors.md differ from the error catalog; regenerate them: "
        + error_catalog.REGENERATE
    )
    for entry in error_catalog.ENTRIES:
        assert f"`{entry.code}`" in current


def test_the_config_schema_is_generated_from_the_models() -> None:
    from syncline.api.configfiles import schema

    path = ROOT / "docs" / "config.schema.json"
    assert _text(path) == schema.render(), (
        "docs/config.schema.json differs from the configuration files' models; regenerate it: "
        + schema.REGENERATE
    )
    assert "(docs/config.md)" in _text(ROOT / "README.md")


@pytest.mark.parametrize(
    ("bogus", "check"),
    [
        ('```sh\ncurl -s -X POST "$API/reports/rebuild" \\\n  -H "x-api-key: $KEY"\n```', unknown_routes),
        ('Then `curl -s "${API}report?status=Failed"`.', unknown_routes),
        ("Use `DELETE /runs/{run_id}` to forget a run.", unknown_routes),
        ("| GET, DELETE | `/dashboard` | the dashboard |", unknown_routes),
        ("```sh\nsyncline keys rotate --tenant acme\n```", unknown_commands),
        ("`syncline purge`", unknown_commands),
        ("`syncline migrate --force`", unknown_commands),
        ('{"function": "capitalize"}', unknown_transforms),
    ],
)
def test_a_bogus_mention_is_caught(tmp_path: Path, bogus: str, check: object) -> None:
    """The checks above would not pass by finding nothing: each kind of wrong mention is reported."""
    doc = tmp_path / "bogus.md"
    doc.write_text(f"# Bogus\n\n{bogus}\n", encoding="utf-8")
    assert callable(check)
    assert len(check([doc])) == 1
