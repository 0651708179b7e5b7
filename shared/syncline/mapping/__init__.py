"""Filters, field mappings, transforms, lookup tables and payload scripts.

The pipeline compiles a service's rules once per batch and applies them to each record::

    keep = compile_filters(service.filters, timezone)
    mapping = compile_mapping(service.mappings, service.payload_script, lookups, timezone)
    for record in records:
        if not keep(record):
            ...  # counted as filtered, not failed
        try:
            payload = mapping.apply(record)
        except RecordError as exc:
            ...  # this record fails with str(exc); the batch carries on

The API calls `validate_rules` when a service is saved (a 422 listing every RuleError) and
`preview` (or `CompiledMapping.preview`) to show the output and a per-rule trace for a sample record.
Rule shapes are documented in `filters` (rows and groups), `engine` (mapping rules) and
`transforms` (the function library; `catalog()` describes every function and its arguments).
"""

from syncline.mapping.engine import CompiledMapping, compile_mapping, preview, validate_rules
from syncline.mapping.errors import RecordError, RuleError
from syncline.mapping.filters import OPERATORS, compile_filters, first_dropping
from syncline.mapping.lookup import LookupTable
from syncline.mapping.sandbox import Script, ScriptError, ScriptSyntaxError
from syncline.mapping.transforms import REGISTRY, catalog

__all__ = [
    "OPERATORS",
    "REGISTRY",
    "CompiledMapping",
    "LookupTable",
    "RecordError",
    "RuleError",
    "Script",
    "ScriptError",
    "ScriptSyntaxError",
    "catalog",
    "compile_filters",
    "first_dropping",
    "compile_mapping",
    "preview",
    "validate_rules",
]
