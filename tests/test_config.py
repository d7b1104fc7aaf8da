import re
from pathlib import Path

import pytest
import yaml

from colourquant.config import ConfigError, image_table, schema_with_registries, validate_config
from conftest import REPO, SCHEMA

DEFAULT = yaml.safe_load((REPO / "config/config.yaml").read_text())


def test_default_config_is_valid_and_complete():
    config = validate_config(DEFAULT, SCHEMA)
    assert [entry["name"] for entry in config["images"]] == [
        "astronaut",
        "coffee",
        "chelsea",
        "rocket",
    ]
    assert config["colour_spaces"] == ["RGB", "Lab", "HSV", "HSL"]
    assert config["k_values"] == [2, 3, 4, 5, 6, 8, 10, 12, 16]
    assert config["fit"]["mode"] == "exact"


def test_missing_keys_get_schema_defaults():
    config = validate_config({"k_values": [3], "fit": {"seed": 7}}, SCHEMA)
    assert config["colour_spaces"] == SCHEMA["properties"]["colour_spaces"]["default"]
    assert config["fit"] == {
        "seed": 7,
        "mode": "exact",
        "sample_fraction": 0.05,
        "grid_cells": 24,
        "max_seed_pixels": 65536,
        "n_init": 10,
        "max_iter": 300,
        "tol": 0.0001,
        "replicates": 1,
    }


def test_every_schema_key_has_description_and_default():
    def walk(properties, prefix=""):
        for key, subschema in properties.items():
            assert "description" in subschema, f"{prefix}{key} has no description"
            assert "default" in subschema, f"{prefix}{key} has no default"
            if subschema.get("type") == "object":
                walk(subschema.get("properties", {}), f"{prefix}{key}.")

    # The fit settings' defaults come from FitSettings, filled in at load time.
    walk(schema_with_registries(SCHEMA)["properties"])


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"colours": ["RGB"]},
            "unknown config key 'colours'; allowed keys: colour_spaces, dither, download_max_mb, "
            "download_timeout, experiment, fit",
        ),
        (
            {"colour_spaces": ["RGB", "Lab2"]},
            "'colour_spaces[1]': 'Lab2' is not allowed; allowed: RGB",
        ),
        ({"k_values": [0, 2]}, "'k_values[0]': 0 is less than the minimum of 1"),
        ({"k_values": [2.5]}, "'k_values[0]': 2.5 is not of type 'integer'"),
        ({"k_values": [2, 2]}, "'k_values': [2, 2] has non-unique elements"),
        ({"k_values": []}, "'k_values'"),
        ({"fit": {"mode": "fast"}}, "'fit.mode': 'fast' is not allowed; allowed: exact, sample"),
        ({"fit": {"speed": 1}}, "unknown config key 'speed' under 'fit'"),
        ({"fit": {"sample_fraction": 1.5}}, "'fit.sample_fraction'"),
        ({"fit": {"max_seed_pixels": 100}}, "'fit.max_seed_pixels': 100 is less than the minimum"),
        ({"fit": {"grid_cells": 1}}, "'fit.grid_cells': 1 is less than the minimum of 2"),
        ({"fit": {"seed": "x"}}, "'fit.seed': 'x' is not of type 'integer'"),
        ({"fit": {"seed": 2**32 - 1}}, "'fit.seed': 4294967295 is greater than the maximum"),
        ({"fit": {"replicates": "x"}}, "'fit.replicates': 'x' is not of type 'integer'"),
        ({"fit": {"seed_noise": True}}, "unknown config key 'seed_noise' under 'fit'"),
        ({"images": []}, "'images'"),
        ({"download_timeout": 0}, "'download_timeout': 0 is less than or equal to the minimum"),
        ({"download_max_mb": 0}, "'download_max_mb': 0 is less than or equal to the minimum"),
        ({"download_max_mb": "1 GB"}, "'download_max_mb': '1 GB' is not of type 'number'"),
        ({"images": [{"name": "../up", "source": "x.png"}]}, "image name '../up' may contain only"),
        ({"images": [{"name": "a/b", "source": "x.png"}]}, "image name 'a/b' may contain only"),
        (
            {"images": [{"name": "a", "source": "x.png"}, {"name": "a", "source": "y.png"}]},
            "image name 'a' is used more than once",
        ),
        ({"images": {"a": "x.png"}}, "config key 'images' must be a list"),
        ({"images": [{"name": "a", "src": "x.png"}]}, "unknown config key 'src' under 'images[0]'"),
        ({"images": [{"name": "a"}]}, "config key 'images[0]': 'source' is a required property"),
        (
            {"dither": ["none", "atkinson"]},
            "config key 'dither[1]': 'atkinson' is not allowed; allowed: none, floyd_steinberg, "
            "ordered",
        ),
        ({"dither": "floyd_steinberg"}, "config key 'dither': 'floyd_steinberg' is not of type"),
        ({"dither": []}, "config key 'dither': [] should be non-empty"),
        ({"dither": ["ordered", "ordered"]}, "'dither': ['ordered', 'ordered'] has non-unique"),
    ],
)
def test_invalid_config_names_the_key(change, expected):
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, **change}, SCHEMA)
    assert expected in str(error.value)


