"""The Python API: quantize, compare and ColourQuantizer run the workflow's own code."""

import doctest
import os
import pickle
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import colourquant
from colourquant import ColourQuantizer, Quantization, compare, quantize, read_image
from colourquant.colours import distinct_colours
from colourquant.config import ConfigError
from colourquant.images import ImageError, composite_on_white
from colourquant.runs import RUN_COLUMNS, FitSettings, kmeans_runs
from colourquant.spaces import SPACES, from_srgb8
from conftest import noisy_photo, run_workflow, serve_folder, write_png

METADATA = {"source_mode": "RGB", "alpha": "none", "n_frames": "1", "colour_profile": "none"}


def without_timing(row: dict) -> dict:
    # NaN (a judge undefined on a tiny image) as None, so that equal rows compare equal.
    return {
        key: None if value != value else value for key, value in row.items() if key != "fit_seconds"
    }


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return noisy_photo(seed=3, height=20, width=24)


@pytest.fixture(scope="module")
def other_photo() -> np.ndarray:
    return noisy_photo(seed=8, height=10, width=14)


# --- quantize: the workflow's kmeans_runs, nothing else ---------------------------------------


@pytest.mark.parametrize(
    "space, k, fit",
    [
        ("Lab", 5, {}),
        ("RGB", 3, {"mode": "sample", "sample_fraction": 0.5}),
        ("HSV", 8, {"seed": 7, "n_init": 2, "replicates": 0}),
        ("OKLab", 1000, {"replicates": 0}),
    ],
)
def test_quantize_gives_what_kmeans_runs_gives(photo, space, k, fit):
    result = quantize(photo, k, space, **fit)
    (run,) = kmeans_runs(
        distinct_colours(photo),
        space,
        [k],
        FitSettings.from_config(fit),
        name="image",
        metadata=METADATA,
    )
    assert without_timing(result.metrics) == without_timing(run.row)
    assert list(result.metrics) == list(run.row)  # the same columns, in RUN_COLUMNS order
    np.testing.assert_array_equal(result.centres, run.centres)
    np.testing.assert_array_equal(result.palette, run.result.palette)
    np.testing.assert_array_equal(result.labels, run.result.pixel_labels)
    np.testing.assert_array_equal(result.quantized, run.result.quantized)
    np.testing.assert_array_equal(result.original, photo)
    assert (result.name, result.space, result.k) == ("image", space, k)


def test_a_quantization_is_consistent_with_itself(photo):
    result = quantize(photo, 6, "Lab", replicates=0)
    assert isinstance(result, Quantization)
    np.testing.assert_array_equal(result.quantized, result.palette[result.labels])
    assert result.counts.dtype == np.int64
    assert result.counts.sum() == photo.shape[0] * photo.shape[1]
    colours, counts = np.unique(result.quantized.reshape(-1, 3), axis=0, return_counts=True)
    assert len(colours) <= 6
    assert sorted(counts) == sorted(result.counts[result.counts > 0])
    # Each pixel went to the palette colour whose centre is nearest in Lab.
    points = from_srgb8(photo.reshape(-1, 3), "Lab")
    distances = ((points[:, None, :] - result.centres[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(result.labels.ravel(), distances.argmin(axis=1))
    assert result.metrics["inertia"] == pytest.approx(distances.min(axis=1).sum(), rel=1e-9)
    assert re.fullmatch(
        r"Quantization\(name='image', space='Lab', k=6, k_effective=6, shape=\(20, 24\), "
        r"delta_e2000_mean=[\d.]+\)",
        repr(result),
    )
    with pytest.raises(AttributeError):
        result.k = 3  # frozen


def test_k_above_the_number_of_colours_gives_the_image_back():
    pixels = np.array([[[10, 20, 30], [200, 0, 0], [10, 20, 30]]], dtype=np.uint8)
    result = quantize(pixels, 5, "HSL")
    assert result.metrics["k_effective"] == 2 and len(result.palette) == 2
    np.testing.assert_array_equal(result.quantized, pixels)
    assert result.metrics["mse_rgb"] == 0 and result.metrics["psnr"] == np.inf


# --- what an image may be ---------------------------------------------------------------------


def test_float_images_are_rounded_to_the_nearest_8_bit_level(photo):
    from_uint8 = quantize(photo, 4, replicates=0)
    # Half a level below the next one still rounds to the same level.
    from_float = quantize(photo / 255.0 - 0.49 / 255 * (photo > 0), 4, replicates=0)
    assert without_timing(from_float.metrics) == without_timing(from_uint8.metrics)
    np.testing.assert_array_equal(from_float.original, photo)
    np.testing.assert_array_equal(from_float.quantized, from_uint8.quantized)
    as_int = quantize(photo.astype(np.int64), 4, replicates=0)
    assert without_timing(as_int.metrics) == without_timing(from_uint8.metrics)


def test_alpha_is_composited_on_white_as_for_files(photo, tmp_path):
    opacity = np.tile(np.linspace(0, 255, photo.shape[1]).astype(np.uint8), (photo.shape[0], 1))
    rgba = np.dstack([photo, opacity])
    result = quantize(rgba, 5, "Lab")
    composited, _ = composite_on_white(rgba)
    # A transparent pixel is white; a half-transparent one is half way to white.
    np.testing.assert_array_equal(result.original[:, 0], 255)
    share = opacity[0, 12] / 255
    half_way = photo[0, 12] * share + 255 * (1 - share)
    np.testing.assert_allclose(result.original[0, 12], half_way, atol=0.5)
    np.testing.assert_array_equal(result.original, composited)
    assert (result.metrics["source_mode"], result.metrics["alpha"]) == (
        "RGBA",
        "composited on white",
    )
    # The same pixels in a PNG file, as the workflow reads them: the same run.
    from_file = quantize(write_png(tmp_path / "image.png", rgba), 5, "Lab")
    assert without_timing(from_file.metrics) == without_timing(result.metrics)
    # Float RGBA, and opaque RGBA (recorded as no alpha).
    from_float = quantize(rgba / 255.0, 5, "Lab")
    assert without_timing(from_float.metrics) == without_timing(result.metrics)
    opaque = quantize(np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)]), 5, "Lab")
    assert opaque.metrics["alpha"] == "none"
    np.testing.assert_array_equal(opaque.original, photo)


