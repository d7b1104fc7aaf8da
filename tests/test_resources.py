"""The real `snakemake`'s requests for the jobs that dither (issue #28).

Each quantize, cluster and quantize_with_quantizer job also writes every
run's dithered variants (``dither:``), on a float64 copy of the whole image:
its memory and runtime requests must grow with the variants, by more than
what benchmarks/dither_resources.py measured the variants to add on its
largest photo, and stay as they were without variants (the default). The
images are prepared by a real run; the requests are read from a dry run's
job list.
"""

import json
import re
import sys

import pytest

from conftest import REPO, noisy_photo, run_workflow, sweep_config, write_images, write_png

pytestmark = pytest.mark.workflow

MEASURED = json.loads((REPO / "docs/benchmarks/dither_resources.json").read_text())
CASES = MEASURED["setup"]["cases"]
LARGEST = max(case["megapixels"] for case in CASES)
DITHERS = [["none"], ["none", "floyd_steinberg"], ["none", "floyd_steinberg", "ordered"]]
RULES = ["quantize", "quantize_with_quantizer", "cluster"]


def _largest_photo():
    """The benchmark's largest photo (coffee resized plus noise), the same pixels."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from dither_resources import SIZES
    from prepare_memory import photo

    _, height, width = SIZES[-1]
    assert height * width / 1e6 == LARGEST
    return photo(height, width)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A workdir whose images are prepared: the benchmark's largest photo and a
    small one; returns it with the config (the benchmark's space and k)."""
    workdir = tmp_path_factory.mktemp("resources")
    write_png(workdir / "large.png", _largest_photo())
    write_images(workdir, {"small": noisy_photo(seed=3)})
    config = sweep_config(
        ["large", "small"],
        [MEASURED["setup"]["space"]],
        MEASURED["setup"]["k values"],
        methods=["kmeans", "median_cut", "minibatch_kmeans"],
    )
    targets = [f"results/default/prepared/{name}/distinct.npz" for name in ("large", "small")]
    run_workflow(workdir, config, "--cores", "1", *targets)
    return workdir, config


def _requests(workdir, config, dithers) -> dict:
    """{(rule, image): (mem_mb, runtime)} of the jobs a dry run plans."""
    result = run_workflow(workdir, {**config, "dither": dithers}, "--dry-run", "--cores", "1")
    requests = {}
    for block in re.split(r"\n(?:local)?rule ", result.stdout)[1:]:
        rule = block.split(":")[0]
        if rule in RULES:
            image = re.search(r"wildcards: image=(\w+)", block).group(1)
            mem_mb = int(re.search(r"\bmem_mb=(\d+)", block).group(1))
            runtime = int(re.search(r"\bruntime=(\d+)", block).group(1))
            requests[rule, image] = (mem_mb, runtime)
    assert {rule for rule, _ in requests} == set(RULES), result.stdout[-2000:]
    return requests


@pytest.fixture(scope="module")
def requests(prepared):
    return {tuple(dithers): _requests(*prepared, dithers) for dithers in DITHERS}


def _distinct_mb(workdir, image):
    return (workdir / f"results/default/prepared/{image}/distinct.npz").stat().st_size / 2**20


def test_without_variants_small_images_ask_what_they_asked_and_large_ones_their_peak(
    prepared, requests
):
    workdir, config = prepared
    ks = len(config["k_values"])
    size = _distinct_mb(workdir, "small")
    # The small image: the formulas of the rules before dithering, unchanged.
    before = {
        "quantize": (600 + 12 * size, 1 + ks * (0.1 + size / 50)),
        "quantize_with_quantizer": (600 + 12 * size, 1 + ks * (0.1 + size / 50)),
        "cluster": (1000 + 12 * size, 2 + ks * (0.5 + size / 20)),
    }
    for rule, (mem_mb, runtime) in before.items():
        assert requests[("none",)][rule, "small"] == (round(mem_mb), round(runtime)), rule
    # The benchmark's largest photo: the undithered job's request covers its measured
    # peak 1.2 times (the size of distinct.npz alone asked 0.60 of it).
    undithered = next(case for case in CASES if case["megapixels"] == LARGEST)
    assert undithered["dither"] == ["none"]
    for rule in ("quantize", "quantize_with_quantizer"):
        asked = requests[("none",)][rule, "large"][0]
        assert asked >= 1.2 * undithered["peak_mb"], (rule, asked, undithered["peak_mb"])
        assert asked > 600 + 12 * _distinct_mb(workdir, "large") + 1


def test_the_requests_grow_with_the_variants(requests):
    for rule, image in requests[("none",)]:
        memory = [requests[tuple(dithers)][rule, image][0] for dithers in DITHERS]
        runtime = [requests[tuple(dithers)][rule, image][1] for dithers in DITHERS]
        if image == "large":
            assert memory[0] < memory[1] < memory[2], (rule, memory)
            assert runtime[0] < runtime[1] < runtime[2], (rule, runtime)
        else:  # 768 pixels: the variants add less than the rounding to 1 MB and 1 min
            assert memory[0] == memory[1] == memory[2], (rule, memory)
            assert runtime[0] == runtime[1] == runtime[2], (rule, runtime)


def test_what_the_variants_add_covers_what_they_cost_on_the_largest_photo(prepared, requests):
    workdir, _ = prepared
    largest = [case for case in CASES if case["megapixels"] == LARGEST]
    assert [case["dither"] for case in largest] == DITHERS
    # The very photo the benchmark measured (the same pixels, the same distinct.npz).
    assert _distinct_mb(workdir, "large") == pytest.approx(largest[0]["distinct_mb"], abs=0.01)
    undithered = largest[0]
    memory_before, runtime_before = requests[("none",)]["quantize", "large"]
    for case in largest[1:]:
        memory, runtime = requests[tuple(case["dither"])]["quantize", "large"]
        # The request grows by more than the peak did, and by more than the CPU time.
        assert memory - memory_before >= 1.2 * (case["peak_mb"] - undithered["peak_mb"]), case
        assert (runtime - runtime_before) * 60 >= 1.5 * (case["cpu_s"] - undithered["cpu_s"]), case


def test_every_rule_that_dithers_adds_the_same_for_its_variants(requests):
    # The variants cost the same whichever method made the palette.
    for dithers in DITHERS[1:]:
        added = {
            rule: requests[tuple(dithers)][rule, "large"][0] - requests[("none",)][rule, "large"][0]
            for rule in RULES
        }
        assert max(added.values()) - min(added.values()) <= 1, added
