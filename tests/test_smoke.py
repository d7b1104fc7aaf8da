"""The .test/ smoke sweep computes exactly what it computed before (tests/smoke_digest.py)."""

import json

import yaml

from conftest import REPO, run_workflow
from smoke_digest import DIGEST, differences, digest


def test_smoke_sweep_outputs_are_unchanged(tmp_path):
    config = yaml.safe_load((REPO / ".test/config/config.yaml").read_text())
    run_workflow(tmp_path, config, "--cores", "2")
    problems = differences(
        json.loads(DIGEST.read_text()), digest(tmp_path / "results" / config["experiment"])
    )
    assert not problems, "\n".join(problems[:20])
