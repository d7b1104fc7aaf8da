"""What `colourquant compare` says: a figure title true of what it writes, and seconds named."""

from __future__ import annotations

import re
from contextlib import nullcontext

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from colourquant import cli, compare  # noqa: E402
from conftest import noisy_photo, write_png  # noqa: E402


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    return write_png(tmp_path_factory.mktemp("compare") / "photo.png", noisy_photo(seed=4))


def test_compare_figure_title_points_to_no_per_k_figure(photo):
    table, figure = compare(photo, [2, 3], ["RGB", "Lab"], figure=True)
    title = figure.get_suptitle()
    assert "rows are colour spaces, columns are k" in title
    # The CLI and the API write one figure: no "figure of each k" to point to.
    assert "figure of each k" not in title.replace("\n", " ")


def test_compare_prints_each_fit_time_as_the_fit_time(photo, capsys):
    assert cli.main(["compare", str(photo), "-k", "2", "3", "--space", "RGB", "Lab"]) == 0
    captured = capsys.readouterr()
    progress = re.findall(
        r"^  (\w+) k = (\d+): mean ΔE00 ([\d.]+); fit ([\d.]+) s; ([\d.]+) s since \1 began "
        r"\(fits and scoring\)$",
        captured.err,
        re.M,
    )
    assert [(space, int(k)) for space, k, *_ in progress] == [
        ("RGB", 2), ("RGB", 3), ("Lab", 2), ("Lab", 3),
    ]  # fmt: skip
    # The printed fit time is the table's fit_seconds; the time since the space
    # began includes the fits before it, so it never falls.
    lines = captured.out.splitlines()
    columns = lines[0].split()
    table = {(row[0], int(row[1])): row for row in (line.split() for line in lines[1:])}
    for space, k, delta_e, fit, since in progress:
        row = table[space, int(k)]
        assert fit == row[columns.index("fit_seconds")]
        assert delta_e == row[columns.index("delta_e2000_mean")]
        assert float(since) >= float(fit) - 0.05
    assert float(progress[1][4]) >= float(progress[0][4])


# --- methods and dithering: one table of k-means and the other methods -----------------------


def rows_without_timing(table) -> list[dict]:
    return [
        {
            key: None if value != value else value
            for key, value in row.items()
            if key != "fit_seconds"
        }
        for row in table.to_dict("records")
    ]


@pytest.mark.parametrize("dither", ["none", "floyd_steinberg"])
def test_compare_rows_of_every_method_are_quantizes_rows(photo, dither):
    from colourquant import quantize

    table = compare(
        photo, [3, 6], ["RGB", "Lab"], methods=["kmeans", "median_cut", "ward"], dither=dither,
        replicates=0,
    )  # fmt: skip
    runs = [
        ("kmeans", "RGB"), ("kmeans", "Lab"), ("median_cut", None), ("ward", "RGB"),
        ("ward", "Lab"),
    ]  # fmt: skip
    expected = pd.DataFrame(
        [
            quantize(photo, k, space, method=method, dither=dither, replicates=0).metrics
            for method, space in runs
            for k in (3, 6)
        ]
    )
    # The same rows, in the order given: each method's runs as quantize (the workflow) makes them.
    assert list(table.columns) == list(expected.columns)
    assert rows_without_timing(table) == rows_without_timing(expected)
    assert table["space"].tolist()[4:6] == ["-", "-"]
    assert ("dither" in table) == (dither != "none")


def test_dithering_changes_compares_scores(photo):
    plain = compare(photo, 4, "Lab", methods=["kmeans", "octree"], replicates=0)
    dithered = compare(photo, 4, "Lab", methods=["kmeans", "octree"], dither="ordered")
    assert dithered["dither"].tolist() == ["ordered", "ordered"]
    assert "seed_delta_e2000" not in dithered  # the replicates measure the undithered fit
    # The same palettes (k_effective, inertia of the fit's centres aside), other pixels.
    assert dithered["k_effective"].tolist() == plain["k_effective"].tolist()
    assert (dithered["mse_rgb"] != plain["mse_rgb"]).all()


