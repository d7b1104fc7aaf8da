"""Peak memory and CPU time of one quantize job against its dithered variants.

With ``dither:`` in the config, each quantize, cluster and
quantize_with_quantizer job also writes every run's dithered variants (the
same palette, dithered in the run's space on a float64 copy of the whole
image, measured again). This measures what one job's work costs as the
variants grow: the work of workflow/scripts/quantize.py (load_distinct,
kmeans_runs, dithered_runs, write_run of each run and variant), each case in
a fresh Python on one thread, its peak resident memory (VmHWM) and CPU
seconds (getrusage), for photos of 0.4, 3 and 12 megapixels (coffee resized,
plus noise sigma 3, as benchmarks/prepare_memory.py makes them) in Lab, at
k = 8 and 16, for dither [none], [none, floyd_steinberg] and [none,
floyd_steinberg, ordered]. The fit runs one start and no replicate (the
default config's fit otherwise), to keep the run near ten minutes on two
shared cores: the dithering does not depend on it. Beside each case it
prints what the quantize rule asks for at the first attempt, with the
dithering terms of workflow/rules/common.smk (request_mb and request_min
below repeat the rule's formulas; tests/test_resources.py checks the real
rule's requests against this benchmark's output). --from-json recomputes
the requests for the cases measured, after a change of those terms.

    python benchmarks/dither_resources.py

It writes docs/benchmarks/dither_resources.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FIT, REPO, SUMMARIES, significant, write_summary  # noqa: E402
from prepare_memory import photo  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
from colourquant.colours import distinct_colours  # noqa: E402
from colourquant.files import save_distinct  # noqa: E402

SIZES = [("0.4 MP", 512, 768), ("3 MP", 1500, 2000), ("12 MP", 3000, 4000)]
DITHERS = [["none"], ["none", "floyd_steinberg"], ["none", "floyd_steinberg", "ordered"]]
K_VALUES = [8, 16]
SPACE = "Lab"

# One job's work, as workflow/scripts/quantize.py does it, then its own peak and CPU time.
JOB = """
import json, resource, sys
from colourquant.files import load_distinct, write_run
from colourquant.runs import FitSettings, kmeans_runs
from colourquant.variants import dithered_runs, variants_of
distinct_path, space, out, fit, k_values, dithers = sys.argv[1:]
k_values, dithers = json.loads(k_values), variants_of(json.loads(dithers))
distinct, metadata = load_distinct(distinct_path)
runs = kmeans_runs(distinct, space, k_values, FitSettings.from_config(json.loads(fit)),
                   name="bench", metadata=metadata)
for run, dithered in dithered_runs(runs, distinct, dithers):
    write_run(f"{out}/k{run.k}", run)
    for name, variant in dithered.items():
        write_run(f"{out}/k{run.k}/{name}", variant)
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM starts afresh at exec; getrusage's maxrss keeps the forking parent's size.
status = open("/proc/self/status").read()
print(json.dumps({"peak_mb": int(status.split("VmHWM:")[1].split()[0]) / 1024,
                  "cpu_s": usage.ru_utime + usage.ru_stime}))
