"""The registries: a method or a colour space is one record, and the rest follows from it."""

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from colourquant import columns as column_registry
from colourquant import judges
from colourquant import methods as registry
from colourquant import spaces as space_registry
from colourquant.colours import distinct_colours
from colourquant.config import ConfigError, validate_config
from colourquant.methods import METHODS, Method, check_methods, get_method, method_names
from colourquant.plots import method_style, space_colours
from colourquant.runs import method_runs
from conftest import SCHEMA, noisy_photo


@pytest.fixture
def toy_method():
    """A quantizer that returns the k most common colours, registered for one test."""

    def most_common(image, k, seed):
        colours, counts = np.unique(image.reshape(-1, 3), axis=0, return_counts=True)
        return colours[np.argsort(-counts, kind="stable")[:k]]

    record = registry.register(
        Method("most_common", "quantizer", most_common, max_k=8,
               style={"color": "0.3", "linestyle": "--", "marker": "o"})
    )  # fmt: skip
    yield record
    del METHODS["most_common"]


@pytest.fixture
def toy_space():
    """A colour space named like CAM16-UCS (a digit in its name): RGB scaled by 2."""
    space = space_registry.ColourSpace(
        "CAM16UCS", ("x", "y", "z"), ((0.0, 2.0),) * 3,
        lambda rgb: 2.0 * np.asarray(rgb, float), lambda xyz: 0.5 * np.asarray(xyz, float),
        "RGB doubled (a toy space)",
    )  # fmt: skip
    space_registry.SPACES[space.name] = space
    yield space
    del space_registry.SPACES[space.name]


def test_a_registered_method_runs_in_the_harness_and_passes_the_config(toy_method):
    image = distinct_colours(noisy_photo(seed=1))
    (run,) = method_runs(image, "most_common", [4], seed=0, name="p")
    assert run.row["method"] == "most_common" and run.row["space"] == "-"
    assert run.row["k_effective"] == 4 and run.row["seed"] is None
    # Its palette is the 4 most common colours, evaluated like any other.
    colours, counts = np.unique(noisy_photo(seed=1).reshape(-1, 3), axis=0, return_counts=True)
    expected = colours[np.argsort(-counts, kind="stable")[:4]] / 255
    np.testing.assert_allclose(run.centres, expected)
    # The schema's list of names, the k cap and the plot style come from the record.
    config = validate_config({"methods": ["kmeans", "most_common"], "k_values": [2, 8]}, SCHEMA)
    assert config["methods"] == ["kmeans", "most_common"]
    message = "config key 'k_values': most_common builds at most 8 colours; got k = 9"
    with pytest.raises(ConfigError, match=re.escape(message)):
        validate_config({"methods": ["kmeans", "most_common"], "k_values": [2, 9]}, SCHEMA)
    assert method_style("most_common")["marker"] == "o"


def test_an_unregistered_method_is_refused_naming_the_valid_ones():
    with pytest.raises(
        ConfigError,
        match=r"config key 'methods\[1\]': 'most_common' is not allowed; allowed: kmeans, ",
    ):
        validate_config({"methods": ["kmeans", "most_common"]}, SCHEMA)
    with pytest.raises(ValueError, match="unknown method 'most_common'; valid names: kmeans, "):
        get_method("most_common")


def test_a_registered_space_is_valid_in_the_config_and_has_its_own_plot_colour(toy_space):
    config = validate_config({"colour_spaces": ["RGB", "CAM16UCS"]}, SCHEMA)
    assert config["colour_spaces"] == ["RGB", "CAM16UCS"]
    colours = space_colours(list(space_registry.SPACES))
    assert len(set(colours.values())) == len(colours)  # no other space's colour
    assert space_colours(["CAM16UCS"])["CAM16UCS"] == colours["CAM16UCS"]
    image = distinct_colours(noisy_photo(seed=2))
    (run,) = method_runs(image, "kmeans_wu", [3], seed=0, name="p", space="CAM16UCS")
    assert run.row["space"] == "CAM16UCS" and run.row["k_effective"] == 3


