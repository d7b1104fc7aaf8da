"""A job's unit of work: fit settings, the runs of k-means and of other methods, the metrics row."""

import dataclasses
import inspect
import re

import numpy as np
import pytest

from colourquant.colours import distinct_colours
from colourquant.columns import SPREADS
from colourquant.config import ConfigError, schema_with_registries, validate_config
from colourquant.estimator import ColourQuantizer
from colourquant.evaluate import evaluate_centres, make_reference
from colourquant.kmeans import fit_kmeans
from colourquant.runs import (
    CURVE_COLUMNS,
    RUN_COLUMNS,
    FitSettings,
    inertia_curve,
    kmeans_runs,
    method_runs,
)
from colourquant.settings import fit_defaults
from conftest import REPO, SCHEMA, noisy_photo

SEED_NOISE_COLUMNS = ["seed_delta_e2000", *SPREADS.values()]
METADATA = {"source_mode": "RGB", "alpha": "none", "n_frames": "1", "colour_profile": "none"}


@pytest.fixture(scope="module")
def photo():
    return distinct_colours(noisy_photo(seed=3, height=20, width=24))


def test_fit_settings_are_the_only_home_of_the_fit_defaults_and_ranges():
    import yaml

    # The schema file gives the fit settings no default and no range ...
    schema = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())
    written = schema["properties"]["fit"]["properties"]
    assert list(written) == list(fit_defaults())
    keywords = {"default", "minimum", "maximum", "exclusiveMinimum", "enum"}
    assert not any(keywords & set(spec) for spec in written.values())
    # ... the validated config and the estimator take FitSettings' ...
    assert validate_config({}, schema)["fit"] == dataclasses.asdict(FitSettings())
    parameters = inspect.signature(ColourQuantizer).parameters
    shared = set(parameters) & set(fit_defaults())
    assert shared == set(fit_defaults()) - {"replicates"}
    assert {key: parameters[key].default for key in shared} == {
        key: fit_defaults()[key] for key in shared
    }
    # ... and config/config.yaml, which shows them to its readers, holds them.
    shown = yaml.safe_load((REPO / "config/config.yaml").read_text())["fit"]
    assert shown == fit_defaults() and FitSettings.from_config(shown) == FitSettings()