def test_image_sheet(tmp_path: Path):
    sheet = tmp_path / "images.tsv"
    sheet.write_text("name\tsource\ncat\tskimage:chelsea\nmine\tdata/mine.jpg\n")
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    assert image_table(config, SCHEMA) == {
        "cat": {"name": "cat", "source": "skimage:chelsea"},
        "mine": {"name": "mine", "source": "data/mine.jpg"},
    }


def test_sheet_saved_by_a_spreadsheet_program_with_a_byte_order_mark(tmp_path: Path):
    # Excel's "CSV UTF-8" starts the file with a UTF-8 byte-order mark.
    sheet = tmp_path / "images.csv"
    sheet.write_text(
        "name,source,sha256\ncafé,data/café.jpg,\nmine,data/mine.jpg,\n", encoding="utf-8-sig"
    )
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbfname,")
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    with pytest.raises(ConfigError, match="line 2"):  # é is no letter of a name
        image_table(config, SCHEMA)
    sheet.write_text("name,source\ncafe,data/café.jpg\n", encoding="utf-8-sig")
    assert image_table(config, SCHEMA) == {"cafe": {"name": "cafe", "source": "data/café.jpg"}}


@pytest.mark.parametrize(
    ("source", "scheme"),
    [("file:///home/me/photo.png", "file"), ("ftp://example.org/photo.png", "ftp")],
)
def test_urls_other_than_http_are_refused_with_the_config(source, scheme):
    config = validate_config({**DEFAULT, "images": [{"name": "a", "source": source}]}, SCHEMA)
    with pytest.raises(ConfigError) as error:
        image_table(config, SCHEMA)
    assert str(error.value) == (
        f"config key 'images': image 'a': source {source!r} is an {scheme}:// URL; only "
        "http:// and https:// URLs are downloaded (a local file is given by its path, "
        "without file://)"
    )


def test_a_checksum_on_a_sample_image_is_refused_rather_than_ignored():
    images = [{"name": "a", "source": "skimage:chelsea", "sha256": "0" * 64}]
    config = validate_config({**DEFAULT, "images": images}, SCHEMA)
    with pytest.raises(ConfigError, match="image 'a': sha256 is checked for files and downloads"):
        image_table(config, SCHEMA)


def test_unknown_sample_image_is_refused_with_the_config():
    config = validate_config(
        {**DEFAULT, "images": [{"name": "a", "source": "skimage:nosuch"}]}, SCHEMA
    )
    with pytest.raises(ConfigError) as error:
        image_table(config, SCHEMA)
    assert str(error.value) == (
        "config key 'images': image 'a': scikit-image has no sample image 'skimage:nosuch'"
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name,path\na,b.png\n", "lacks column(s) source"),
        ("name,source\na/b,b.png\n", "line 2"),
        ("name,source\na,b.png\na,c.png\n", "'a' is used more than once"),
        ("name,source\n", "lists no images"),
    ],
)
def test_bad_image_sheet(tmp_path: Path, text, expected):
    sheet = tmp_path / "images.csv"
    sheet.write_text(text)
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    with pytest.raises(ConfigError, match="images.csv") as error:
        image_table(config, SCHEMA)
    assert expected in str(error.value)