def test_a_list_of_colours_is_an_image_one_pixel_high():
    colours = np.array([[255, 0, 0], [250, 5, 0], [0, 0, 255], [0, 5, 250]], dtype=np.uint8)
    result = quantize(colours, 2, "RGB")
    assert result.labels.shape == (1, 4) and result.quantized.shape == (1, 4, 3)
    assert result.labels[0, 0] == result.labels[0, 1] != result.labels[0, 2] == result.labels[0, 3]


def test_files_and_sample_photos_are_read_as_the_workflow_reads_them(photo, tmp_path):
    path = write_png(tmp_path / "holiday.png", photo)
    from_file = quantize(path, 4, replicates=0)
    from_array = quantize(photo, 4, replicates=0)
    assert from_file.name == "holiday" and from_file.metrics["image"] == "holiday"
    assert without_timing(from_file.metrics) == {
        **without_timing(from_array.metrics),
        "image": "holiday",
    }
    assert quantize(str(path), 4, replicates=0, name="mine").metrics["image"] == "mine"
    sample = quantize("skimage:chelsea", 2, "RGB", replicates=0, n_init=1)
    assert sample.name == "chelsea" and sample.metrics["n_pixels"] == 300 * 451


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((4, 5)), "image 'image': expected an array of shape (height, width, 3 or 4)"),
        (np.zeros((2, 2, 2)), "got shape (2, 2, 2)"),
        (np.zeros((0, 4, 3), np.uint8), "image 'image': the image has no pixels"),
        (np.full((2, 2, 3), 1.5), "float pixels must lie in [0, 1], got 1.5 ... 1.5"),
        (np.full((2, 2, 3), np.nan), "the pixels contain NaN or infinite values"),
        (np.full((2, 2, 3), 256), "integer pixels must lie in 0 ... 255, got 256 ... 256"),
        (np.ones((2, 2, 3), bool), "expected uint8, integer or float pixels, got bool"),
        ("nowhere/photo.jpg", "image 'photo': 'nowhere/photo.jpg' does not exist"),
        ("skimage:nothing", "image 'nothing': scikit-image has no sample image 'skimage:nothing'"),
    ],
)
def test_an_image_that_cannot_be_used_is_refused_in_one_line(image, message):
    with pytest.raises(ImageError, match=re.escape(message)) as refused:
        quantize(image, 2)
    assert "\n" not in str(refused.value)