@pytest.mark.parametrize(
    "fit, message",
    [
        ({"mode": "fast"}, "'fit.mode' must be 'exact' or 'sample'; got 'fast'"),
        ({"sample_fraction": 0}, "'fit.sample_fraction' must be in (0, 1]"),
        ({"n_init": 0}, "'fit.n_init' must be an integer in 1 ... 1000"),
        ({"n_init": 10**20}, "'fit.n_init' must be an integer in 1 ... 1000; got 1000000000"),
        ({"grid_cells": 97}, "'fit.grid_cells' must be an integer in 2 ... 96"),
        ({"max_iter": 2.5}, "'fit.max_iter' must be an integer >= 1"),
        ({"seed": 2**32 - 1}, "'fit.seed' must be an integer in 0 ... 4294967294"),
        ({"seed": 1.5}, "'fit.seed' must be an integer in 0 ... 4294967294; got 1.5"),
        ({"seed": "3"}, "'fit.seed' must be an integer in 0 ... 4294967294; got '3'"),
        ({"max_seed_pixels": 1023}, "'fit.max_seed_pixels' must be an integer >= 1024"),
        ({"n_init": float("inf")}, "'fit.n_init' must be an integer in 1 ... 1000; got inf"),
        ({"tol": float("nan")}, "'fit.tol' must be >= 0; got nan"),
        ({"replicates": 21}, "'fit.replicates' must be an integer in 0 ... 20"),
        ({"seed": 2**32 - 2, "replicates": 2}, "'fit.seed' must be at most 4294967295 - fit.rep"),
        ({"tol": -1}, "'fit.tol' must be >= 0"),
        ({"n_inits": 3}, "unknown key 'fit.n_inits'"),
    ],
)
def test_fit_settings_refuse_bad_values_naming_the_key(fit, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        FitSettings.from_config(fit)


def test_the_schema_and_fit_settings_refuse_the_same_values_at_each_bound():
    # The schema's bounds are filled in from FitSettings: both refuse a value
    # just outside each bound and accept the bound itself.
    specs = schema_with_registries(SCHEMA)["properties"]["fit"]["properties"]
    checked = set()
    for key, spec in specs.items():
        for bound, outside in (("minimum", -1), ("maximum", 1), ("exclusiveMinimum", 0)):
            if bound not in spec:
                continue
            inside = spec[bound] + (spec["maximum"] * 1e-6 if bound.startswith("excl") else 0)
            FitSettings.from_config({key: inside})
            validate_config({"fit": {key: inside}}, SCHEMA)
            with pytest.raises(ConfigError, match=f"'fit.{key}'"):
                FitSettings.from_config({key: spec[bound] + outside})
            with pytest.raises(ConfigError, match=f"'fit.{key}'"):
                validate_config({"fit": {key: spec[bound] + outside}}, SCHEMA)
            checked.add(key)
    assert checked == set(fit_defaults()) - {"mode"}
    assert specs["mode"]["enum"] == ["exact", "sample"]


def test_kmeans_rows_have_every_column_in_order(photo):
    settings = FitSettings(n_init=2)
    runs = list(kmeans_runs(photo, "Lab", [2, 5], settings, name="photo", metadata=METADATA))
    assert [run.k for run in runs] == [2, 5]
    for run in runs:
        # Every column but `dither`, which only a dithered variant's row has.
        assert list(run.row) == [column for column in RUN_COLUMNS if column != "dither"]
        assert run.row["image"] == "photo" and run.row["space"] == "Lab"
        assert run.row["k_effective"] == run.k == len(run.centres) == len(run.result.palette)
        assert run.row["n_fit_pixels"] == photo.n_pixels  # exact mode sees every pixel
        assert run.row["source_mode"] == "RGB"
    assert runs[1].row["inertia"] < runs[0].row["inertia"]


def test_kmeans_runs_are_the_fits_they_report(photo):
    """Sample mode at one restart is scikit-learn's fit on the sample, evaluated on every pixel."""
    from colourquant.kmeans import pixel_sample_weights

    settings = FitSettings(mode="sample", n_init=1, seed=4, replicates=0)
    (run,) = kmeans_runs(photo, "RGB", [3], settings, name="photo", metadata=METADATA)
    assert list(run.row) == [
        column for column in RUN_COLUMNS if column not in {*SEED_NOISE_COLUMNS, "dither"}
    ]
    reference = make_reference(photo, "RGB")
    sample = pixel_sample_weights(photo.index, photo.n_unique, 0.05, 4)
    fit = fit_kmeans(reference.points, sample, 3, n_init=1, seed=4)
    np.testing.assert_array_equal(run.centres, fit.centres)
    expected = evaluate_centres(reference, fit.centres).metrics
    np.testing.assert_equal({key: run.row[key] for key in expected}, expected)  # NaN == NaN
    assert run.row["n_fit_pixels"] == sample.sum() < photo.n_pixels


def test_method_rows_leave_kmeans_columns_empty(photo):
    runs = list(method_runs(photo, "random_codebook", [4], seed=9, name="photo"))
    (run,) = runs
    assert run.row["method"] == "random_codebook" and run.row["space"] == "-"
    assert run.row["mode"] is None and run.row["n_iter"] is None and run.row["seed"] == 9
    assert not set(SEED_NOISE_COLUMNS) & set(run.row)
    assert list(run.row) == [c for c in RUN_COLUMNS if c in run.row]
    (median_cut,) = method_runs(photo, "median_cut", [4], seed=9, name="photo")
    assert median_cut.row["seed"] is None  # deterministic: no seed to report


def test_inertia_curve_marks_the_elbow():
    inertia = {1: 1.0, 2: 0.4, 3: 0.3, 4: 0.25, 6: 0.2}
    rows = [
        {"image": "a", "space": "RGB", "k": k, "k_effective": k, "inertia": 10 * value,
         "inertia_normalised": value, "psnr": 1.0}
        for k, value in inertia.items()
    ]  # fmt: skip
    curve = inertia_curve(rows)
    assert list(curve.columns) == list(CURVE_COLUMNS)
    assert curve.loc[curve["is_elbow"], "k"].tolist() == [2]
    assert not inertia_curve(rows[:2])["is_elbow"].any()  # two k: no elbow


def test_readme_metrics_table_lists_exactly_the_run_columns():
    """The table whose header is "| column | ..." documents metrics.csv."""
    lines = (REPO / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\|\s*column\s*\|", line))
    table = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        table.append(line)
    documented = [name for line in table for name in re.findall(r"`(\w+)`", line.split("|")[1])]
    # `<judge>_seed_change` stands for every judge's spread column.
    from colourquant.columns import SPREADS

    if any("`<judge>_seed_change`" in line for line in table):
        documented += [spread for spread in SPREADS.values() if spread]
    assert sorted(documented) == sorted(RUN_COLUMNS)
    assert len(documented) == len(set(documented))
