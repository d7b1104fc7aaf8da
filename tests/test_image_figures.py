"""The table of per-image figures: the workflow's plot outputs, targets and report
entries come from it, so adding a figure is a function, a table entry and a caption."""

import shutil
import subprocess

import pytest
import yaml
from PIL import Image

from colourquant.image_figures import IMAGE_FIGURES, figure_outputs
from conftest import REPO, SNAKEMAKE, noisy_photo, sweep_config, write_images

# Appended to a copy of the package's table, as a contributor would add it.
TOY_FIGURE = '''

def _toy(data, k):
    """Mean ΔE00 of each k-means run against k: a toy per-image figure."""
    import matplotlib.pyplot as plt

    runs = data.metrics[data.metrics["method"] == "kmeans"]
    figure, axis = plt.subplots(figsize=(3, 2))
    axis.plot(runs["k"], runs["delta_e2000_mean"], "o", gid="toy-points")
    axis.set_title(f"{data.image}: toy")
    return figure


IMAGE_FIGURES["toy"] = ImageFigure("toy", _toy, "toy.rst", "Toy", "toy figure", dpi=50)
'''


def test_outputs_follow_the_table_with_its_conditions():
    one_space = figure_outputs([8, 2], n_spaces=1)
    assert "differences" not in one_space  # needs two spaces
    assert list(one_space) == [
        "comparison", "comparison_k2", "comparison_k8", "inertia", "quality", "cluster_sizes",
    ]  # fmt: skip
    assert one_space["comparison_k8"] == (IMAGE_FIGURES["comparison_k"], 8)
    assert one_space["inertia"] == (IMAGE_FIGURES["inertia"], None)
    two = figure_outputs([2], n_spaces=2)
    assert two["differences"] == (IMAGE_FIGURES["differences"], None)
    assert set(two) == set(one_space) - {"comparison_k8"} | {"differences"}


def test_every_figure_has_its_caption_in_the_report_folder():
    for figure in IMAGE_FIGURES.values():
        assert (REPO / "workflow/report" / figure.caption).is_file(), figure.name


def _copy_of_the_repository(destination):
    """The Snakefile, workflow and package, to change as a contributor would."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("workflow", "src", "config"):
        shutil.copytree(REPO / folder, destination / folder, ignore=ignore)
    # The rules' conda environment files, wherever they are at the top.
    for name in ("Snakefile", "environment.yml", "pyproject.toml"):
        shutil.copy(REPO / name, destination / name)
    return destination


@pytest.mark.workflow
def test_a_figure_added_to_the_table_is_drawn_targeted_and_in_the_report(tmp_path):
    repo = _copy_of_the_repository(tmp_path / "repo")
    table = repo / "src/colourquant/image_figures.py"
    table.write_text(table.read_text() + TOY_FIGURE)
    (repo / "workflow/report/toy.rst").write_text(
        "A toy figure of {{ snakemake.wildcards.image }}.\n"
    )
    (tmp_path / "work").mkdir()
    work = write_images(tmp_path / "work", {"photo": noisy_photo(0), "flags": noisy_photo(1)})
    config = sweep_config(["photo", "flags"], ["RGB"], [2, 3], methods=["kmeans"])
    configfile = work / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))

    def snakemake(*args):
        command = [*SNAKEMAKE, "--snakefile", str(repo / "Snakefile"), "--directory", str(work),
                   "--configfile", str(configfile), "--cores", "2", *args]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout + result.stderr

    planned = snakemake("--dry-run")
    for image in ("photo", "flags"):
        assert f"results/default/figures/{image}/toy.png" in planned
    # Drawn by the plot job, from the table's entry, at its dpi.
    snakemake()
    with Image.open(work / "results/default/figures/photo/toy.png") as png:
        assert png.size == (150, 100)
    snakemake("--report", "results/default/report.html")
    report = (work / "results/default/report.html").read_text()
    assert "results/default/figures/flags/toy.png" in report
    assert "toy figure" in report and "Toy" in report


@pytest.mark.workflow
def test_the_plot_job_reads_only_the_inputs_its_figures_need(tmp_path):
    """With the toy figure and the front page's comparison figures alone in the
    table, the job reads neither curves nor centres nor differences."""
    repo = _copy_of_the_repository(tmp_path / "repo")
    table = repo / "src/colourquant/image_figures.py"
    # The front page's picture is a comparison figure: it stays.
    only_toy = '\nIMAGE_FIGURES = {"comparison_k": IMAGE_FIGURES["comparison_k"]}' + TOY_FIGURE
    table.write_text(table.read_text() + only_toy)
    (repo / "workflow/report/toy.rst").write_text("A toy figure.\n")
    (tmp_path / "work").mkdir()
    work = write_images(tmp_path / "work", {"photo": noisy_photo(0)})
    config = sweep_config(["photo"], ["RGB", "Lab"], [2, 3], methods=["kmeans"])
    configfile = work / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    command = [*SNAKEMAKE, "--snakefile", str(repo / "Snakefile"), "--directory", str(work),
               "--configfile", str(configfile), "--cores", "2",
               "results/default/figures/photo/toy.png"]  # fmt: skip
    planned = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, timeout=600)
    assert planned.returncode == 0, planned.stderr[-3000:]
    lines = planned.stdout.splitlines()
    start = lines.index("rule plot_image:")
    inputs = next(line for line in lines[start:] if line.strip().startswith("input:"))
    read = sorted(path.strip() for path in inputs.split(":", 1)[1].split(","))
    runs = [f"results/default/runs/photo/{space}/k{k}" for space in ("Lab", "RGB") for k in (2, 3)]
    assert read == sorted(
        ["results/default/prepared/photo/distinct.npz"]
        + [f"{run}/{name}" for run in runs for name in ("metrics.csv", "quantized.png")]
    )
    assert "rule space_differences:" not in planned.stdout  # no figure needs the differences
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    with Image.open(work / "results/default/figures/photo/toy.png") as png:
        assert png.size == (150, 100)
    assert (work / "results/default/figures/photo/comparison_k3.jpg").is_file()
    assert not (work / "results/default/figures/photo/quality.png").exists()