def test_fit_settings_are_checked_as_the_config_is(photo):
    with pytest.raises(ConfigError, match=re.escape("unknown key 'fit.n_inits'; known: mode")):
        quantize(photo, 2, n_inits=3)
    with pytest.raises(ConfigError, match=re.escape("'fit.n_init' must be an integer in 1")):
        compare(photo, [2], ["RGB"], n_init=0)
    with pytest.raises(ConfigError, match=re.escape("'fit.mode' must be 'exact' or 'sample'")):
        quantize(photo, 2, mode="fast")
    with pytest.raises(ValueError, match="unknown colour space 'LAB'; valid names: RGB"):
        quantize(photo, 2, "LAB")
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        quantize(photo, 0)


# --- compare ------------------------------------------------------------------------------------


def test_compare_tabulates_quantize_for_every_space_and_k(photo):
    import matplotlib

    matplotlib.use("Agg")
    table, figure = compare(photo, [2, 5], ["HSV", "RGB", "Lab"], figure=True, seed=4)
    assert list(table.columns) == [column for column in RUN_COLUMNS if column in table]
    assert list(zip(table["space"], table["k"], strict=True)) == [
        (space, k) for space in ["HSV", "RGB", "Lab"] for k in [2, 5]
    ]
    for row in table.to_dict("records"):
        alone = quantize(photo, row["k"], row["space"], seed=4)
        assert without_timing(row) == without_timing(alone.metrics)
    # The workflow's comparison overview: the original, then a row per space, a column per k.
    assert len(figure.axes) == 1 + 3 * 2
    assert figure.axes[0].get_title().startswith("original")
    assert [axis.get_ylabel() for axis in figure.axes if axis.get_ylabel()] == ["HSV", "RGB", "Lab"]
    assert [axis.get_title() for axis in figure.axes[1:] if axis.get_title()] == ["k = 2", "k = 5"]
    one = compare(photo, 3, "Luv", replicates=0)
    assert isinstance(one, pd.DataFrame) and len(one) == 1
    assert "seed_delta_e2000" not in one.columns


