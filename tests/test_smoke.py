"""The .test/ smoke sweep computes exactly what it computed before (tests/smoke_digest.py)."""

import json

import pytest
import yaml

from conftest import REPO, finished_sweep
from smoke_digest import DIGEST, differences, digest

pytestmark = pytest.mark.workflow


def test_smoke_sweep_outputs_are_unchanged(tmp_path):
    config = yaml.safe_load((REPO / ".test/config/config.yaml").read_text())
    finished_sweep(tmp_path, config)
    problems = differences(
        json.loads(DIGEST.read_text()), digest(tmp_path / "results" / config["experiment"])
    )
    assert not problems, "\n".join(problems[:20])
