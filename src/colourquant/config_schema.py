"""The config schema: the registries' facts filled in, strict validation, readable messages.

The schema file (``workflow/schemas/config.schema.yaml``) describes every key;
:func:`schema_with_registries` adds what lives in the package's registries
(method and colour space names, the fit settings' defaults and ranges).
:func:`first_error` validates with JSON Schema, where an integer has no
decimal point and a number is finite, and :func:`describe` says what is wrong
in one sentence naming the key. :func:`coerce` and :func:`fill_defaults`
prepare a configuration for it.
"""

from __future__ import annotations

import copy
import math
import numbers

from ._validation import echo

__all__ = [
    "MAX_K",
    "schema_with_registries",
    "first_error",
    "problem",
    "describe",
    "coerce",
    "fill_defaults",
]

#: Largest k: the number of distinct 8-bit RGB colours, more than any image holds.
MAX_K = 2**24


def schema_with_registries(schema: dict) -> dict:
    """`schema` with the registries' facts filled in: method and space names, fit defaults.

    The schema file lists no method, colour space or dithering and gives no
    fit setting a default or a range: :data:`colourquant.methods.METHODS`,
    :data:`colourquant.spaces.SPACES`, :data:`colourquant.dither.DITHERS` and
    :class:`colourquant.settings.FitSettings` are their only home.

    >>> filled = schema_with_registries({"properties": {}})["properties"]
    >>> filled["methods"]["items"]["enum"][:3]
    ['kmeans', 'minibatch_kmeans', 'bisecting_kmeans']
    >>> filled["fit"]["properties"]["n_init"]
    {'default': 10, 'minimum': 1, 'maximum': 1000}
    """
    from .dither import DITHERS
    from .methods import method_names
    from .settings import fit_defaults, fit_schema
    from .spaces import SPACES

    schema = copy.deepcopy(schema)
    properties = schema.setdefault("properties", {})
    registries = (
        ("methods", method_names()),
        ("colour_spaces", list(SPACES)),
        ("dither", list(DITHERS)),
    )
    for key, names in registries:
        items = properties.setdefault(key, {}).setdefault("items", {})
        items["enum"] = names
    fit = properties.setdefault("fit", {})
    fit["properties"] = fit_schema(fit.get("properties") or {key: {} for key in fit_defaults()})
    return schema


def _key_path(path) -> str:
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def _strict_integer(checker, instance) -> bool:
    # JSON Schema calls 2.0 an integer; a k or a seed of 2.0 would then reach
    # the jobs as a float (and name folders k2.0).
    return isinstance(instance, numbers.Integral) and not isinstance(instance, bool)


def _finite_number(checker, instance) -> bool:
    # YAML's .nan passes every minimum and maximum; .inf means no limit at all.
    return (
        isinstance(instance, numbers.Real)
        and not isinstance(instance, bool)
        and math.isfinite(instance)
    )


def _validator(schema: dict):
    """A JSON Schema validator for `schema` where an integer has no decimal point
    and a number is finite."""
    import jsonschema

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine("integer", _strict_integer).redefine(
        "number", _finite_number
    )
    return jsonschema.validators.extend(base, type_checker=checker)(schema)


def first_error(instance, schema: dict):
    """The most relevant problem of `instance` under `schema`, or None.

    Examples
    --------
    >>> schema = {"properties": {"k_values": {"items": {"type": "integer"}}}}
    >>> first_error({"k_values": [2.0]}, schema).message
    "2.0 is not of type 'integer'"
    >>> first_error({"k_values": [2]}, schema) is None
    True
    """
    import jsonschema

    return jsonschema.exceptions.best_match(_validator(schema).iter_errors(instance))


def _whole(value) -> bool:
    return isinstance(value, float) and value.is_integer()


def problem(error) -> str:
    """What is wrong with the value `error` is about, echoing it at most 200 characters.

    Examples
    --------
    >>> schema = {"properties": {"k_values": {"items": {"type": "integer"}}}}
    >>> problem(first_error({"k_values": [2.0]}, schema))
    "2.0 is not of type 'integer'; write 2, without a decimal point"
    """
    value, schema = error.instance, error.schema
    last = error.absolute_path[-1] if error.absolute_path else None
    if error.validator == "maxLength" and last in ("name", "experiment"):
        return (
            f"name {echo(value)} is {len(value)} characters long; at most "
            f"{schema['maxLength']} (it becomes a file or directory name)"
        )
    if error.validator == "type" and isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not allowed; give a finite number"
    if error.validator == "type" and schema.get("type") == "integer" and _whole(value):
        return f"{value!r} is not of type 'integer'; write {int(value)}, without a decimal point"
    # jsonschema's own message starts with the value's whole repr; echo it cut.
    message = error.message
    if not isinstance(value, (bool, float, type(None))):
        shown = repr(value)
        if len(shown) > 200 and message.startswith(shown):
            message = echo(value) + message[len(shown) :]
    return message