def test_compare_reports_progress_on_stderr_when_asked(photo, capsys):
    compare(photo, [2, 3], ["RGB", "Lab"], replicates=0, verbose=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 2 + 4
    assert lines[0] == "image: k-means in RGB at k = 2, 3 ..."
    assert re.fullmatch(
        r"  Lab k = 3: mean ΔE00 [\d.]+; fit [\d.]+ s; [\d.]+ s since Lab began "
        r"\(fits and scoring\)",
        lines[-1],
    )


def metrics_table(workdir):
    """The workflow's metrics table (the default experiment's)."""
    return pd.read_csv(workdir / "results/default/metrics.csv")


@pytest.mark.workflow
def test_compare_gives_the_metrics_a_real_workflow_run_writes(photo, tmp_path):
    write_png(tmp_path / "photo.png", photo)
    config = {
        "images": [{"name": "photo", "source": "photo.png"}],
        "colour_spaces": ["RGB", "Lab"],
        "k_values": [3, 6],
        "fit": {"seed": 11},
    }
    run_workflow(tmp_path, config, "--cores", "2")
    workflow = metrics_table(tmp_path).set_index(["space", "k"])
    table = compare(tmp_path / "photo.png", [3, 6], ["RGB", "Lab"], seed=11)
    assert len(workflow) == len(table) == 4
    columns = [column for column in table.columns if column != "fit_seconds"]
    assert set(columns) <= set(workflow.columns) | {"space", "k"}
    for row in table.to_dict("records"):
        written = workflow.loc[(row["space"], row["k"])]
        for column in columns:
            if column in ("space", "k"):
                continue
            if isinstance(row[column], float):
                # The workflow's CSV holds 10 significant digits.
                assert written[column] == pytest.approx(row[column], rel=1e-9, nan_ok=True), column
            else:
                assert str(written[column]) == str(row[column]), column


# --- the estimator ------------------------------------------------------------------------------


def test_the_estimator_fits_what_quantize_fits(photo):
    quantizer = ColourQuantizer(n_colours=5, space="OKLab", seed=2, n_init=3)
    assert quantizer.fit(photo) is quantizer
    expected = quantize(photo, 5, "OKLab", seed=2, n_init=3, replicates=0)
    np.testing.assert_array_equal(quantizer.cluster_centers_, expected.centres)
    np.testing.assert_array_equal(quantizer.palette_, expected.palette)
    np.testing.assert_array_equal(quantizer.labels_, expected.labels)
    np.testing.assert_array_equal(quantizer.counts_, expected.counts)
    assert quantizer.inertia_ == expected.metrics["inertia"]
    assert quantizer.n_iter_ == expected.metrics["n_iter"]
    assert without_timing(quantizer.metrics_) == without_timing(expected.metrics)
    assert quantizer.n_features_in_ == 3 and quantizer.space_ == "OKLab"
    np.testing.assert_array_equal(quantizer.predict(photo), expected.labels)
    np.testing.assert_array_equal(quantizer.transform(photo), expected.quantized)
    np.testing.assert_array_equal(clone(quantizer).fit_transform(photo), expected.quantized)


@pytest.mark.parametrize("space", ["Lab", "HSV", "RGB"])
def test_predict_and_transform_take_a_new_image_to_the_nearest_fitted_centre(
    photo, other_photo, space
):
    quantizer = ColourQuantizer(n_colours=4, space=space).fit(photo)
    labels = quantizer.predict(other_photo)
    assert labels.shape == other_photo.shape[:2]
    # Nearest in the fit space, worked out here pixel by pixel.
    points = SPACES[space].forward(other_photo.reshape(-1, 3) / 255.0)
    distances = ((points[:, None, :] - quantizer.cluster_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(labels.ravel(), distances.argmin(axis=1))
    quantized = quantizer.transform(other_photo)
    assert quantized.dtype == np.uint8 and quantized.shape == other_photo.shape
    np.testing.assert_array_equal(quantized, quantizer.palette_[labels])
    assert len(np.unique(quantized.reshape(-1, 3), axis=0)) <= 4
    # A list of colours, floats and RGBA are images too.
    as_list = quantizer.predict(other_photo.reshape(-1, 3))
    np.testing.assert_array_equal(as_list, labels.ravel())
    np.testing.assert_array_equal(quantizer.predict(other_photo / 255.0), labels)
    transparent = np.dstack([other_photo, np.zeros(other_photo.shape[:2], np.uint8)])
    white = quantizer.predict(np.full((1, 1, 3), 255, np.uint8))
    np.testing.assert_array_equal(
        quantizer.predict(transparent), np.broadcast_to(white, labels.shape)
    )


def test_the_estimator_follows_scikit_learns_conventions(photo, other_photo, tmp_path):
    quantizer = ColourQuantizer(n_colours=3, space="RGB", n_init=0)
    assert quantizer.get_params()["n_colours"] == 3
    # Settings are checked by fit, as the workflow's config is, not by __init__.
    with pytest.raises(ConfigError, match=re.escape("'fit.n_init' must be an integer in 1")):
        quantizer.fit(photo)
    quantizer.set_params(n_init=1, space="Lab")
    assert quantizer.get_params()["space"] == "Lab"
    fitted = quantizer.fit(write_png(tmp_path / "photo.png", photo))
    assert fitted.labels_.shape == photo.shape[:2]
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(other_photo), fitted.transform(other_photo))
    with pytest.raises(ValueError, match="X has 2 features, but ColourQuantizer is expecting 3"):
        fitted.predict(other_photo[..., :2])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ColourQuantizer().predict(photo)


# scikit-learn's checks feed tables of unbounded floats (normal, 3 x uniform,
# make_blobs), which are not colours: the estimator refuses them. They run
# twice. Once on the estimator as it is: the checks of its API and of its
# refusals (NaN, sparse, complex, empty, negative, 1-D data) pass; those that
# need a fit fail, since their data is not colours. Once behind a test adapter
# that maps non-negative floats into [0, 1) value by value (x / (1 + x); the
# checks shift their data to non-negative for an estimator tagged
# positive_only): every check whose data has 3 or 4 columns, a list of
# colours, then fits and passes. Only data of 1, 2, 5 or 10 columns stays
# refused, as no list of colours.
_NOT_COLOURS = "its data has {} columns: not a list of colours (3 or 4 channels)"
_NOT_COLOURS_EITHER_WAY = {
    "check_estimators_overwrite_params": _NOT_COLOURS.format(2),
    "check_estimators_fit_returns_self": _NOT_COLOURS.format(2),
    "check_readonly_memmap_input": _NOT_COLOURS.format(2),
    "check_estimators_dtypes": _NOT_COLOURS.format(5),
    "check_dtype_object": _NOT_COLOURS.format(10),
    "check_fit_idempotent": _NOT_COLOURS.format(2),
    "check_fit_check_is_fitted": _NOT_COLOURS.format(2),
    "check_n_features_in": _NOT_COLOURS.format(2),
    "check_fit2d_1sample": _NOT_COLOURS.format(10) + ", refused without the words '1 sample'",
    "check_fit2d_1feature": _NOT_COLOURS.format(1) + ", refused without the words '1 feature(s)'",
}
_UNBOUNDED = "its 3 or 4 columns hold floats beyond [0, 1]: not colours"
_UNBOUNDED_CHECKS = [
    "check_dont_overwrite_parameters",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_n_iter",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_dict_unchanged",
    "check_fit2d_predict1d",
]


def _squash(X):
    """Non-negative finite floats mapped into [0, 1) by x / (1 + x); anything else as it is."""
    if isinstance(X, list) or hasattr(X, "__array__"):
        array = np.asarray(X)
        if array.dtype.kind == "f" and array.size and np.isfinite(array).all():
            if (array >= 0).all():
                return array / (1.0 + array)
    return X


class UnitIntervalQuantizer(ColourQuantizer):
    """ColourQuantizer behind :func:`_squash`: scikit-learn's check data as colours."""

    def fit(self, X, y=None):
        return super().fit(_squash(X), y)

    def fit_transform(self, X, y=None):
        return super().fit_transform(_squash(X), y)

    def predict(self, X):
        return super().predict(_squash(X))


def _expected_failed_checks(estimator):
    if isinstance(estimator, UnitIntervalQuantizer):
        return _NOT_COLOURS_EITHER_WAY
    return {**_NOT_COLOURS_EITHER_WAY, **dict.fromkeys(_UNBOUNDED_CHECKS, _UNBOUNDED)}


@parametrize_with_checks(
    [ColourQuantizer(n_colours=2, n_init=1), UnitIntervalQuantizer(n_colours=2, n_init=1)],
    expected_failed_checks=_expected_failed_checks,
    xfail_strict=True,
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# --- the package ------------------------------------------------------------------------------


def test_the_public_names_are_the_packages_and_documented():
    assert sorted(colourquant.__all__) == sorted(
        ["ColourQuantizer", "Quantization", "compare", "quantize", "read_image"]
    )
    for name in colourquant.__all__:
        assert getattr(colourquant, name).__doc__, name
    assert read_image is colourquant.api.read_image
    with pytest.raises(AttributeError, match="no attribute 'quantise'"):
        colourquant.quantise  # noqa: B018


@pytest.mark.parametrize("module", ["api", "estimator", "cli"])
def test_the_docstring_examples_run(module):
    import importlib

    tested = doctest.testmod(
        importlib.import_module(f"colourquant.{module}"), optionflags=doctest.ELLIPSIS
    )
    assert tested.attempted > 0 and tested.failed == 0


# --- hostile input (issue #24) and what only the image needs (issue #26) ------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` pixels but holds a few hundred bytes of them."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 300))
        + chunk(b"IEND", b"")
    )


def test_an_image_needing_more_memory_than_there_is_is_refused_from_its_header(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(png_header(20_000, 1_000))
    assert path.stat().st_size < 400
    with pytest.raises(ImageError) as refused:
        quantize(path, 4, max_memory=200_000_000)
    message = str(refused.value)
    found = re.fullmatch(
        rf"image 'huge': '{re.escape(str(path))}' is 20000 x 1000 pixels \(20 MP\); quantizing it "
        r"needs about (\d+) MB of memory, but 200 MB is available",
        message,
    )
    assert found, message
    assert int(found.group(1)) > 200  # 20 megapixels need more than a few bytes each
    # Given the memory, the same file gets as far as decoding, which fails: the
    # refusal above came from the header alone, before any pixel was decoded.
    with pytest.raises(ImageError, match=re.escape(f"'{path}' cannot be decoded")):
        read_image(path, max_memory=10**12)


def test_an_array_needing_more_memory_than_there_is_is_refused():
    with pytest.raises(ImageError) as refused:
        compare(np.zeros((300, 400, 3), np.uint8), [2], ["RGB"], max_memory=10**6)
    assert re.fullmatch(
        r"image 'image' is 400 x 300 pixels \(0\.12 MP\); quantizing it needs about \d+ MB of "
        r"memory, but 1 MB is available",
        str(refused.value),
    ), refused.value


def test_the_memory_available_is_the_machines():
    from colourquant.memory import _cgroup_headroom, available_memory

    available = available_memory()
    page = os.sysconf("SC_PAGE_SIZE")
    physical, free = os.sysconf("SC_PHYS_PAGES") * page, os.sysconf("SC_AVPHYS_PAGES") * page
    assert 0 < available <= physical
    headroom = _cgroup_headroom()
    if headroom is None or headroom >= physical:  # no container limit below the machine's
        # Available memory counts the free pages and what the kernel can reclaim
        # (in bytes, not kB); half of the free pages allows for other processes.
        assert available >= free / 2


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda photo: compare(photo, [], ["RGB"]), "ks is empty: give at least one"),
        (lambda photo: compare(photo, [2, 3], []), "spaces is empty: give at least one"),
        (lambda photo: compare(photo, (), "Lab"), "ks is empty: give at least one"),
        (
            lambda photo: list(
                kmeans_runs(distinct_colours(photo), "RGB", [], FitSettings(), name="p")
            ),
            "k_values is empty: give at least one k",
        ),
    ],
)
def test_no_k_or_no_space_is_one_value_error_naming_the_argument(photo, call, message):
    with pytest.raises(ValueError) as refused:
        call(photo)
    assert str(refused.value) == message


