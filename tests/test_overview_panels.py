"""The comparison overview's panels are readable in the report at 1366 x 768 (issue #27)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from colourquant.comparison_plots import COMPARISON_DPI, comparison_overview_figure  # noqa: E402
from colourquant.files import thumbnail, write_figure  # noqa: E402
from colourquant.plots import REPORT_IMAGE_BOX  # noqa: E402
from conftest import noisy_photo  # noqa: E402

SPACES = ["RGB", "Lab", "HSV", "HSL"]
K_VALUES = [2, 3, 4, 5, 6, 8, 10, 12, 16]  # config/config.yaml's


def overview(shape, per_k_figures):
    small = thumbnail(noisy_photo(1, *shape))
    quantized = {(space, k): small for space in SPACES for k in K_VALUES}
    return comparison_overview_figure("photo", small, quantized, SPACES, K_VALUES,
                                      image_size=shape, per_k_figures=per_k_figures)  # fmt: skip


def panel_sizes_on_screen(figure, path) -> list[tuple[float, float]]:
    """Each quantized panel's width and height in CSS px as the report shows the figure."""
    write_figure(path, figure, dpi=COMPARISON_DPI)
    with Image.open(path) as drawn:
        scale = min(1.0, REPORT_IMAGE_BOX[0] / drawn.width)
        width, height = drawn.size
    return [
        (axis.get_position().width * width * scale, axis.get_position().height * height * scale)
        for axis in figure.get_axes()
        if axis.get_gid()
    ]


@pytest.mark.parametrize(
    "shape", [(300, 451), (512, 512), (427, 640)]
)  # chelsea, astronaut, rocket
def test_the_workflows_overview_shows_five_k_in_panels_a_reader_can_see(tmp_path, shape):
    figure = overview(shape, per_k_figures=True)
    shown = sorted({int(axis.get_gid().split(":")[2]) for axis in figure.get_axes()
                    if axis.get_gid()})  # fmt: skip
    assert shown == [2, 4, 6, 10, 16]
    assert "(5 of the 9 k swept)" in figure.get_suptitle().replace("\n", " ")
    sizes = panel_sizes_on_screen(figure, tmp_path / "overview.jpg")
    # Was about 80 x 55 px with all nine k.
    assert min(width for width, _ in sizes) >= 110, sizes
    assert min(height for _, height in sizes) >= 75, sizes


def test_an_overview_without_per_k_figures_keeps_every_k(tmp_path):
    """The CLI's and the API's only figure: every k the user asked for."""
    figure = overview((300, 451), per_k_figures=False)
    shown = {int(axis.get_gid().split(":")[2]) for axis in figure.get_axes() if axis.get_gid()}
    assert shown == set(K_VALUES)
    assert "k swept" not in figure.get_suptitle()
