import re
from pathlib import Path

import pytest
import yaml

from colourquant.config import ConfigError, image_table, validate_config
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
        "n_init": SCHEMA["properties"]["fit"]["properties"]["n_init"]["default"],
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

    walk(SCHEMA["properties"])


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"colours": ["RGB"]},
            "unknown config key 'colours'; allowed keys: colour_spaces, download_max_mb, "
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
    from colourquant.config import _coerce

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