def test_compare_figure_has_a_row_per_space_and_method_with_their_scores(photo):
    table, figure = compare(
        photo, [2, 4], "Lab", methods=["kmeans", "wu", "ward"], figure=True, replicates=0
    )
    panels = {axis.get_gid(): axis for axis in figure.axes if axis.get_gid()}
    rows = {"kmeans": "Lab", "wu": "wu", "ward": "ward:Lab"}
    for record in table.to_dict("records"):
        axis = panels.pop(f"panel:{rows[record['method']]}:{record['k']}")
        # Each panel's number is its run's mean ΔE00 in the table.
        assert [text.get_text() for text in axis.texts] == [f"{record['delta_e2000_mean']:.1f}"]
    assert not panels
    labels = [axis.get_ylabel() for axis in figure.axes if axis.get_ylabel()]
    assert labels == ["Lab", "wu", "ward\n(Lab)"]
    title = " ".join(figure.get_suptitle().split())
    assert "rows are colour spaces, other methods in italics" in title


def test_compare_figure_of_quantizers_alone_says_its_rows_are_methods(photo):
    table, figure = compare(photo, [2], methods=["octree", "median_cut"], figure=True)
    assert table["method"].tolist() == ["octree", "median_cut"]
    title = " ".join(figure.get_suptitle().split())
    assert "rows are methods, columns are k" in title and "colour spaces" not in title


def test_compare_refuses_unknown_names_and_spaces_for_quantizers_before_reading(tmp_path):
    missing = tmp_path / "nothing.png"  # never read: the names are checked first
    with pytest.raises(ValueError, match=r"^unknown method 'median-cut'"):
        compare(missing, 4, "Lab", methods=["kmeans", "median-cut"])
    with pytest.raises(ValueError, match=r"^unknown dithering 'fs'; valid: none, floyd_steinberg"):
        compare(missing, 4, "Lab", dither="fs")
    with pytest.raises(ValueError, match="^octree is a classic quantizer: .* not Lab$"):
        compare(missing, 4, "Lab", methods="octree")
    with pytest.raises(ValueError, match="^methods is empty"):
        compare(missing, 4, "Lab", methods=[])


def test_the_command_compares_methods_given_by_repeated_flags(photo, tmp_path, capsys):
    metrics = tmp_path / "m.csv"
    argv = ["compare", str(photo), "-k", "3", "-s", "Lab", "-m", "kmeans", "-m", "median_cut",
            "octree", "--dither", "floyd_steinberg", "--metrics", str(metrics), "-q"]  # fmt: skip
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["method", "dither", "space", "k"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["kmeans", "floyd_steinberg", "Lab"],
        ["median_cut", "floyd_steinberg", "-"],
        ["octree", "floyd_steinberg", "-"],
    ]
    expected = compare(
        photo, 3, "Lab", methods=["kmeans", "median_cut", "octree"], dither="floyd_steinberg"
    )
    written = pd.read_csv(metrics)
    for line, row in zip(lines[1:], expected.to_dict("records"), strict=True):
        assert line.split()[8] == f"{row['delta_e2000_mean']:.2f}"
    assert written["delta_e2000_mean"].tolist() == pytest.approx(
        expected["delta_e2000_mean"].tolist(), rel=1e-9
    )


