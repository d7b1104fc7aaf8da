"""Validate a workflow configuration against its JSON schema, with readable errors."""

from __future__ import annotations

import copy
import csv
import re
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "ConfigError",
    "validate_config",
    "read_image_sheet",
    "image_set",
    "image_table",
    "choose_reference",
]


class ConfigError(ValueError):
    """A configuration that cannot be run; the message names the key."""


def _key_path(path) -> str:
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def _describe(error) -> str:
    """One sentence naming the key and what it allows."""
    key = _key_path(error.absolute_path)
    schema = error.schema
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        unknown = ", ".join(sorted(set(error.instance) - set(schema.get("properties", {}))))
        where = "" if key == "(top level)" else f" under {key!r}"
        return f"unknown config key {unknown!r}{where}; allowed keys: {allowed}"
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in schema["enum"])
        return f"config key {key!r}: {error.instance!r} is not allowed; allowed: {allowed}"
    if error.validator == "contains":
        required = schema["contains"]["const"]
        return f"config key {key!r} must include {required!r}; got {error.instance!r}"
    if error.validator == "oneOf" and key == "images" and isinstance(error.instance, list):
        # A list: say what is wrong with it as a list of entries.
        import jsonschema

        entry_error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(schema["oneOf"][1]).iter_errors(error.instance)
        )
        if entry_error is not None:
            entry_error.path.appendleft("images")
            return _describe(entry_error)
    if error.validator == "oneOf" and key == "images":
        return (
            "config key 'images' must be a list of {name, source} entries, the path of a "
            f".tsv/.csv sheet, a folder or a glob pattern; got {error.instance!r}"
        )
    if error.validator == "pattern" and key.endswith(".name"):
        return (
            f"config key {key!r}: image name {error.instance!r} may contain only letters, "
            "digits, '_' and '-' (it becomes a directory name)"
        )
    description = schema.get("description", "")
    hint = f" ({description.strip()})" if description and len(description) < 120 else ""
    return f"config key {key!r}: {error.message}{hint}"


# YAML 1.1's words for booleans, which the config file itself accepts.
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _coerce(value, schema: dict):
    """Convert strings to the schema's number or boolean type where they parse as one.

    Snakemake's ``--config KEY=VALUE`` reads values with YAML's base loader,
    so ``--config k_values=[2,4]`` arrives as ``['2', '4']`` and
    ``--config 'fit={mode: sample}'`` as text.
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
        return [_coerce(item, schema["items"]) for item in value]
    if isinstance(value, dict) and "properties" in schema:
        return {
            key: _coerce(item, schema["properties"].get(key, {})) for key, item in value.items()
        }
    return value


def _fill_defaults(config: dict, schema: dict) -> dict:
    for key, subschema in schema.get("properties", {}).items():
        if key not in config and "default" in subschema:
            config[key] = copy.deepcopy(subschema["default"])
        if isinstance(config.get(key), dict) and subschema.get("type") == "object":
            _fill_defaults(config[key], subschema)
    return config


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
        For the first problem found, naming the key and what is allowed.
    """
    import jsonschema

    schema = schema_with_registries(schema)
    filled = _fill_defaults(_coerce(copy.deepcopy(dict(config)), schema), schema)
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(filled))
    if error is not None:
        raise ConfigError(_describe(error))
    if isinstance(filled["images"], list):
        _check_unique_names(filled["images"], "config key 'images'")
    _check_methods_reach_k(filled)
    return filled


def schema_with_registries(schema: dict) -> dict:
    """`schema` with the names of the registered methods and colour spaces as its enums.

    The schema file lists neither: :data:`colourquant.methods.METHODS` and
    :data:`colourquant.spaces.SPACES` are their only home.

    >>> names = schema_with_registries({"properties": {}})["properties"]["methods"]["items"]["enum"]
    >>> names[:3]
    ['kmeans', 'minibatch_kmeans', 'bisecting_kmeans']
    """
    from .methods import method_names
    from .spaces import SPACES

    schema = copy.deepcopy(schema)
    properties = schema.setdefault("properties", {})
    for key, names in (("methods", method_names()), ("colour_spaces", list(SPACES))):
        items = properties.setdefault(key, {}).setdefault("items", {})
        items["enum"] = names
    return schema


def _check_methods_reach_k(config: dict) -> None:
    """Refuse a method whose optional package is missing, or a k it cannot build."""
    from .methods import check_methods

    problem = check_methods(config["methods"], config["k_values"])
    if problem is not None:
        key = "methods" if "optional package" in problem else "k_values"
        raise ConfigError(f"config key {key!r}: {problem}")


def _check_unique_names(entries: list[dict], where: str) -> None:
    seen = set()
    for entry in entries:
        if entry["name"] in seen:
            raise ConfigError(f"{where}: image name {entry['name']!r} is used more than once")
        seen.add(entry["name"])


