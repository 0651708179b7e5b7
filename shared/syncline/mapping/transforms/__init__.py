"""Transform functions: a registry of named functions with typed arguments.

A transform is ``{"function": "pad", "args": {"length": 6, "character": "0"}}``. Arguments are
checked when rules are saved (unknown function, unknown or missing argument, wrong type, bad pattern,
unknown lookup table), so a chain that compiles only fails at run time on the data itself.

Most functions work on one value at a time ("each"): applied to a ``[*]`` source they run for every
element, and missing or null values pass through untouched (except default, if, now and script,
which are made for them). Array functions ("list": first, last, count, sum, filter, unique, join,
concatenate) work on a whole array: the innermost ``[*]`` level of the source, the list of sources of
a multi-source rule, or an array field read without ``[*]``.

`core` holds the registry and what every function is built with; each family of functions is a
module of its own, registered on import: `strings`, `numeric`, `datetimes`, `conversions`, `logic`,
`arrays`, `lookups` and `scripts`.
"""

# Each family registers its functions when imported, and the registry keeps that order (the
# catalog's order): keep these imports in this order.
# isort: off
from syncline.mapping.transforms import strings, numeric, datetimes, conversions, logic  # noqa: F401
from syncline.mapping.transforms import arrays, lookups, scripts  # noqa: F401

# isort: on
from syncline.mapping.transforms.core import (
    REGISTRY,
    ArgError,
    Args,
    Context,
    FunctionSpec,
    NoArgs,
    Op,
    RecordBudget,
    catalog,
    function,
)
from syncline.mapping.transforms.strings import TEXT_FUNCTIONS

__all__ = [
    "REGISTRY",
    "TEXT_FUNCTIONS",
    "ArgError",
    "Args",
    "Context",
    "FunctionSpec",
    "NoArgs",
    "Op",
    "RecordBudget",
    "catalog",
    "function",
]