def test_the_command_with_quantizers_alone_needs_no_space(photo, capsys):
    assert cli.main(["compare", str(photo), "-k", "4", "-m", "wu", "-q"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines[1:]] == [["wu", "-", "4"]]


@pytest.mark.parametrize(
    "args, message",
    [
        (["-m", "kmeans", "median-cut"], "argument -m/--method: invalid choice: 'median-cut'"),
        (["--dither", "fs"], "argument --dither: invalid choice: 'fs'"),
        (["-m", "octree", "-s", "Lab"],
         "colourquant: --space: octree is a classic quantizer: it works in 8-bit RGB and "
         "takes no colour space, not Lab"),
        (["-k", "300", "-m", "kmeans", "median_cut"],
         "colourquant: --method: median_cut builds at most 256 colours; got k = 300"),
    ],
)  # fmt: skip
def test_the_commands_bad_method_or_dither_is_one_line_and_exit_2(photo, capsys, args, message):
    with pytest.raises(SystemExit) if "argument" in message else nullcontext() as exited:
        status = cli.main(["compare", str(photo), "-q", *args])
    status = exited.value.code if "argument" in message else status
    assert status == 2
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == (2 if "argument" in message else 1)  # argparse adds its usage


# --- several dithering variants of one fit: a row each, in the table and the figure ----------


def test_compare_measures_every_dithering_variant_of_each_fit(photo):
    methods, variants = ["kmeans", "median_cut", "ward"], ["none", "floyd_steinberg", "ordered"]
    table = compare(photo, [3, 6], ["RGB", "Lab"], methods=methods, dither=variants)
    # A row per run and variant, the variants of a run together in the order given.
    assert table["dither"].tolist() == variants * 10
    assert list(table.columns[:4]) == ["image", "space", "method", "dither"]
    by_variant = {variant: table[table["dither"] == variant] for variant in variants}
    # Each variant's rows are those of a comparison of that variant alone (up to the
    # dither column, and fit_seconds, which is the time of one fit) ...
    for variant in variants:
        alone = compare(photo, [3, 6], ["RGB", "Lab"], methods=methods, dither=variant)
        assert rows_without_timing(by_variant[variant][alone.columns]) == rows_without_timing(alone)
        # The columns a variant alone lacks are the seed noise of the undithered fit.
        extra = by_variant[variant].drop(columns=[*alone.columns, "dither"])
        assert all(column.endswith("_seed_change") or column.startswith("seed_")
                   for column in extra)  # fmt: skip
        assert (variant == "none" and extra.empty) or extra.isna().all().all()
    # ... from one fit: every variant of a run reports that fit's own time.
    for variant in variants[1:]:
        seconds = by_variant[variant]["fit_seconds"].tolist()
        assert seconds == by_variant["none"]["fit_seconds"].tolist()
        # Dithering changes the pixels, not the palette; the undithered rows keep the
        # replicate's seed noise, which measures the undithered fit only.
        changed = by_variant[variant]["mse_rgb"].to_numpy() != by_variant["none"]["mse_rgb"]
        assert changed.all()
        assert by_variant[variant]["seed_delta_e2000"].isna().all()
    plain = by_variant["none"]
    assert plain.loc[plain["method"] == "kmeans", "seed_delta_e2000"].notna().all()


def test_compare_without_the_undithered_variant_fits_no_replicate(photo):
    table = compare(photo, 4, "Lab", dither=["ordered", "floyd_steinberg", "ordered"])
    assert table["dither"].tolist() == ["ordered", "floyd_steinberg"]  # a repeat counts once
    assert "seed_delta_e2000" not in table
    with pytest.raises(ValueError, match="^dither is empty: give at least one"):
        compare(photo, 4, "Lab", dither=[])
    with pytest.raises(ValueError, match=r"^unknown dithering 'fs'; valid: none, floyd_steinberg"):
        compare(photo, 4, "Lab", dither=["none", "fs"])


def test_compare_figure_has_a_row_per_space_or_method_and_variant(photo):
    table, figure = compare(
        photo, [2, 4], "Lab", methods=["kmeans", "wu", "ward"],
        dither=["none", "floyd_steinberg"], figure=True, replicates=0,
    )  # fmt: skip
    panels = {axis.get_gid(): axis for axis in figure.axes if axis.get_gid()}
    rows = {"kmeans": "Lab", "wu": "wu", "ward": "ward:Lab"}
    suffix = {"none": "", "floyd_steinberg": " F–S"}
    for record in table.to_dict("records"):
        row = rows[record["method"]] + suffix[record["dither"]]
        axis = panels.pop(f"panel:{row}:{record['k']}")
        assert [text.get_text() for text in axis.texts] == [f"{record['delta_e2000_mean']:.1f}"]
    assert not panels
    labels = [axis.get_ylabel() for axis in figure.axes if axis.get_ylabel()]
    assert labels == ["Lab", "Lab\nF–S", "wu", "wu\nF–S", "ward\n(Lab)", "ward\n(Lab)\nF–S"]
    title = " ".join(figure.get_suptitle().split())
    assert title.startswith("photo, undithered and dithered (F–S: Floyd–Steinberg), quantized")


def test_the_command_compares_several_variants(photo, tmp_path, capsys):
    metrics, figure = tmp_path / "m.csv", tmp_path / "fig.png"
    argv = ["compare", str(photo), "-k", "3", "-s", "Lab", "-m", "kmeans", "octree",
            "--dither", "none", "ordered", "--metrics", str(metrics), "-o", str(figure),
            "-q"]  # fmt: skip
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["method", "dither", "space", "k"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["kmeans", "none", "Lab"],
        ["kmeans", "ordered", "Lab"],
        ["octree", "none", "-"],
        ["octree", "ordered", "-"],
    ]
    expected = compare(photo, 3, "Lab", methods=["kmeans", "octree"], dither=["none", "ordered"])
    written = pd.read_csv(metrics)
    assert written["dither"].tolist() == expected["dither"].tolist()
    assert written["delta_e2000_mean"].tolist() == pytest.approx(
        expected["delta_e2000_mean"].tolist(), rel=1e-9
    )
    assert figure.stat().st_size > 0
