"""Validate a workflow configuration against its JSON schema, with readable errors.

The configuration's concerns live in three modules: this one (the error, the
size limits, :func:`validate_config`), :mod:`colourquant.config_schema` (the
schema with the registries' facts, strict validation, the messages) and
:mod:`colourquant.image_sheet` (the images: lists, sheets, folders, patterns).
Their public names are all importable from here too.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from ._validation import echo
from .config_schema import (
    MAX_K,
    coerce,
    describe,
    fill_defaults,
    first_error,
    schema_with_registries,
)

__all__ = [
    "ConfigError",
    "MAX_K",
    "check_config_size",
    "validate_config",
    "schema_with_registries",
    "choose_reference",
]


class ConfigError(ValueError):
    """A configuration that cannot be run; the message names the key."""


#: Most values (list items, mapping keys and values, scalars) a configuration
#: may hold once its YAML aliases are expanded: a list of 10,000 images inline
#: holds about 30,000; an alias bomb of 557 bytes, hundreds of millions.
MAX_CONFIG_VALUES = 200_000
#: Most characters all the configuration's strings may hold, aliases expanded.
MAX_CONFIG_TEXT = 10_000_000


def check_config_size(
    config: Mapping, max_values: int = MAX_CONFIG_VALUES, max_text: int = MAX_CONFIG_TEXT
) -> None:
    """Refuse a configuration too large once its YAML aliases are expanded.

    YAML aliases load as shared references, so a file of a few hundred bytes
    can nest a list within itself nine times over and still load at once;
    whatever visits every item (validation, an error message's echo of the
    value, a copy) then expands it to billions. The walk here visits each
    item as often as it is referenced, and stops at the limit: it takes at
    most `max_values` steps, also for a list that holds itself.

    Parameters
    ----------
    config : Mapping
        The configuration as loaded.
    max_values : int
        Most values (container items, keys and scalars) allowed.
    max_text : int
        Most characters of all strings together.

    Raises
    ------
    ConfigError
        Naming the top-level key that went over a limit.

    Examples
    --------
    >>> bomb = [1] * 10
    >>> for _ in range(8):
    ...     bomb = [bomb] * 10
    >>> check_config_size({"k_values": bomb})
    Traceback (most recent call last):
    ...
    colourquant.config.ConfigError: config key 'k_values' holds more than 200,000 values once its YAML aliases (*name) are expanded; a configuration needs far fewer (list many images in a sheet)
    """  # noqa: E501
    values = text = 0
    for key, value in config.items():
        stack = [key, value]
        while stack:
            item = stack.pop()
            values += 1
            if values > max_values:
                raise ConfigError(
                    f"config key {echo(str(key))} holds more than {max_values:,} values once "
                    "its YAML aliases (*name) are expanded; a configuration needs far fewer "
                    "(list many images in a sheet)"
                )
            if isinstance(item, (str, bytes)):
                text += len(item)
                if text > max_text:
                    raise ConfigError(
                        f"config key {echo(str(key))} holds more than {max_text:,} characters "
                        "of text once its YAML aliases (*name) are expanded; a configuration "
                        "needs far fewer"
                    )
            elif isinstance(item, Mapping):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, (list, tuple, set, frozenset)):
                stack.extend(item)


def validate_config(config: dict, schema: dict) -> dict:
    """Check a configuration against the schema and fill in defaults.

    Parameters
    ----------
    config : dict
        The configuration as loaded (it is not modified).
    schema : dict
        A JSON schema whose properties carry ``default`` values.

    Returns
    -------
    dict
        A copy of `config` with every missing key set to its default.

    Raises
    ------
    ConfigError
        For the first problem found, naming the key and what is allowed; also
        for a configuration too large once its YAML aliases are expanded
        (`check_config_size`). No value is echoed beyond 200 characters.
    """
    check_config_size(config)
    schema = schema_with_registries(schema)
    filled = fill_defaults(coerce(copy.deepcopy(dict(config)), schema), schema)
    error = first_error(filled, schema)
    if error is not None:
        raise ConfigError(describe(error))
    if isinstance(filled["images"], list):
        from .image_sheet import check_unique_names

        check_unique_names(filled["images"], "config key 'images'")
    _check_methods_reach_k(filled)
    # What the jobs will check again (fit.seed + fit.replicates, say), checked now.
    from .settings import FitSettings

    FitSettings.from_config(filled["fit"])
    return filled


def _check_methods_reach_k(config: dict) -> None:
    """Refuse a method whose optional package is missing, or a k it cannot build."""
    from .methods import check_methods

    problem = check_methods(config["methods"], config["k_values"])
    if problem is not None:
        key = "methods" if "optional package" in problem else "k_values"
        raise ConfigError(f"config key {key!r}: {problem}")


def choose_reference(reference: str | None, spaces: Sequence[str]) -> str:
    """The reference space: the configured one, else RGB if swept, else the first space.

    Raises
    ------
    ConfigError
        If a configured reference is not among the swept spaces.
    """
    if reference is None:
        return "RGB" if "RGB" in spaces else spaces[0]
    if reference not in spaces:
        raise ConfigError(
            f"config key 'study.reference': {echo(reference)} is not among colour_spaces "
            f"({', '.join(spaces)})"
        )
    return reference


def __getattr__(name):
    # The image sheet's public names (image_table, read_image_sheet, image_set,
    # check_image_name...), importable from here as before: on first use, since
    # colourquant.image_sheet raises this module's ConfigError.
    from . import image_sheet

    if name in image_sheet.__all__:
        return getattr(image_sheet, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
