"""What `colourquant compare` says: a figure title true of what it writes, and seconds named."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
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