@pytest.mark.parametrize(("text", "value"), [("false", False), ("No", False), ("true", True)])
def test_command_line_strings_are_converted_to_booleans(text, value):
    # What `--config 'flag=false'` delivers, for a boolean key.
    from colourquant.config_schema import coerce as _coerce

    schema = {"type": "object", "properties": {"flag": {"type": "boolean", "default": True}}}
    assert _coerce({"flag": text}, schema)["flag"] is value


def test_image_sheet_extension_in_capitals(tmp_path: Path):
    sheet = tmp_path / "IMAGES.TSV"
    sheet.write_text("name\tsource\ncat\tskimage:chelsea\n")
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    assert image_table(config, SCHEMA) == {"cat": {"name": "cat", "source": "skimage:chelsea"}}


def test_command_line_strings_are_converted_to_numbers():
    # What `--config k_values=[2,4] fit={seed: 3, sample_fraction: 0.1}` delivers.
    config = validate_config(
        {**DEFAULT, "k_values": ["2", "4"], "fit": {"seed": "3", "sample_fraction": "0.1"}},
        SCHEMA,
    )
    assert config["k_values"] == [2, 4]
    assert config["fit"]["seed"] == 3
    assert config["fit"]["sample_fraction"] == 0.1
    with pytest.raises(ConfigError, match="'k_values\\[0\\]': '2.5' is not of type 'integer'"):
        validate_config({**DEFAULT, "k_values": ["2.5"]}, SCHEMA)


@pytest.mark.parametrize(
    "methods, names",
    [
        (["kmeans", "octree"], "octree builds"),
        (["kmeans", "median_cut", "wu"], "median_cut builds"),
        (["kmeans", "octree", "median_cut"], "median_cut and octree build"),
    ],
)
def test_pillow_quantizers_refuse_k_above_256(methods, names):
    with pytest.raises(ConfigError, match=f"'k_values': {names} at most 256 colours; got k = 257"):
        validate_config({**DEFAULT, "k_values": [2, 257], "methods": methods}, SCHEMA)
    # k-means alone has no such limit, and 256 itself is allowed.
    assert max(validate_config({**DEFAULT, "k_values": [2, 257]}, SCHEMA)["k_values"]) == 257
    validate_config({**DEFAULT, "k_values": [2, 256], "methods": methods}, SCHEMA)


