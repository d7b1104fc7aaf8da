"""The one image-source loader: every kind of source through image_source and load_image_source,
and the config, the API and the workflow's input function reading sources through it."""

import hashlib

import numpy as np
import pytest
import skimage.data
from PIL import Image

from colourquant.api import read_image
from colourquant.config import ConfigError, image_table
from colourquant.images import ImageError
from colourquant.sources import ImageSource, image_source, load_image_source
from conftest import SCHEMA, noisy_photo, serve_folder


@pytest.fixture
def photo_file(tmp_path):
    """A PNG of a noisy photo in a folder of its own, and its pixels."""
    pixels = noisy_photo(seed=5)
    folder = tmp_path / "served"
    folder.mkdir()
    path = folder / "holiday photo.png"
    Image.fromarray(pixels).save(path)
    return path, pixels


def test_a_file_source_is_read_from_its_path_and_checked_against_its_sha256(photo_file):
    path, pixels = photo_file
    source = image_source(str(path))
    assert source == ImageSource("file", str(path), "holiday photo")
    assert source.file(download="unused") == str(path)
    np.testing.assert_array_equal(load_image_source(source).rgb, pixels)
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    checked = image_source(str(path), name="trip", sha256=checksum)
    np.testing.assert_array_equal(load_image_source(checked).rgb, pixels)
    wrong = image_source(str(path), name="trip", sha256="0" * 64)
    with pytest.raises(ImageError, match=r"^image 'trip': .*holiday photo\.png.*sha256"):
        load_image_source(wrong)


def test_a_sample_source_is_scikit_images_photo():
    source = image_source("skimage:coffee")
    assert (source.kind, source.name, source.sample) == ("sample", "coffee", "coffee")
    assert source.file(download="results/downloads/coffee") is None
    np.testing.assert_array_equal(load_image_source(source).rgb, skimage.data.coffee())


def test_a_url_source_is_downloaded_or_read_from_its_download(photo_file, tmp_path):
    path, pixels = photo_file
    with serve_folder(path.parent) as url:
        source = image_source(f"{url}/holiday%20photo.png")
        assert (source.kind, source.name) == ("url", "holiday photo")
        # The API's way: downloaded to a temporary file, then decoded.
        np.testing.assert_array_equal(load_image_source(source).rgb, pixels)
    # The workflow's way: its fetch_image job downloaded it already.
    download = tmp_path / "downloads" / "holiday"
    assert source.file(download=download) == str(download)
    download.parent.mkdir()
    download.write_bytes(path.read_bytes())
    np.testing.assert_array_equal(load_image_source(source, path=download).rgb, pixels)
    download.write_bytes(b"not an image")
    with pytest.raises(ImageError, match=rf"holiday%20photo\.png \(downloaded to {download}\)"):
        load_image_source(source, path=download)


@pytest.mark.parametrize(
    "text, options, message",
    [
        ("ftp://example.org/cat.jpg", {}, "image 'cat': source 'ftp://example.org/cat.jpg' is an"),
        ("skimage:kitten", {"name": "k"}, "image 'k': scikit-image has no sample image 'skimage:k"),
        ("skimage:coffee", {"sha256": "a" * 64}, "image 'coffee': sha256 is checked for files an"),
    ],
)
def test_a_bad_source_is_refused_naming_the_image_by_the_loader_and_by_the_config(
    text, options, message
):
    with pytest.raises(ImageError, match=f"^{message[:40]}"):
        image_source(text, **options)
    entry = {"name": options.get("name", message.split("'")[1]), "source": text}
    if "sha256" in options:
        entry["sha256"] = options["sha256"]
    with pytest.raises(ConfigError, match=f"^config key 'images': {message[:40]}"):
        image_table({"images": [entry]}, SCHEMA)


def test_the_api_reads_every_kind_of_source_through_the_loader(photo_file):
    path, pixels = photo_file
    loaded, name = read_image(path)
    assert name == "holiday photo"
    np.testing.assert_array_equal(loaded.rgb, pixels)
    loaded, name = read_image("skimage:coffee")
    assert name == "coffee" and loaded.rgb.shape == skimage.data.coffee().shape
    with serve_folder(path.parent) as url:
        loaded, name = read_image(f"{url}/holiday%20photo.png", name="trip")
    assert name == "trip"
    np.testing.assert_array_equal(loaded.rgb, pixels)
    # The memory check reads the file's header, before anything is decoded.
    with pytest.raises(ImageError, match=r"^image 'holiday photo': .*\.png' is 32 x 24"):
        read_image(path, max_memory=1000)


def test_the_metadata_stored_with_the_colours_says_how_the_file_was_decoded(tmp_path):
    path = tmp_path / "grey.png"
    Image.fromarray(np.full((4, 5), 100, np.uint8), mode="L").save(path)
    loaded = load_image_source(image_source(str(path)))
    assert loaded.metadata == {
        "source_mode": "L",
        "alpha": "none",
        "n_frames": "1",
        "colour_profile": "none",
    }