@pytest.mark.parametrize("space, fit", [("Lab", {}), ("HSV", {"mode": "sample", "seed": 5})])
def test_without_metrics_the_image_and_palette_are_the_same_and_nothing_is_measured(
    photo, space, fit
):
    scored = quantize(photo, 6, space, **fit)
    plain = quantize(photo, 6, space, metrics=False, **fit)
    for field in ("quantized", "labels", "palette", "centres", "counts", "original"):
        np.testing.assert_array_equal(getattr(plain, field), getattr(scored, field), err_msg=field)
    from colourquant.columns import COLUMNS

    # Every judge, every spread and what else the scoring measures.
    measured = {c.name for c in COLUMNS if c.role in ("judge", "spread")}
    measured |= {"inertia", "inertia_normalised", "mse_rgb"}
    assert {"psnr", "flip_mean", "seed_delta_e2000", "vif_p_seed_change"} <= measured
    assert measured <= set(scored.metrics)
    assert not measured & set(plain.metrics)
    # What was fitted is still there, as the scored row has it.
    assert without_timing(plain.metrics) == {
        key: value for key, value in without_timing(scored.metrics).items() if key not in measured
    }
    assert plain.metrics["k_effective"] == len(plain.palette) == 6
    assert repr(plain).endswith("k_effective=6, shape=(20, 24))")