def test_kinds_seeds_and_caps_are_read_from_the_records():
    assert method_names("kmeans") == ["kmeans"]
    assert set(method_names()) == set(method_names("clusterer")) | set(
        method_names("quantizer")
    ) | {"kmeans"}
    seeded = {name for name, method in METHODS.items() if method.seeded}
    assert seeded == {"kmeans", "minibatch_kmeans", "bisecting_kmeans", "gaussian_mixture",
                      "random_codebook"}  # fmt: skip
    assert check_methods(["kmeans", "wu"], [1000]) is None
    assert check_methods(["octree"], [257]) == "octree builds at most 256 colours; got k = 257"
    with pytest.raises(ValueError, match="kind must be one of"):
        Method("x", "palette")
    with pytest.raises(ValueError, match="valid identifier"):
        Method("two words", "quantizer")
    assert dataclasses.is_dataclass(get_method("ward"))


def _brightness_kept(original, quantized) -> float:
    """A toy judge: how much of the image's mean brightness the quantized image keeps."""
    return float(1 - abs(original.mean() - quantized.mean()) / 255)


@pytest.fixture
def toy_metric():
    """A judge registered for one test: its column record and its measuring function."""
    record, spread = column_registry.register(
        *column_registry.judge(
            "brightness_kept", "brightness kept", False, 4, "pixel error", "",
            "how much of the mean brightness survives", tables=("headline", "compare", "methods"),
        )
    )  # fmt: skip
    judges.register_judge("brightness_kept", _brightness_kept)
    yield record
    column_registry.unregister(record.name, spread.name)
    del judges.IMAGE_JUDGES[record.name]


def test_a_registered_metric_is_measured_in_every_run_and_shown_in_every_table(
    toy_metric, tmp_path, capsys
):
    from colourquant.cli import TABLE_FORMATS, main
    from colourquant.runs import RUN_COLUMNS, FitSettings, kmeans_runs
    from colourquant.study import METRICS, rank_tests
    from colourquant.summary import HEADLINE_METRICS, METHOD_METRICS, headline_table

    pixels = noisy_photo(seed=4)
    image = distinct_colours(pixels)
    (run,) = kmeans_runs(image, "Lab", [3], FitSettings(n_init=2, replicates=1), name="p")
    # Measured on the run's own quantized image, in its place in the row ...
    assert run.row["brightness_kept"] == _brightness_kept(pixels, run.result.quantized)
    assert list(run.row) == [name for name in RUN_COLUMNS if name in run.row]
    assert RUN_COLUMNS.index("brightness_kept") == RUN_COLUMNS.index("flip_mean") + 1
    # ... and its spread against the replicate, which is the fit with the next seed.
    (refit,) = kmeans_runs(image, "Lab", [3], FitSettings(n_init=2, seed=1, replicates=0), name="p")
    change = abs(_brightness_kept(pixels, refit.result.quantized) - run.row["brightness_kept"])
    assert run.row["brightness_kept_seed_change"] == pytest.approx(change, abs=1e-12)
    # The study compares spaces by it, the front page and `compare` show it.
    assert METRICS["brightness_kept"].lower_is_better is False
    assert HEADLINE_METRICS["brightness_kept"] == "brightness kept"
    assert TABLE_FORMATS["brightness_kept"](0.123456) == "0.1235"
    # In registry order: after the other judges, before the fit time.
    assert METHOD_METRICS[-2:] == ["brightness_kept", "fit_seconds"]
    rows = [
        next(kmeans_runs(distinct_colours(noisy_photo(seed=s)), space, [3],
                         FitSettings(n_init=1, replicates=0), name=f"p{s}")).row
        for s in range(3) for space in ("RGB", "Lab")
    ]  # fmt: skip
    runs = pd.DataFrame(rows)
    tested = rank_tests(runs, metrics=["brightness_kept"]).set_index("space")
    assert set(tested["metric"]) == {"brightness_kept"} and set(tested["n_images"]) == {3}
    # Higher is better: in each image the space that keeps more brightness ranks 1.
    wide = runs.pivot(index="image", columns="space", values="brightness_kept")
    rgb_rank = np.where(wide["RGB"] > wide["Lab"], 1.0, np.where(wide["RGB"] < wide["Lab"], 2, 1.5))
    assert tested.loc["RGB", "mean_rank"] == pytest.approx(rgb_rank.mean())
    headline = headline_table(runs, ["RGB", "Lab"])
    expected = runs[runs["space"] == "Lab"]["brightness_kept"].mean()
    assert headline.set_index("space").loc["Lab", "brightness_kept"] == pytest.approx(expected)
    path = tmp_path / "photo.png"
    Image.fromarray(pixels).save(path)
    main(["compare", str(path), "-k", "3", "--space", "Lab", "--n-init", "1"])
    table = capsys.readouterr().out
    assert "brightness_kept" in table.splitlines()[0]