def test_images_from_a_folder_or_a_pattern(tmp_path: Path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("b c.jpg", "a.png", "a.JPG", "readme.txt", "x.tif"):
        (photos / name).write_bytes(b"")
    (photos / "sub").mkdir()
    (photos / "sub/deep.png").write_bytes(b"")
    config = validate_config({**DEFAULT, "images": str(photos)}, SCHEMA)
    table = image_table(config, SCHEMA)
    # File names made path-safe; two files named a get their extension; no text, no subfolder.
    assert list(table) == ["a_JPG", "a_png", "b_c", "x"]
    assert table["b_c"]["source"] == str(photos / "b c.jpg")
    config = validate_config({**DEFAULT, "images": f"{photos}/**/*.png"}, SCHEMA)
    assert list(image_table(config, SCHEMA)) == ["a", "deep"]


@pytest.mark.parametrize(
    "files, images, message",
    [
        (["a b.png", "a_b.png"], "{}", "both become image name 'a_b_png'"),
        (["notes.txt"], "{}", "matches no image files"),
        ([], "{}/*.png", "pattern '{}/*.png' matches no image files"),
        ([], "{}/images.txt", "is neither an image sheet (.tsv or .csv), a folder nor a glob"),
    ],
)
def test_image_sets_that_cannot_be_used(tmp_path: Path, files, images, message):
    for name in files:
        (tmp_path / name).write_bytes(b"")
    config = validate_config({**DEFAULT, "images": images.format(tmp_path)}, SCHEMA)
    with pytest.raises(ConfigError, match=re.escape(message.format(tmp_path))):
        image_table(config, SCHEMA)


@pytest.mark.parametrize("path", sorted((REPO / "config").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_config_is_valid(path):
    """The configs in config/ pass validation; one needing an absent extra says which."""
    import importlib.util

    config = yaml.safe_load(path.read_text())
    if "libimagequant" in config["methods"] and importlib.util.find_spec("imagequant") is None:
        with pytest.raises(ConfigError, match=r"pip install 'colourquant\[quantizers\]'"):
            validate_config(config, SCHEMA)
        return
    assert validate_config(config, SCHEMA)["methods"] == config.get("methods", ["kmeans"])


def alias_bomb(depth: int, key: str = "k_values") -> str:
    """A config file nesting YAML aliases `depth` times under `key`: 9**(depth + 1) values."""
    levels = ["&a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    levels += [f"&a{d} [{', '.join([f'*a{d - 1}'] * 9)}]" for d in range(1, depth + 1)]
    return f"{key}: [{', '.join(levels)}]\n"


@pytest.mark.parametrize("key", ["k_values", "images", "study"])
def test_an_alias_bomb_is_refused_quickly_in_one_short_line(key):
    # Issue #24: aliases nested under a valid key; at depth 6 (4.8 million
    # values) the message alone was 15 MB, deeper ones ran out of memory.
    import time
    import tracemalloc

    bomb = yaml.safe_load(alias_bomb(9, key))  # 3.5 billion values once expanded
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, **bomb}, SCHEMA)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(error.value) == (
        f"config key '{key}' holds more than 200,000 values once its YAML aliases (*name) "
        "are expanded; a configuration needs far fewer (list many images in a sheet)"
    )
    assert seconds < 5 and peak < 20 * 2**20


def test_a_list_that_holds_itself_is_refused():
    looped = yaml.safe_load("k_values: &a [2, *a]")
    assert looped["k_values"][1] is looped["k_values"]
    with pytest.raises(ConfigError, match="config key 'k_values' holds more than 200,000 values"):
        validate_config({**DEFAULT, **looped}, SCHEMA)


def test_aliases_repeating_a_long_text_are_refused_by_its_expanded_length():
    text = "x" * 100_000
    source = yaml.safe_load(f"s: &s {text}\nt: &t [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]")
    images = [{"name": f"i{n}", "source": source["t"]} for n in range(10)]  # 10 MB, 100 values
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, "images": images + images[:1]}, SCHEMA)
    assert str(error.value) == (
        "config key 'images' holds more than 10,000,000 characters of text once its YAML "
        "aliases (*name) are expanded; a configuration needs far fewer"
    )


def test_a_large_config_below_the_limits_is_accepted():
    images = [{"name": f"image{n}", "source": f"photos/{n}.png"} for n in range(20_000)]
    config = validate_config({**DEFAULT, "images": images}, SCHEMA)
    assert len(config["images"]) == 20_000


@pytest.mark.parametrize(
    "change, expected",
    [
        # A long value is echoed cut to 200 characters, wherever it stands.
        (
            {"colour_spaces": ["RGB", "L" * 10_000]},
            f"config key 'colour_spaces[1]': '{'L' * 198}… is not allowed; allowed: RGB, ",
        ),
        (
            {"k_values": [[2] * 10_000]},
            f"config key 'k_values[0]': [{'2, ' * 20}...] is not of type 'integer'",
        ),
        ({"images": "x" * 10_000}, f"config key 'images': cannot read '{'x' * 198}…: File name"),
        ({"images": "x" * 250}, f"config key 'images': '{'x' * 198}… is neither an image sheet"),
        ({"images": "x" * 300 + ".csv"}, f"config key 'images': cannot read '{'x' * 198}…: File"),
        (
            {"images": [{"name": "a/" * 5_000, "source": "x.png"}]},
            f"config key 'images[0].name': image name '{'a/' * 99}… may contain only letters",
        ),
        (
            {"methods": ["kmeans", "m" * 10_000]},
            f"config key 'methods[1]': '{'m' * 198}… is not allowed; allowed: kmeans, ",
        ),
        (
            {"images": [{"name": "a", "source": "ftp://" + "f" * 10_000}]},
            f"config key 'images': image 'a': source 'ftp://{'f' * 192}… is an ftp:// URL; only",
        ),
        (
            {"images": [{"name": "a", "source": "skimage:" + "s" * 10_000}]},
            f"config key 'images': image 'a': scikit-image has no sample image "
            f"'skimage:{'s' * 190}…",
        ),
        (
            {"study": {"reference": "R" * 10_000}},
            f"config key 'study.reference': '{'R' * 198}… is not among colour_spaces",
        ),
    ],
)
def test_long_values_are_echoed_cut_to_200_characters(change, expected):
    with pytest.raises(ConfigError) as error:
        config = validate_config({**DEFAULT, **change}, SCHEMA)
        image_table(config, SCHEMA)
        from colourquant.config import choose_reference

        choose_reference(config["study"]["reference"], config["colour_spaces"])
    assert str(error.value).startswith(expected)
    assert len(str(error.value)) < 500


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"k_values": [2.0, 4]}, "'k_values[0]': 2.0 is not of type 'integer'; write 2, without"),
        ({"fit": {"n_init": 10.0}}, "'fit.n_init': 10.0 is not of type 'integer'; write 10"),
        ({"fit": {"seed": 3.0}}, "'fit.seed': 3.0 is not of type 'integer'; write 3"),
        ({"fit": {"replicates": 1.0}}, "'fit.replicates': 1.0 is not of type 'integer'"),
        ({"fit": {"max_iter": 3e2}}, "'fit.max_iter': 300.0 is not of type 'integer'"),
        ({"fit": {"grid_cells": 24.0}}, "'fit.grid_cells': 24.0 is not of type 'integer'"),
        ({"fit": {"max_seed_pixels": 65536.0}}, "'fit.max_seed_pixels': 65536.0 is not of"),
        ({"fit": {"tol": float("nan")}}, "'fit.tol': nan is not allowed; give a finite number"),
        ({"download_timeout": float("inf")}, "'download_timeout': inf is not allowed; give a"),
        ({"fit": {"sample_fraction": float("nan")}}, "'fit.sample_fraction': nan is not allowed"),
    ],
)
def test_a_whole_float_or_a_non_finite_number_is_refused(change, expected):
    # JSON Schema calls 2.0 an integer: the jobs then got k = 2.0 and folders k2.0.
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, **change}, SCHEMA)
    assert f"config key {expected}" in str(error.value)