def blas_threads() -> list[int]:
    """The BLAS libraries' thread counts (process-wide, unlike OpenMP's per-thread setting)."""
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def threads_seen_during(call) -> set[int]:
    """The BLAS thread counts another thread sees while `call` runs, as often as it can look."""
    import threading

    seen, done = set(), threading.Event()

    def watch():
        while not done.is_set():
            seen.update(blas_threads())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        call()
    finally:
        done.set()
        watcher.join()
    return seen


def test_the_numerical_libraries_use_the_threads_asked_for(photo):
    before = blas_threads()
    if not before or max(before) < 2:
        pytest.skip("BLAS runs one thread here anyway")
    big = noisy_photo(seed=1, height=120, width=160)
    assert 1 in threads_seen_during(lambda: quantize(big, 8, replicates=0))
    assert 1 in threads_seen_during(lambda: compare(big, [4, 8], ["RGB"], replicates=0))
    assert 1 in threads_seen_during(lambda: ColourQuantizer(8).fit(big))
    seen = threads_seen_during(lambda: quantize(big, 8, replicates=0, n_threads=2))
    assert 1 not in seen and 2 in seen
    assert blas_threads() == before  # restored afterwards
    np.testing.assert_array_equal(
        quantize(photo, 5, n_threads=2).palette, quantize(photo, 5, n_threads=1).palette
    )
    for wrong in (0, -1, 1.5, True):
        with pytest.raises(
            ValueError, match=re.escape(f"n_threads must be an integer >= 1, got {wrong!r}")
        ):
            quantize(photo, 2, n_threads=wrong)