def read_image_sheet(path: str | Path, schema: dict) -> list[dict]:
    """Read an image sheet (TSV or CSV with columns ``name``, ``source``, optional ``sha256``).

    Each row is validated against the schema of one entry of ``images``.

    Raises
    ------
    ConfigError
        If the sheet is missing, lacks a column, or a row is invalid.
    """
    import jsonschema

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config key 'images': image sheet {str(path)!r} does not exist")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    # utf-8-sig: spreadsheet programs (Excel's "CSV UTF-8") start the file
    # with a byte-order mark, which would otherwise join the first column's name.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=delimiter))
    if not rows:
        raise ConfigError(f"image sheet {str(path)!r} lists no images")
    missing = {"name", "source"} - set(rows[0])
    if missing:
        raise ConfigError(
            f"image sheet {str(path)!r} lacks column(s) {', '.join(sorted(missing))}; "
            "it needs columns 'name' and 'source'"
        )
    entry_schema = schema["properties"]["images"]["oneOf"][1]["items"]
    entries = []
    for line, row in enumerate(rows, start=2):
        entry = {key: value.strip() for key, value in row.items() if key and value}
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(entry_schema).iter_errors(entry)
        )
        if error is not None:
            raise ConfigError(f"image sheet {str(path)!r}, line {line}: {error.message}")
        entries.append(entry)
    _check_unique_names(entries, f"image sheet {str(path)!r}")
    return entries


# File name extensions taken as images in a folder or a glob pattern (any
# format Pillow decodes can still be listed by path).
IMAGE_SUFFIXES = frozenset(
    ".png .jpg .jpeg .tif .tiff .bmp .gif .webp .ppm .pgm .pnm .tga .jp2".split()
)


def _image_name(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", path.stem) or "_"


def image_set(pattern: str) -> list[dict]:
    """Image entries of a folder (its image files) or a glob pattern, named by file name.

    Names are file names without extension, other characters than letters,
    digits, ``_`` and ``-`` made ``_``; where two files would share a name, both
    get their extension appended (``photo_jpg``, ``photo_png``).

    Raises
    ------
    ConfigError
        If nothing matches, or two files still share a name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("my cat.jpg", "dog.png", "dog.JPG", "notes.txt"):
    ...     _ = (folder / name).write_bytes(b"")
    >>> [entry["name"] for entry in image_set(str(folder))]
    ['dog_JPG', 'dog_png', 'my_cat']
    """
    import glob

    if Path(pattern).is_dir():
        paths = [path for path in Path(pattern).iterdir() if path.is_file()]
        where = f"folder {pattern!r}"
    elif glob.has_magic(pattern):
        paths = [Path(path) for path in glob.glob(pattern, recursive=True)]
        paths = [path for path in paths if path.is_file()]
        where = f"pattern {pattern!r}"
    else:
        raise ConfigError(
            f"config key 'images': {pattern!r} is neither an image sheet (.tsv or .csv), "
            "a folder nor a glob pattern"
        )
    paths = sorted(path for path in paths if path.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise ConfigError(
            f"config key 'images': {where} matches no image files "
            f"({', '.join(sorted(IMAGE_SUFFIXES))})"
        )
    stems = [_image_name(path) for path in paths]
    names = [
        f"{stem}_{_image_name(Path(path.suffix[1:]))}" if stems.count(stem) > 1 else stem
        for stem, path in zip(stems, paths, strict=True)
    ]
    by_name: dict[str, Path] = {}
    for name, path in zip(names, paths, strict=True):
        if name in by_name:
            raise ConfigError(
                f"config key 'images': {str(by_name[name])!r} and {str(path)!r} both become "
                f"image name {name!r}; rename one, or list the images in a sheet with "
                "names of your own"
            )
        by_name[name] = path
    return [{"name": name, "source": str(path)} for name, path in sorted(by_name.items())]


def image_table(config: dict, schema: dict) -> dict[str, dict]:
    """The validated images of a configuration, keyed by name, in config order.

    Raises
    ------
    ConfigError
        Also if a ``skimage:`` source names no scikit-image sample image or
        has a ``sha256`` (scikit-image checks its own files), or a source is
        a URL of another scheme than http(s) (``file://``, ``ftp://``...).
    """
    from .downloads import check_source_scheme
    from .images import SAMPLE_PREFIX, ImageError, check_sample_name

    images = config["images"]
    if isinstance(images, list):
        entries = images
    elif Path(images).suffix.lower() in (".tsv", ".csv"):
        entries = read_image_sheet(images, schema)
    else:
        entries = image_set(images)
    for entry in entries:
        source, name = entry["source"], entry["name"]
        try:
            check_source_scheme(source, name=name)
            if source.startswith(SAMPLE_PREFIX):
                check_sample_name(source.removeprefix(SAMPLE_PREFIX), name=name)
        except ImageError as error:
            raise ConfigError(f"config key 'images': {error}") from None
        if source.startswith(SAMPLE_PREFIX) and entry.get("sha256"):
            raise ConfigError(
                f"config key 'images': image {name!r}: sha256 is checked for files and "
                f"downloads, not for {source!r} (scikit-image checks its sample files "
                "itself); remove it"
            )
    return {entry["name"]: dict(entry) for entry in entries}


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
            f"config key 'study.reference': {reference!r} is not among colour_spaces "
            f"({', '.join(spaces)})"
        )
    return reference