def test_every_integer_key_refuses_a_whole_float():
    def integer_keys(properties, prefix=""):
        for key, subschema in properties.items():
            if subschema.get("type") == "object":
                yield from integer_keys(subschema["properties"], f"{prefix}{key}.")
            elif (
                subschema.get("type") == "integer"
                or subschema.get("items", {}).get("type") == "integer"
            ):
                yield f"{prefix}{key}", subschema

    keys = dict(integer_keys(SCHEMA["properties"]))
    assert {"k_values", "fit.n_init", "fit.seed", "fit.replicates"} <= set(keys)
    for key, subschema in keys.items():
        default = float(subschema.get("minimum", 1))
        value = [default] if subschema["type"] == "array" else default
        section, _, name = key.rpartition(".")
        change = {section: {name: value}} if section else {name: value}
        with pytest.raises(ConfigError, match="is not of type 'integer'; write"):
            validate_config({**DEFAULT, **change}, SCHEMA)


def test_fit_settings_the_jobs_refuse_are_refused_with_the_config():
    # The schema allows each value alone; the quantize job refused the pair.
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, "fit": {"seed": 2**32 - 2, "replicates": 2}}, SCHEMA)
    assert str(error.value) == (
        "config key 'fit.seed' must be at most 4294967295 - fit.replicates; got 4294967294"
    )
    assert validate_config({**DEFAULT, "fit": {"seed": 2**32 - 3, "replicates": 2}}, SCHEMA)


def test_k_is_at_most_the_number_of_8_bit_colours():
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, "k_values": [2, 100000000000000000000]}, SCHEMA)
    assert str(error.value) == (
        "config key 'k_values[1]': k = 100000000000000000000 is above 16,777,216 (2**24), "
        "the number of distinct 8-bit RGB colours: no image holds more"
    )
    assert validate_config({**DEFAULT, "k_values": [2, 2**24]}, SCHEMA)["k_values"] == [2, 2**24]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"experiment": "e" * 101},
            f"config key 'experiment': name '{'e' * 101}' is 101 characters long; at most 100 "
            "(it becomes a file or directory name)",
        ),
        (
            {"images": [{"name": "i" * 300, "source": "x.png"}]},
            f"config key 'images[0].name': name '{'i' * 198}… is 300 characters long; at "
            "most 100 (it becomes a file or directory name)",
        ),
    ],
)
def test_names_longer_than_100_characters_are_refused(change, expected):
    with pytest.raises(ConfigError) as error:
        validate_config({**DEFAULT, **change}, SCHEMA)
    assert str(error.value) == expected
    # 100 characters are allowed.
    assert validate_config({**DEFAULT, "experiment": "e" * 100}, SCHEMA)["experiment"] == "e" * 100