def test_a_url_is_downloaded_as_the_workflow_downloads_it(photo, tmp_path):
    write_png(tmp_path / "good.png", photo)
    (tmp_path / "page.html").write_text("<html><body>not found</body></html>")
    with serve_folder(tmp_path) as url:
        fetched = quantize(f"{url}/good.png", 4, "OKLab", replicates=0)
        table = compare(f"{url}/good.png", [2], ["RGB"], replicates=0)
        with pytest.raises(ImageError) as missing:
            quantize(f"{url}/missing.png", 4)
        with pytest.raises(ImageError) as page:
            read_image(f"{url}/page.html")
    local = quantize(tmp_path / "good.png", 4, "OKLab", replicates=0)
    np.testing.assert_array_equal(fetched.quantized, local.quantized)
    assert without_timing(fetched.metrics) == without_timing(local.metrics)
    assert fetched.name == "good" and table["image"].tolist() == ["good"]
    # downloads.py's own messages: one line, naming the image and the URL.
    assert str(missing.value).startswith(f"image 'missing': download of {url}/missing.png")
    assert "404" in str(missing.value) and "\n" not in str(missing.value)
    assert str(page.value).startswith(f"image 'page': {url}/page.html sent text/html")
    assert "not an image" in str(page.value) and "\n" not in str(page.value)
    with pytest.raises(ImageError, match=re.escape("'ftp://example.org/a.png' is an ftp:// URL")):
        quantize("ftp://example.org/a.png", 4)


# --- every method, dithering and transparency (issue #28) -------------------------------------


@pytest.mark.parametrize(
    "method, space", [("median_cut", None), ("wu", None), ("kmeans_wu", "Lab"), ("ward", "HSV")]
)
def test_quantize_runs_any_method_as_method_runs_does(photo, method, space):
    from colourquant.runs import method_runs

    result = quantize(photo, 5, space, method=method, seed=2)
    (run,) = method_runs(
        distinct_colours(photo), method, [5], seed=2, name="image", metadata=METADATA,
        space=space,
    )  # fmt: skip
    assert without_timing(result.metrics) == without_timing(run.row)
    assert (result.method, result.space) == (method, space or "-")
    np.testing.assert_array_equal(result.quantized, run.result.quantized)
    np.testing.assert_array_equal(result.counts, np.bincount(run.result.pixel_labels.ravel()))


@pytest.mark.parametrize(
    "call, message",
    [
        (dict(method="median_cut", space="Lab"),
         "method 'median_cut' is a classic quantizer: it works in 8-bit RGB and takes no colour "
         "space, not 'Lab'"),
        (dict(method="kmeans_pp"), "unknown method 'kmeans_pp'; valid names: kmeans, "
         "minibatch_kmeans, bisecting_kmeans, gaussian_mixture, ward, kmeans_wu, median_cut, "
         "octree, random_codebook, libimagequant, wu"),
        (dict(method="octree", k=300), "octree builds at most 256 colours; got k = 300"),
        (dict(dither="atkinson"), "unknown dithering 'atkinson'; valid: none, floyd_steinberg, "
         "ordered"),
        (dict(background="black"), "unknown background 'black'; valid: None (keep "
         "transparency), 'white'"),
    ],
)  # fmt: skip
def test_a_method_dithering_or_background_that_cannot_run_is_one_value_error(photo, call, message):
    k = call.pop("k", 4)
    with pytest.raises(ValueError) as raised:
        quantize(photo, k, **call)
    assert str(raised.value) == message


@pytest.mark.parametrize("method, space", [("kmeans", "OKLab"), ("octree", None)])
@pytest.mark.parametrize("dither", ["floyd_steinberg", "ordered"])
def test_a_dithered_run_is_measured_on_the_dithered_image(photo, method, space, dither):
    from colourquant.evaluate import evaluate_dithered, make_reference

    plain = quantize(photo, 6, space, method=method, replicates=1)
    dithered = quantize(photo, 6, space, method=method, replicates=1, dither=dither)
    np.testing.assert_array_equal(dithered.palette, plain.palette)
    assert (dithered.labels != plain.labels).any()
    reference = make_reference(distinct_colours(photo), space or "RGB")
    scored = evaluate_dithered(reference, plain.centres, dither)
    np.testing.assert_array_equal(dithered.quantized, scored.quantized)
    np.testing.assert_array_equal(dithered.labels, scored.pixel_labels)
    columns = list(dithered.metrics)
    assert columns[columns.index("method") + 1] == "dither"
    assert dithered.metrics["dither"] == dither and "dither" not in plain.metrics
    # The seed noise measures the undithered fit: not reported for a dithered one.
    assert "seed_delta_e2000" not in dithered.metrics
    for column, value in scored.metrics.items():
        np.testing.assert_equal(dithered.metrics[column], value, err_msg=column)  # NaN == NaN
    assert dithered.metrics["delta_e2000_mean"] != plain.metrics["delta_e2000_mean"]


