"""Experiments never mix: two configs leave two complete, separate results and reports."""

import pandas as pd
import pytest
import yaml

from conftest import noisy_photo, run_workflow, write_images

pytestmark = pytest.mark.workflow

FIRST = {"experiment": "first", "colour_spaces": ["RGB", "Lab"], "k_values": [2, 3]}
SECOND = {"experiment": "second", "colour_spaces": ["HSV"], "k_values": [4]}


@pytest.fixture(scope="module")
def two_experiments(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("experiments")
    write_images(workdir, {"photo": noisy_photo(seed=2)})
    images = {"images": [{"name": "photo", "source": "photo.png"}]}
    for config in (FIRST, SECOND):
        run_workflow(workdir, {**images, **config}, "--cores", "2")
    first_metrics = (workdir / "results/first/metrics.csv").read_bytes()
    for config in (FIRST, SECOND):
        report = f"results/{config['experiment']}/report.html"
        run_workflow(workdir, {**images, **config}, "--report", report)
    return workdir, images, first_metrics


def test_each_experiment_keeps_its_own_complete_outputs(two_experiments):
    workdir, _, first_metrics = two_experiments
    assert sorted(path.name for path in (workdir / "results").iterdir()) == ["first", "second"]
    # The second config wrote nothing into the first's folder.
    assert (workdir / "results/first/metrics.csv").read_bytes() == first_metrics
    for config in (FIRST, SECOND):
        results = workdir / "results" / config["experiment"]
        runs = pd.read_csv(results / "metrics.csv")
        assert sorted(set(runs["space"])) == sorted(config["colour_spaces"])
        assert sorted(set(runs["k"])) == config["k_values"]
        recorded = yaml.safe_load((results / "config.yaml").read_text())
        assert recorded["experiment"] == config["experiment"]
        assert recorded["k_values"] == config["k_values"]


def test_each_report_describes_its_own_experiment(two_experiments):
    workdir = two_experiments[0]
    first = (workdir / "results/first/report.html").read_text()
    second = (workdir / "results/second/report.html").read_text()
    assert "results/first/figures/photo/comparison_k3.jpg" in first
    assert "results/second/" not in first
    assert "results/second/figures/photo/comparison_k4.jpg" in second
    assert "results/first/" not in second


def test_a_report_with_another_config_is_refused(two_experiments):
    workdir, images, _ = two_experiments
    changed = {**images, **FIRST, "k_values": [2, 3, 5]}
    result = run_workflow(workdir, changed, "--report", "results/first/report.html", check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "experiment 'first': the outputs in results/first/ were made with another config" in (
        message
    )
    assert "(it differs in: k_values)" in message
    # Running the changed config updates the experiment; then its report is built.
    run_workflow(workdir, changed, "--cores", "2")
    run_workflow(workdir, changed, "--report", "results/first/report.html")
    assert sorted(set(pd.read_csv(workdir / "results/first/metrics.csv")["k"])) == [2, 3, 5]


@pytest.mark.parametrize("spelling", ["--report results/first/report.html",
                                      "--report=results/first/other.html"])  # fmt: skip
def test_a_report_into_another_experiments_folder_is_refused(two_experiments, spelling):
    workdir, images, _ = two_experiments
    before = (workdir / "results/first/report.html").read_bytes()
    # The second experiment's config, without --config experiment=first.
    result = run_workflow(workdir, {**images, **SECOND}, *spelling.split(" "), check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    path = spelling.split("=")[-1].split(" ")[-1]
    assert (
        f"--report {path}: the folder of experiment 'first', but the config is "
        "experiment 'second'" in message
    )
    assert "or write the report to results/second/report.html" in message
    assert (workdir / "results/first/report.html").read_bytes() == before
    assert not (workdir / "results/first/other.html").exists()
