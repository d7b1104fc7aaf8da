"""The real `snakemake` on the hostile configs of issue #24 (defects 5 to 9).

Each config file once passed validation and failed later with a traceback, or
exhausted memory; now snakemake stops before any job with one line naming the
key. Written as files, not --config: a file is where YAML aliases and floats
such as 2.0 come from.
"""

import subprocess
import sys
import time

import pytest
import yaml

from conftest import noisy_photo, run_workflow, snakemake_command, sweep_config, write_images
from test_config import alias_bomb

pytestmark = pytest.mark.workflow


def refusal(stderr: str) -> str:
    """The one line of a configuration Snakemake refused, after checking there is no more."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("invalid configuration: ")]
    assert len(lines) == 1, stderr[-3000:]
    assert len(stderr) < 2000  # the WorkflowError's header and location, and this line
    return lines[0].removeprefix("invalid configuration: ")


def test_an_alias_bomb_stops_in_seconds_with_one_line(tmp_path):
    # Issue #24: 557 bytes took 110 s and 3.1 GB and ended in a MemoryError.
    configfile = tmp_path / "bomb.yaml"
    configfile.write_text(alias_bomb(9))  # 423 bytes, 3.5 billion values expanded
    assert configfile.stat().st_size < 600
    started = time.monotonic()
    # The peak memory of snakemake alone, measured by a small parent process:
    # a child started from this test process shares its memory until exec, and
    # the kernel would count this process's (after the suite's other tests:
    # gigabytes) as the child's peak.
    peak_file = tmp_path / "peak_kb"
    measure = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode; "
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
        "open(sys.argv[1], 'w').write(str(peak)); "
        "sys.exit(code)"
    )
    with (tmp_path / "stderr").open("w") as stderr:
        process = subprocess.run(
            [sys.executable, "-c", measure, str(peak_file),
             *snakemake_command(tmp_path, configfile, "--cores", "1")],
            stderr=stderr, timeout=300,
        )  # fmt: skip
    status = process.returncode
    seconds = time.monotonic() - started
    assert status == 1
    assert refusal((tmp_path / "stderr").read_text()) == (
        "config key 'k_values' holds more than 200,000 values once its YAML aliases (*name) "
        "are expanded; a configuration needs far fewer (list many images in a sheet)"
    )
    peak_mb = int(peak_file.read_text()) / 1024
    assert seconds < 60 and peak_mb < 500, (seconds, peak_mb)  # measured: 2 s, 130 MB
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        # Passed validation, then the quantize job failed and folders were named k2.0.
        (
            {"k_values": [2.0, 4]},
            "config key 'k_values[0]': 2.0 is not of type 'integer'; write 2, without a "
            "decimal point",
        ),
        ({"fit": {"n_init": 4.0}}, "config key 'fit.n_init': 4.0 is not of type 'integer'"),
        # Passed validation, then the figure job died in matplotlib.
        (
            {"k_values": [2, 100000000000000000000]},
            "config key 'k_values[1]': k = 100000000000000000000 is above 16,777,216 (2**24)",
        ),
        # Snakemake's OSError: File name too long.
        (
            {"experiment": "e" * 300},
            f"config key 'experiment': name '{'e' * 198}… is 300 characters long; at most 100 "
            "(it becomes a file or directory name)",
        ),
        # Snakemake's WorkflowError.
        (
            {"images": [{"name": "i" * 300, "source": "photo.png"}]},
            f"config key 'images[0].name': name '{'i' * 198}… is 300 characters long; at most",
        ),
        # Snakemake's PeriodicWildcardError.
        (
            {"images": [{"name": "photo" + "o" * 30, "source": "photo.png"}]},
            f"config key 'images': image name 'photo{'o' * 30}' (source 'photo.png') ends in "
            "'o' repeated 31 times, which Snakemake refuses in a wildcard",
        ),
    ],
)
def test_a_bad_value_in_a_config_file_stops_before_any_job(tmp_path, change, message):
    write_images(tmp_path, {"photo": noisy_photo(seed=1)})
    config = {**sweep_config(["photo"], ["RGB"], [2]), **change}
    result = run_workflow(tmp_path, config, "--cores", "1", check=False)
    assert result.returncode == 1
    assert refusal(result.stderr).startswith(message)
    assert not (tmp_path / "results").exists()


def test_a_windows_1252_sheet_stops_before_any_job(tmp_path):
    # A raw UnicodeDecodeError traceback, naming neither the key nor the file.
    (tmp_path / "images.csv").write_bytes("name,source\ncafé,café.png\n".encode("cp1252"))
    result = run_workflow(tmp_path, {"images": "images.csv"}, "--cores", "1", check=False)
    assert result.returncode == 1
    assert refusal(result.stderr) == (
        "config key 'images': image sheet 'images.csv' is not UTF-8 text (byte 0xe9 on line "
        '2; Excel\'s plain "CSV" is Windows-1252): save it as UTF-8 (in Excel: "CSV UTF-8")'
    )


def test_names_of_100_characters_run_to_the_end(tmp_path):
    # The limit leaves room: the longest names allowed make every output.
    name = "abcdefghij" * 10
    write_images(tmp_path, {"photo": noisy_photo(seed=1)})
    config = {
        **sweep_config([], ["RGB", "Lab"], [2]),
        "experiment": "x" * 100,
        "images": [{"name": name, "source": "photo.png"}],
    }
    run_workflow(tmp_path, config, "--cores", "2")
    results = tmp_path / "results" / ("x" * 100)
    assert (results / f"figures/{name}/comparison_k2.jpg").stat().st_size > 0
    assert (results / f"differences/{name}.csv").is_file()
    assert yaml.safe_load((results / "config.yaml").read_text())["experiment"] == "x" * 100