"""

# The fit: the default settings but one start and no replicate, to keep the
# run near ten minutes; the dithering measured does not depend on them.
FIT_SETTINGS = {**FIT, "n_init": 1, "replicates": 0}
CONSTANTS = [
    "QUANTIZE_MB_BASE",
    "QUANTIZE_MB_PER_MEGAPIXEL",
    "DITHER_MB_PER_MEGAPIXEL",
    "DITHER_MB_PER_VARIANT_MEGAPIXEL",
    "DITHER_MINUTES_PER_VARIANT_K_MEGAPIXEL",
]


def rule_constants() -> dict[str, float]:
    """common.smk's pixel and dithering terms of the quantize rules' requests."""
    text = (REPO / "workflow/rules/common.smk").read_text()
    return {name: float(text.split(f"\n{name} = ")[1].split()[0]) for name in CONSTANTS}


def request_mb(case: dict, constants: dict) -> float:
    """What the quantize rule asks for at the first attempt (common.smk's
    quantize_mb)."""
    dithering = 0.0
    if case["variants"]:
        dithering = case["megapixels"] * (
            constants["DITHER_MB_PER_MEGAPIXEL"]
            + constants["DITHER_MB_PER_VARIANT_MEGAPIXEL"] * case["variants"]
        )
    pixels = (
        constants["QUANTIZE_MB_BASE"] + constants["QUANTIZE_MB_PER_MEGAPIXEL"] * case["megapixels"]
    )
    return max(600 + 12 * case["distinct_mb"], pixels) + dithering


def request_min(case: dict, constants: dict) -> float:
    """The quantize rule's runtime at the first attempt (common.smk's dither_minutes)."""
    per_k = 0.1 + case["distinct_mb"] / 50
    per_k += (
        constants["DITHER_MINUTES_PER_VARIANT_K_MEGAPIXEL"] * case["variants"] * case["megapixels"]
    )
    return 1 + len(K_VALUES) * per_k


def measure(distinct: Path, dithers: list[str], scratch: Path) -> dict:
    """One job's peak memory (MB) and CPU seconds, in a fresh Python on one thread."""
    threads = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    environment = {**os.environ, **threads, "PYTHONPATH": str(REPO / "src")}
    finished = subprocess.run(
        [sys.executable, "-c", JOB, str(distinct), SPACE, str(scratch / "runs"),
         json.dumps(FIT_SETTINGS), json.dumps(K_VALUES), json.dumps(dithers)],
        env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(finished.stdout.splitlines()[-1])


def measure_cases() -> list[dict]:
    """Every case: the photo, its distinct.npz, the job and what it used."""
    cases = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for label, height, width in SIZES:
            distinct_path = scratch / "distinct.npz"
            image = distinct_colours(photo(height, width))
            save_distinct(distinct_path, image, source_mode="RGB")
            for dithers in DITHERS:
                measured = measure(distinct_path, dithers, scratch)
                cases.append({
                    "photo": label, "megapixels": height * width / 1e6,
                    "distinct_mb": round(distinct_path.stat().st_size / 2**20, 2),
                    "distinct_colours": len(image.colours), "method": "kmeans",
                    "dither": dithers, "variants": len(dithers) - 1,
                    "peak_mb": round(measured["peak_mb"], 1), "cpu_s": round(measured["cpu_s"], 2),
                })  # fmt: skip
                print(f"{name(cases[-1])}: peak {measured['peak_mb']:.0f} MB, "
                      f"{measured['cpu_s']:.1f} CPU s", flush=True)  # fmt: skip
    return cases


def name(case: dict) -> str:
    return f"{case['photo']}, {case['method']}, dither {'+'.join(case['dither'])}"


def results_of(cases: list[dict], constants: dict) -> list[dict]:
    """The summary's rows: each case's peak and CPU time beside the rule's
    request, and what one variant adds per megapixel (k-means)."""
    results = []
    for case in cases:
        memory, minutes = request_mb(case, constants), request_min(case, constants)
        print(f"{name(case)}: peak {case['peak_mb']:.0f} MB, rule asks {memory:.0f} MB; "
              f"{case['cpu_s']:.0f} CPU s, rule asks {minutes * 60:.0f} s")  # fmt: skip
        rows = {
            "peak memory": (case["peak_mb"], "MB"),
            "CPU time": (case["cpu_s"], "s"),
            "rule's memory request": (memory, "MB"),
            "rule's memory request / peak": (memory / case["peak_mb"], "ratio"),
            "rule's runtime request": (minutes, "min"),
            "rule's runtime request / CPU time": (minutes * 60 / case["cpu_s"], "ratio"),
        }
        results += [
            {"measure": f"{name(case)}: {what}", "value": value, "unit": unit}
            for what, (value, unit) in rows.items()
        ]
    for label, _, _ in SIZES:
        kmeans = [case for case in cases if case["photo"] == label and case["method"] == "kmeans"]
        none, first, both = kmeans
        megapixels = none["megapixels"]
        results += [
            {"measure": f"{label}, kmeans: peak memory added by the first variant, per megapixel",
             "value": (first["peak_mb"] - none["peak_mb"]) / megapixels, "unit": "MB"},
            {"measure": f"{label}, kmeans: peak memory added by the second variant, per megapixel",
             "value": (both["peak_mb"] - first["peak_mb"]) / megapixels, "unit": "MB"},
            {"measure": f"{label}, kmeans: CPU time added per variant, k and megapixel",
             "value": (both["cpu_s"] - none["cpu_s"]) / (2 * len(K_VALUES) * megapixels),
             "unit": "s"},
        ]  # fmt: skip
        for case in (first, both):
            added = request_mb(case, constants) - request_mb(none, constants)
            added_min = request_min(case, constants) - request_min(none, constants)
            results += [
                {"measure": f"{name(case)}: memory the rule adds / peak memory added",
                 "value": added / (case["peak_mb"] - none["peak_mb"]), "unit": "ratio"},
                {"measure": f"{name(case)}: runtime the rule adds / CPU time added",
                 "value": added_min * 60 / (case["cpu_s"] - none["cpu_s"]), "unit": "ratio"},
            ]  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from-json", action="store_true",
                        help="recompute the rule's requests for the cases measured in "
                        "docs/benchmarks/dither_resources.json, running nothing")  # fmt: skip
    arguments = parser.parse_args()
    constants = rule_constants()
    setup = {
        "job": "load_distinct + kmeans_runs + dithered_runs + write_run "
        "of every run and variant, in a fresh python, one thread",
        "images": "coffee resized (bilinear) plus noise sigma 3",
        "space": SPACE,
        "k values": K_VALUES,
        "fit": FIT_SETTINGS,
        "rule's pixel and dithering terms (workflow/rules/common.smk)": constants,
    }
    if arguments.from_json:
        path = SUMMARIES / "dither_resources.json"
        summary = json.loads(path.read_text())
        cases = summary["setup"]["cases"]
        summary["setup"] = {**setup, "cases": cases}
        summary["results"] = [
            {**row, "value": significant(row["value"])} for row in results_of(cases, constants)
        ]
        path.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        print(f"requests recomputed in {path}")
        return
    cases = measure_cases()
    write_summary(
        "dither_resources",
        "python benchmarks/dither_resources.py",
        {**setup, "cases": cases},
        results_of(cases, constants),
    )


if __name__ == "__main__":
    main()
