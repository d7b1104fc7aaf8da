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
