"""Record a finished sweep's answers to the notebook's two questions, for the docs to quote.

Reads a finished experiment's study tables (results/<experiment>/study/ and
differences/), answers with colourquant.study.answers as the report's front
page does, and writes docs/benchmarks/answers_<name>.json: the answer
sentences (setup) and the numbers behind them (results), so that the README
quotes measured numbers only.

    python benchmarks/answers.py results/default [--name NAME] [--config FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from colourquant.study.answers import answers, quality_gaps  # noqa: E402
from colourquant.study.indistinguishable import seed_spread_at  # noqa: E402
from common import write_summary  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path, help="a finished experiment's folder")
    parser.add_argument("--name", help="the summary's name (default: the folder's)")
    parser.add_argument("--config", default="config/config.yaml", help="the config it ran")
    args = parser.parse_args()
    study = args.results / "study"
    tables = {
        name: pd.read_csv(study / f"{name}.csv")
        for name in ("paired_differences", "stop_differing_summary", "judge_verdicts")
    }
    differences = pd.concat(
        map(pd.read_csv, sorted((args.results / "differences").glob("*.csv"))),
        ignore_index=True,
    )
    runs = pd.read_csv(args.results / "metrics.csv")
    said = answers(tables, differences, runs=runs)
    gaps = quality_gaps(tables["paired_differences"])
    largest = int(differences["k"].max())
    between = (
        differences[differences["k"] == largest]
        .groupby(["space_a", "space_b"])["delta_e2000_mean"]
        .mean()
    )
    jnd = tables["stop_differing_summary"]
    jnd = jnd[jnd["threshold"] == "jnd"]
    results = [
        {"measure": "images", "value": differences["image"].nunique(), "unit": ""},
        {"measure": "largest k swept", "value": largest, "unit": ""},
        {"measure": "largest gap between the spaces' mean ΔE00 from the original, any k",
         "value": float(gaps.max()), "unit": "ΔE00"},
        {"measure": "gap between the spaces' mean ΔE00 from the original, largest k",
         "value": float(gaps.iloc[-1]), "unit": "ΔE00"},
        {"measure": "closest pair of spaces' images at the largest k (mean over images)",
         "value": float(between.min()), "unit": "ΔE00"},
        {"measure": "farthest pair of spaces' images at the largest k (mean over images)",
         "value": float(between.max()), "unit": "ΔE00"},
        {"measure": "pairs of spaces whose images are < 1 ΔE00 apart in every image from some k",
         "value": int((jnd["n_reached"] == jnd["n_images"]).sum()), "unit": ""},
        {"measure": "pairs of spaces", "value": len(jnd), "unit": ""},
        {"measure": "one space's images refitted with another seed, at the largest k "
                    "(mean over images and spaces)",
         "value": seed_spread_at(runs, largest), "unit": "ΔE00"},
    ]  # fmt: skip
    name = args.name or args.results.name
    setup = {
        "config": args.config,
        "results": str(args.results),
        "which space gives the closer result": " ".join(said["which_space"]),
        "is there a k where the spaces become indistinguishable": " ".join(
            said["indistinguishable"]
        ),
    }
    command = f"python benchmarks/answers.py {args.results} --name {name}"
    write_summary(f"answers_{name}", command, setup, results)


if __name__ == "__main__":
    main()