def describe(error) -> str:
    """One sentence naming the key and what it allows.

    Examples
    --------
    >>> schema = {"properties": {"k_values": {"items": {"type": "integer"}}}}
    >>> describe(first_error({"k_values": [2.0]}, schema))
    "config key 'k_values[0]': 2.0 is not of type 'integer'; write 2, without a decimal point"
    """
    key = echo(_key_path(error.absolute_path))
    schema = error.schema
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        unknown = ", ".join(sorted(set(error.instance) - set(schema.get("properties", {}))))
        where = "" if key == "'(top level)'" else f" under {key}"
        return f"unknown config key {echo(unknown)}{where}; allowed keys: {allowed}"
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in schema["enum"])
        return f"config key {key}: {echo(error.instance)} is not allowed; allowed: {allowed}"
    if error.validator == "contains":
        required = schema["contains"]["const"]
        return f"config key {key} must include {required!r}; got {echo(error.instance)}"
    if error.validator == "oneOf" and key == "'images'" and isinstance(error.instance, list):
        # A list: say what is wrong with it as a list of entries.
        entry_error = first_error(error.instance, schema["oneOf"][1])
        if entry_error is not None:
            entry_error.path.appendleft("images")
            return describe(entry_error)
    if error.validator == "oneOf" and key == "'images'":
        return (
            "config key 'images' must be a list of {name, source} entries, the path of a "
            f".tsv/.csv sheet, a folder or a glob pattern; got {echo(error.instance)}"
        )
    if error.validator == "pattern" and key.endswith(".name'"):
        return (
            f"config key {key}: image name {echo(error.instance)} may contain only letters, "
            "digits, '_' and '-' (it becomes a directory name)"
        )
    if error.validator == "maximum" and key.startswith("'k_values["):
        return (
            f"config key {key}: k = {echo(error.instance)} is above {MAX_K:,} (2**24), the "
            "number of distinct 8-bit RGB colours: no image holds more"
        )
    description = schema.get("description", "")
    hint = f" ({description.strip()})" if description and len(description) < 120 else ""
    return f"config key {key}: {problem(error)}{hint}"


# YAML 1.1's words for booleans, which the config file itself accepts.
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def coerce(value, schema: dict):
    """Convert strings to the schema's number or boolean type where they parse as one.

    Snakemake's ``--config KEY=VALUE`` reads values with YAML's base loader,
    so ``--config k_values=[2,4]`` arrives as ``['2', '4']`` and
    ``--config 'fit={mode: sample}'`` as text.

    Examples
    --------
    >>> schema = {"properties": {"k_values": {"items": {"type": "integer"}}}}
    >>> coerce({"k_values": ["2", "4"]}, schema)
    {'k_values': [2, 4]}
    """
    kind = schema.get("type")
    if isinstance(value, str) and kind in ("integer", "number"):
        try:
            return int(value) if kind == "integer" else float(value)
        except ValueError:
            return value
    if isinstance(value, str) and kind == "boolean":
        return _BOOLEANS.get(value.strip().lower(), value)
    if isinstance(value, list) and "items" in schema:
        return [coerce(item, schema["items"]) for item in value]
    if isinstance(value, dict) and "properties" in schema:
        return {key: coerce(item, schema["properties"].get(key, {})) for key, item in value.items()}
    return value


def fill_defaults(config: dict, schema: dict) -> dict:
    """`config` with every key the schema gives a default filled in, nested objects too.

    Examples
    --------
    >>> fit = {"type": "object", "default": {}, "properties": {"seed": {"default": 0}}}
    >>> fill_defaults({"k_values": [2]}, {"properties": {"fit": fit}})
    {'k_values': [2], 'fit': {'seed': 0}}
    """
    for key, subschema in schema.get("properties", {}).items():
        if key not in config and "default" in subschema:
            config[key] = copy.deepcopy(subschema["default"])
        if isinstance(config.get(key), dict) and subschema.get("type") == "object":
            fill_defaults(config[key], subschema)
    return config