@pytest.mark.parametrize(
    "name, piece, times",
    [("a" * 20, "a", 20), ("scan_" + "0" * 30, "0", 30), ("x" + "ab" * 25, "ab", 25)],
)
def test_names_ending_in_20_repeats_are_refused_before_snakemake_sees_them(name, piece, times):
    config = validate_config({**DEFAULT, "images": [{"name": name, "source": "x.png"}]}, SCHEMA)
    with pytest.raises(ConfigError) as error:
        image_table(config, SCHEMA)
    assert str(error.value) == (
        f"config key 'images': image name {name!r} (source 'x.png') ends in {piece!r} repeated "
        f"{times} times, which Snakemake refuses in a wildcard (PeriodicWildcardError: it "
        "takes it for an endless recursion); repeat it fewer than 20 times"
    )


def test_names_with_fewer_repeats_are_accepted():
    names = ["a" * 19, "scan_" + "0" * 19 + "1", "ab" * 19 + "a", "abcdefghij" * 10]
    config = validate_config(
        {**DEFAULT, "images": [{"name": name, "source": "x.png"} for name in names]}, SCHEMA
    )
    assert list(image_table(config, SCHEMA)) == names


def test_names_from_a_folder_or_a_sheet_are_held_to_the_same_limits(tmp_path: Path):
    (tmp_path / f"{'p' * 120}.png").write_bytes(b"")
    config = validate_config({**DEFAULT, "images": str(tmp_path)}, SCHEMA)
    with pytest.raises(ConfigError, match="is 120 characters long; at most 100 .* rename the"):
        image_table(config, SCHEMA)
    sheet = tmp_path / "images.csv"
    sheet.write_text(f"name,source\n{'q' * 101},x.png\n")
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    with pytest.raises(ConfigError) as error:
        image_table(config, SCHEMA)
    assert str(error.value) == (
        f"image sheet {str(sheet)!r}, line 2: name '{'q' * 101}' is 101 characters long; at "
        "most 100 (it becomes a file or directory name)"
    )


def test_a_windows_1252_sheet_is_refused_naming_the_sheet_and_the_encoding(tmp_path: Path):
    # Excel's plain "CSV" is Windows-1252: é is the single byte 0xe9.
    sheet = tmp_path / "images.csv"
    sheet.write_bytes("name,source\ncat,photos/chat.jpg\ncafe,photos/café.jpg\n".encode("cp1252"))
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    with pytest.raises(ConfigError) as error:
        image_table(config, SCHEMA)
    assert str(error.value) == (
        f"config key 'images': image sheet {str(sheet)!r} is not UTF-8 text (byte 0xe9 on "
        'line 3; Excel\'s plain "CSV" is Windows-1252): save it as UTF-8 (in Excel: '
        '"CSV UTF-8")'
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_sheet_with_a_byte_order_mark_is_read(tmp_path: Path, encoding):
    # Excel's "Unicode Text" is UTF-16 with a byte-order mark, tab-separated.
    import codecs

    sheet = tmp_path / "images.tsv"
    text = "name\tsource\ncafe\tphotos/café.jpg\n"
    bom = codecs.BOM_UTF16_BE if encoding.endswith("be") else b""
    sheet.write_bytes(bom + text.encode(encoding))
    assert sheet.read_bytes()[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    assert image_table(config, SCHEMA) == {"cafe": {"name": "cafe", "source": "photos/café.jpg"}}


def test_a_sheet_field_beyond_the_csv_limit_names_the_sheet_and_line(tmp_path: Path):
    sheet = tmp_path / "images.csv"
    sheet.write_text(f"name,source\ncat,x.png\ndog,{'y' * 200_000}.png\n")
    config = validate_config({**DEFAULT, "images": str(sheet)}, SCHEMA)
    with pytest.raises(ConfigError) as error:
        image_table(config, SCHEMA)
    assert str(error.value) == (
        f"image sheet {str(sheet)!r}, line 3: field larger than field limit (131072)"
    )
