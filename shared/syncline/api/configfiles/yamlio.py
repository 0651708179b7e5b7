"""YAML for the configuration files (PyYAML, which only report_api's `config` layer and the CLI's
extras carry: imported by nothing else).

Read: YAML 1.2's plain scalars (`true`/`false` only; no dates, no octal or base-60 numbers: `no`,
`2025-01-31`, `017` and `12:30` stay text), one document, no anchors, aliases, merge keys or tags,
no repeated keys, and the line of every field. Written: every string either YAML 1.1 or 1.2 would
read as something else quoted, multi-line text as a literal block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """Plain scalars as YAML 1.2's core schema reads them."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float", "timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))

_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class YamlProblem(Exception):
    def __init__(self, line: int | None, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.line, self.path, self.message = line, path, message


def load_yaml(text: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """The document's value and the line of every field in it. YamlProblem for YAML that is not
    plain data (several documents, anchors, aliases, merge keys, tags, repeated keys)."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.composer.ComposerError as exc:  # an alias to nothing, or a second document
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise YamlProblem(line, (), "one YAML document per file, without aliases") from None
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise YamlProblem(line, (), f"not valid YAML ({exc.problem})") from None
        if node is None:
            return None, {}
        lines: dict[tuple[str | int, ...], int] = {}
        return _value(loader, node, (), lines, set()), lines
    finally:
        loader.dispose()


def _value(
    loader: _Loader,
    node: yaml.Node,
    path: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    seen: set[int],
) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen or getattr(node, "anchor", None):
        raise YamlProblem(line, path, "anchors and aliases are not supported: write the value out")
    seen.add(id(node))
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise YamlProblem(line, path, "tags are not supported")
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_node.start_mark.line + 1, path, "merge keys (<<) are not supported")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise YamlProblem(key_node.start_mark.line + 1, path, "keys must be plain text")
            key = loader.construct_object(key_node)
            child = (*path, key if isinstance(key, str) else str(key))
            if key in out:
                raise YamlProblem(key_node.start_mark.line + 1, child, "this key is given twice")
            lines[child] = key_node.start_mark.line + 1
            out[key] = _value(loader, value_node, child, lines, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise YamlProblem(line, path, "tags are not supported")
        return [_value(loader, item, (*path, n), lines, seen) for n, item in enumerate(node.value)]
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem(line, path, "tags are not supported")
    return loader.construct_object(node)


class _Dumper(yaml.SafeDumper):
    """Quotes every string that either YAML 1.1 or 1.2 would read as something else."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


# Characters YAML reads as line breaks or drops: only a double-quoted scalar keeps them (escaped).
_ESCAPED = re.compile("[\r\x85\u2028\u2029\ufeff]")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _ESCAPED.search(value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(value: Mapping[str, Any]) -> str:
    return yaml.dump(
        dict(value), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
