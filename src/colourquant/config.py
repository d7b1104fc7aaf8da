"""Validate a workflow configuration against its JSON schema, with readable errors."""

from __future__ import annotations

import codecs
import copy
import csv
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ._validation import echo

__all__ = [
    "ConfigError",
    "check_config_size",
    "check_image_name",
    "validate_config",
    "read_image_sheet",
    "image_set",
    "image_table",
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
#: Longest experiment or image name: each becomes a file or directory name
#: (at most 255 bytes on common file systems, with suffixes such as ``.log``).
MAX_NAME_LENGTH = 100
#: Largest k: the number of distinct 8-bit RGB colours, more than any image holds.
MAX_K = 2**24
#: Snakemake refuses a wildcard value ending in a piece repeated this many
#: times or more (``PeriodicWildcardError``: it suspects an endless recursion);
#: image names are wildcard values.
PERIODIC_REPEATS = 20


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


def periodic_suffix(name: str, repeats: int = PERIODIC_REPEATS) -> tuple[str, int] | None:
    """The piece `name` ends in, repeated `repeats` times or more, and how often; else None.

    Snakemake refuses such a wildcard value (``PeriodicWildcardError``).

    Examples
    --------
    >>> periodic_suffix("scan_" + "0" * 25)
    ('0', 25)
    >>> periodic_suffix("ab" * 20)
    ('ab', 20)
    >>> periodic_suffix("photo_" + "0" * 19) is None
    True
    """
    found = re.search(rf"(.+?)\1{{{repeats - 1},}}$", name)
    if found is None:
        return None
    piece = found.group(1)
    return piece, (len(name) - found.start()) // len(piece)


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


def _first_error(instance, schema: dict):
    """The most relevant problem of `instance` under `schema`, or None."""
    import jsonschema

    return jsonschema.exceptions.best_match(_validator(schema).iter_errors(instance))


def _whole(value) -> bool:
    return isinstance(value, float) and value.is_integer()


def _problem(error) -> str:
    """What is wrong with the value `error` is about, echoing it at most 200 characters."""
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


def _describe(error) -> str:
    """One sentence naming the key and what it allows."""
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
        entry_error = _first_error(error.instance, schema["oneOf"][1])
        if entry_error is not None:
            entry_error.path.appendleft("images")
            return _describe(entry_error)
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
    return f"config key {key}: {_problem(error)}{hint}"


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
        For the first problem found, naming the key and what is allowed; also
        for a configuration too large once its YAML aliases are expanded
        (`check_config_size`). No value is echoed beyond 200 characters.
    """
    check_config_size(config)
    schema = schema_with_registries(schema)
    filled = _fill_defaults(_coerce(copy.deepcopy(dict(config)), schema), schema)
    error = _first_error(filled, schema)
    if error is not None:
        raise ConfigError(_describe(error))
    if isinstance(filled["images"], list):
        _check_unique_names(filled["images"], "config key 'images'")
    _check_methods_reach_k(filled)
    # What the jobs will check again (fit.seed + fit.replicates, say), checked now.
    from .settings import FitSettings

    FitSettings.from_config(filled["fit"])
    return filled


def schema_with_registries(schema: dict) -> dict:
    """`schema` with the registries' facts filled in: method and space names, fit defaults.

    The schema file lists no method or colour space and gives no fit setting
    a default or a range: :data:`colourquant.methods.METHODS`,
    :data:`colourquant.spaces.SPACES` and :class:`colourquant.settings.FitSettings`
    are their only home.

    >>> filled = schema_with_registries({"properties": {}})["properties"]
    >>> filled["methods"]["items"]["enum"][:3]
    ['kmeans', 'minibatch_kmeans', 'bisecting_kmeans']
    >>> filled["fit"]["properties"]["n_init"]
    {'default': 10, 'minimum': 1, 'maximum': 1000}
    """
    from .methods import method_names
    from .settings import fit_defaults, fit_schema
    from .spaces import SPACES

    schema = copy.deepcopy(schema)
    properties = schema.setdefault("properties", {})
    for key, names in (("methods", method_names()), ("colour_spaces", list(SPACES))):
        items = properties.setdefault(key, {}).setdefault("items", {})
        items["enum"] = names
    fit = properties.setdefault("fit", {})
    fit["properties"] = fit_schema(fit.get("properties") or {key: {} for key in fit_defaults()})
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
            raise ConfigError(f"{where}: image name {echo(entry['name'])} is used more than once")
        seen.add(entry["name"])


def _sheet_text(path: Path) -> str:
    """The text of an image sheet: UTF-8, with or without a byte-order mark, or UTF-16
    with one (Excel's "Unicode Text"); any other encoding is refused rather than guessed."""
    data = path.read_bytes()
    where = f"config key 'images': image sheet {echo(str(path))}"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ConfigError(
                f"{where} starts like UTF-16 text but is not; save it as UTF-8 "
                '(in Excel: "CSV UTF-8")'
            ) from None
    # utf-8-sig: spreadsheet programs (Excel's "CSV UTF-8") start the file
    # with a byte-order mark, which would otherwise join the first column's name.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{where} is not UTF-8 text (byte {data[error.start]:#04x} on line {line}; "
            'Excel\'s plain "CSV" is Windows-1252): save it as UTF-8 (in Excel: "CSV UTF-8")'
        ) from None


def read_image_sheet(path: str | Path, schema: dict) -> list[dict]:
    """Read an image sheet (TSV or CSV with columns ``name``, ``source``, optional ``sha256``).

    Each row is validated against the schema of one entry of ``images``. The
    sheet is UTF-8 text (a byte-order mark is allowed), or UTF-16 text that
    starts with a byte-order mark.

    Raises
    ------
    ConfigError
        If the sheet is missing, is in another encoding, lacks a column, or a
        row is invalid.
    """
    import io

    path = Path(path)
    shown = echo(str(path))
    if not path.is_file():
        raise ConfigError(f"config key 'images': image sheet {shown} does not exist")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(_sheet_text(path), newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        line = reader.reader.line_num  # the line being read (DictReader's is the last row's)
        raise ConfigError(f"image sheet {shown}, line {line}: {error}") from None
    if not rows:
        raise ConfigError(f"image sheet {shown} lists no images")
    missing = {"name", "source"} - set(rows[0])
    if missing:
        raise ConfigError(
            f"image sheet {shown} lacks column(s) {', '.join(sorted(missing))}; "
            "it needs columns 'name' and 'source'"
        )
    entry_schema = schema["properties"]["images"]["oneOf"][1]["items"]
    entries = []
    for line, row in enumerate(rows, start=2):
        entry = {
            key: value.strip()
            for key, value in row.items()
            if isinstance(key, str) and key and isinstance(value, str) and value
        }
        error = _first_error(entry, entry_schema)
        if error is not None:
            raise ConfigError(f"image sheet {shown}, line {line}: {_problem(error)}")
        entries.append(entry)
    _check_unique_names(entries, f"image sheet {shown}")
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
        where = f"folder {echo(pattern)}"
    elif glob.has_magic(pattern):
        paths = [Path(path) for path in glob.glob(pattern, recursive=True)]
        paths = [path for path in paths if path.is_file()]
        where = f"pattern {echo(pattern)}"
    else:
        raise ConfigError(
            f"config key 'images': {echo(pattern)} is neither an image sheet (.tsv or .csv), "
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
                f"config key 'images': {echo(str(by_name[name]))} and {echo(str(path))} both "
                f"become image name {echo(name)}; rename one, or list the images in a sheet with "
                "names of your own"
            )
        by_name[name] = path
    return [{"name": name, "source": str(path)} for name, path in sorted(by_name.items())]


def check_image_name(name: str, source: str) -> None:
    """Refuse an image name that cannot become a path component or a Snakemake wildcard.

    Names from a folder or a glob pattern are made from file names, so they
    are checked here as well as by the schema; and Snakemake refuses a
    wildcard value ending in a piece repeated 20 times or more.

    Raises
    ------
    ConfigError
        If `name` is longer than `MAX_NAME_LENGTH` or ends in such a repetition.

    Examples
    --------
    >>> check_image_name("scan_" + "0" * 20, "scans/1.png")
    Traceback (most recent call last):
    ...
    colourquant.config.ConfigError: config key 'images': image name 'scan_00000000000000000000' (source 'scans/1.png') ends in '0' repeated 20 times, which Snakemake refuses in a wildcard (PeriodicWildcardError: it takes it for an endless recursion); repeat it fewer than 20 times
    """  # noqa: E501
    where = f"config key 'images': image name {echo(name)} (source {echo(source)})"
    if len(name) > MAX_NAME_LENGTH:
        raise ConfigError(
            f"{where} is {len(name)} characters long; at most {MAX_NAME_LENGTH} (it becomes "
            "a file or directory name): rename the file, or list it in a sheet with a "
            "name of your own"
        )
    periodic = periodic_suffix(name)
    if periodic is not None:
        piece, times = periodic
        raise ConfigError(
            f"{where} ends in {piece!r} repeated {times} times, which Snakemake refuses in a "
            "wildcard (PeriodicWildcardError: it takes it for an endless recursion); "
            f"repeat it fewer than {PERIODIC_REPEATS} times"
        )


def image_table(config: dict, schema: dict) -> dict[str, dict]:
    """The validated images of a configuration, keyed by name, in config order.

    Raises
    ------
    ConfigError
        Also if a name is too long or ends in a long repetition
        (`check_image_name`), if a ``skimage:`` source names no scikit-image
        sample image or has a ``sha256`` (scikit-image checks its own files),
        or a source is a URL of another scheme than http(s) (``file://``,
        ``ftp://``...).
    """
    from .downloads import check_source_scheme
    from .images import SAMPLE_PREFIX, ImageError, check_sample_name

    images = config["images"]
    try:
        if isinstance(images, list):
            entries = images
        elif Path(images).suffix.lower() in (".tsv", ".csv"):
            entries = read_image_sheet(images, schema)
        else:
            entries = image_set(images)
    except OSError as error:  # a name too long for a path, a sheet one may not read...
        raise ConfigError(
            f"config key 'images': cannot read {echo(images)}: {error.strerror or error}"
        ) from None
    for entry in entries:
        source, name = entry["source"], entry["name"]
        check_image_name(name, source)
        try:
            check_source_scheme(source, name=name)
            if source.startswith(SAMPLE_PREFIX):
                check_sample_name(source.removeprefix(SAMPLE_PREFIX), name=name)
        except ImageError as error:
            raise ConfigError(f"config key 'images': {error}") from None
        if source.startswith(SAMPLE_PREFIX) and entry.get("sha256"):
            raise ConfigError(
                f"config key 'images': image {echo(name)}: sha256 is checked for files and "
                f"downloads, not for {echo(source)} (scikit-image checks its sample files "
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
            f"config key 'study.reference': {echo(reference)} is not among colour_spaces "
            f"({', '.join(spaces)})"
        )
    return reference