def test_fully_transparent_pixels_are_marked_unless_composited(photo):
    rgba = np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])
    rgba[:4, :5, 3] = 0
    rgba[-3:, -3:, 3] = 100
    kept = quantize(rgba, 4, replicates=0)
    np.testing.assert_array_equal(kept.transparent, rgba[..., 3] == 0)
    white = quantize(rgba, 4, replicates=0, background="white")
    assert white.transparent is None
    # The fit and metrics see the image composited on white either way.
    np.testing.assert_array_equal(kept.original, composite_on_white(rgba)[0])
    assert without_timing(kept.metrics) == without_timing(white.metrics)
    assert quantize(photo, 4, replicates=0).transparent is None


@pytest.mark.parametrize(
    "params",
    [
        dict(method="median_cut"),
        dict(method="gaussian_mixture", space="OKLab"),
        dict(space="HSV", dither="floyd_steinberg"),
        dict(method="wu", dither="ordered"),
    ],
)
def test_the_estimator_runs_any_method_and_dithering_as_quantize_does(photo, other_photo, params):
    from colourquant.dither import dither_labels

    estimator = ColourQuantizer(n_colours=5, **params).fit(photo)
    expected = quantize(photo, 5, **params, replicates=0)
    np.testing.assert_array_equal(estimator.palette_, expected.palette)
    np.testing.assert_array_equal(estimator.labels_, expected.labels)
    assert estimator.space_ == expected.space
    assert without_timing(estimator.metrics_) == without_timing(expected.metrics)
    if params.get("method") != "gaussian_mixture":  # its fit keeps the likeliest component
        np.testing.assert_array_equal(estimator.predict(photo), expected.labels)
    # A new image takes the fitted palette by the same mapping, in the fit space.
    space = "RGB" if expected.space == "-" else expected.space
    height, width, _ = other_photo.shape
    points = from_srgb8(other_photo.reshape(-1, 3), space).reshape(height, width, 3)
    dither = params.get("dither", "none")
    if dither == "none":  # the nearest fitted centre
        squared = ((points[..., None, :] - estimator.cluster_centers_) ** 2).sum(axis=-1)
        labels = np.argmin(squared, axis=-1)
    else:  # dithered onto the palette shown, in the fit space
        labels = dither_labels(points, from_srgb8(estimator.palette_, space), dither)
    np.testing.assert_array_equal(estimator.predict(other_photo), labels)
    np.testing.assert_array_equal(estimator.transform(other_photo), estimator.palette_[labels])


@pytest.mark.parametrize("dither", ["none", "ordered"])
def test_any_method_without_metrics_reports_only_what_was_built(photo, dither):
    measured = quantize(photo, 4, method="median_cut", dither=dither)
    built = quantize(photo, 4, method="median_cut", dither=dither, metrics=False)
    np.testing.assert_array_equal(built.quantized, measured.quantized)
    assert "psnr" not in built.metrics and "inertia" not in built.metrics
    assert {key: measured.metrics[key] for key in built.metrics if key != "fit_seconds"} == {
        key: value for key, value in built.metrics.items() if key != "fit_seconds"
    }
    assert built.metrics["k_effective"] == 4 and built.metrics["method"] == "median_cut"


def test_a_dithered_quantize_says_no_undithered_score_in_its_progress(photo, capsys):
    # The fit's own (undithered) mean ΔE00 is not the dithered image's: the progress
    # must not print a score the result then contradicts.
    result = colourquant.quantize(photo, 4, "Lab", dither="floyd_steinberg", verbose=True)
    progress = capsys.readouterr().err
    assert "Lab k = 4: fit " in progress and "ΔE00" not in progress
    undithered = colourquant.quantize(photo, 4, "Lab", verbose=True)
    assert f"mean ΔE00 {undithered.metrics['delta_e2000_mean']:.2f}" in capsys.readouterr().err
    assert result.metrics["delta_e2000_mean"] != undithered.metrics["delta_e2000_mean"]
