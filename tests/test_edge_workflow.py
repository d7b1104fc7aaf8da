"""The real `snakemake` on the edge inputs of issues #15 and #24: killed jobs, bad downloads.

Each test runs the workflow on the input that once broke it: a job killed by
SIGKILL (as the out-of-memory killer would), a download cut short, broken or
declaring 10**12 bytes, a local file with the wrong SHA-256, a small PNG
declaring 100 megapixels.
"""

import hashlib
import json
import os
import subprocess
import time

import numpy as np
import pytest
import yaml
from PIL import Image

from colourquant.files import MAX_FIGURE_PIXELS
from conftest import REPO, noisy_photo, run_workflow, snakemake_command, sweep_config, write_images
from test_downloads import Server, png_bytes, send, stream_zeros
from test_reruns import planned_jobs

pytestmark = pytest.mark.workflow

# Imported by every Python started with this folder on PYTHONPATH: a job of
# the quantize rule (Snakemake runs its script as .../tmpXXXX.quantize.py)
# kills itself with SIGKILL, as the kernel's out-of-memory killer would.
KILL_QUANTIZE = """
import os, signal, sys
if sys.argv and sys.argv[0].endswith(".quantize.py"):
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_end_of_run_list_names_killed_jobs_and_checksum_failures(tmp_path):
    write_images(tmp_path, {"good": noisy_photo(seed=1), "hashed": noisy_photo(seed=2)})
    config = sweep_config(["good", "hashed"], ["RGB"], [2])
    right = hashlib.sha256((tmp_path / "hashed.png").read_bytes()).hexdigest()
    config["images"][1]["sha256"] = "0" * 64
    config["images"].append({"name": "missing", "source": "nowhere.png"})
    injected = tmp_path / "inject"
    injected.mkdir()
    (injected / "sitecustomize.py").write_text(KILL_QUANTIZE)
    configfile = tmp_path / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    result = subprocess.run(
        snakemake_command(tmp_path, configfile, "--cores", "2", "--keep-going"),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(injected)},
    )
    assert result.returncode != 0
    assert "died with <Signals.SIGKILL: 9>" in result.stderr  # the job was really killed
    summary = result.stderr[result.stderr.index("colourquant: failed in this run:") :]
    listed = summary.split("Fix what the messages name")[0].splitlines()[1:]
    assert sorted(line.strip() for line in listed) == [
        "results/default/logs/prepare_image/hashed.log: image 'hashed': hashed.png has "
        f"SHA-256 {right}, but the config expects {'0' * 64}; if the file changed on "
        "purpose, update its sha256",
        "results/default/logs/prepare_image/missing.log: image 'missing': 'nowhere.png' "
        "does not exist",
        "results/default/logs/quantize/good/RGB.log: killed (SIGKILL), probably out of "
        "memory or time",
    ]


def test_a_cut_download_is_retried_by_the_same_command(tmp_path):
    # The server: 1,894 bytes declared, 947 sent; the second request gets them all.
    body = png_bytes(13, 17)
    body += bytes(1894 - len(body))
    config = sweep_config([], ["RGB"], [2])
    config["download_max_mb"] = 100
    with Server() as server:
        server.routes["/photo.png"] = lambda handler, count: send(
            handler, body if count > 1 else body[:947], length=len(body)
        )
        # A whole download of a PNG whose data stops half-way: the server sent
        # what it declared, but it does not decode, so it is not kept (#24).
        server.routes["/broken.png"] = lambda handler, _: send(handler, body[:400])
        server.routes["/page.png"] = lambda handler, _: send(
            handler, b"<html><body>Not found, but 200</body></html>", content_type="text/html"
        )
        # Declares 10**12 bytes: refused from its headers, at the config's limit.
        server.routes["/huge.png"] = lambda handler, _: stream_zeros(
            server, "/huge.png", handler, length=10**12
        )
        url = f"{server.url}/photo.png"
        config["images"] = [
            {"name": "cut", "source": url},
            {"name": "page", "source": f"{server.url}/page.png"},
            {"name": "broken", "source": f"{server.url}/broken.png"},
            {"name": "huge", "source": f"{server.url}/huge.png"},
        ]
        first = run_workflow(tmp_path, config, "--cores", "2", "--keep-going", check=False)
        assert first.returncode != 0
        summary = first.stderr[first.stderr.index("colourquant: failed in this run:") :]
        assert f"image 'cut': download of {url} failed" in summary
        assert "running the same command tries again" in summary
        assert f"image 'page': {server.url}/page.png sent text/html content" in summary
        assert (
            f"image 'broken': {server.url}/broken.png sent an image that does not decode "
            "completely" in summary
        )
        assert (
            f"image 'huge': {server.url}/huge.png declares 1,000,000,000,000 bytes "
            "(Content-Length), more than the limit of 100 MB" in summary
        )
        downloads = tmp_path / "results/default/downloads"
        # No file and no partial file (Snakemake removes the emptied folder).
        assert not downloads.exists() or os.listdir(downloads) == []
        config["images"] = config["images"][:1]
        run_workflow(tmp_path, config, "--cores", "2")  # the same command, the others removed
        assert server.requests["/photo.png"] == 2
        # The download limits change no output: changing them downloads and
        # computes nothing again, only the record of the config is rewritten.
        limits = {**config, "download_max_mb": 0.5, "download_timeout": 30}
        # summarise records the config; the report pages show it.
        assert planned_jobs(tmp_path, limits) == {"all": 1, "summarise": 1, "report_pages": 1}
    assert (tmp_path / "results/default/downloads/cut").read_bytes() == body
    assert (tmp_path / "results/default/runs/cut/RGB/k2/metrics.csv").is_file()


def test_memory_is_requested_from_the_pixels_an_image_declares(tmp_path):
    # The image: a 0.3 MB PNG declaring 100 megapixels.
    Image.new("RGB", (10_000, 10_000), (200, 120, 40)).save(tmp_path / "wide.png")
    assert (tmp_path / "wide.png").stat().st_size < 2**20
    write_images(tmp_path, {"small": noisy_photo(seed=1)})
    config = sweep_config(["wide", "small"], ["RGB"], [2])
    result = run_workflow(tmp_path, config, "--dry-run", "--cores", "1")
    requests = {}
    for block in result.stdout.split("rule prepare_image:")[1:]:
        image = block.split("prepared/")[1].split("/")[0]
        requests[image] = int(block.split("mem_mb=")[1].split(",")[0])
    # What this very image needs (benchmarks/prepare_memory.py), with a
    # margin; the file's size alone asked for 1,018 MB, and it used 1,672 MB.
    measured = json.loads((REPO / "docs/benchmarks/prepare_memory.json").read_text())
    peak = next(
        row["value"]
        for row in measured["results"]
        if row["measure"].startswith("one colour, 100 MP") and row["unit"] == "MB"
    )
    assert 1.2 * peak <= requests["wide"] <= 2 * peak
    assert requests["small"] < 400  # a thumbnail asks for little


# As KILL_QUANTIZE, but the quantize job, its outputs written, takes 20 s more
# to exit: a run still busy, whose outputs Snakemake has marked incomplete.
SLOW_QUANTIZE = """
import atexit, sys, time
if sys.argv and sys.argv[0].endswith(".quantize.py"):
    atexit.register(time.sleep, 20)
"""


def test_a_second_run_while_one_is_running_is_told_to_wait(tmp_path):
    write_images(tmp_path, {"good": noisy_photo(seed=1)})
    configfile = tmp_path / "config.yaml"
    configfile.write_text(yaml.safe_dump(sweep_config(["good"], ["RGB"], [2])))
    injected = tmp_path / "inject"
    injected.mkdir()
    (injected / "sitecustomize.py").write_text(SLOW_QUANTIZE)
    command = snakemake_command(tmp_path, configfile, "--cores", "1")
    first = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(injected)},
    )
    try:
        written = tmp_path / "results/default/runs/good/RGB/k2/metrics.csv"
        for _ in range(600):  # until the quantize job has written its outputs
            if first.poll() is not None or written.exists():
                break
            time.sleep(0.1)
        assert first.poll() is None, "the first run ended before the second started"
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert second.returncode != 0
        assert "colourquant: is another snakemake running in this directory?" in second.stderr
        assert first.wait(timeout=300) == 0  # the first run was not disturbed
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_a_one_pixel_high_strip_gives_figures_of_normal_size(tmp_path):
    # The image: a 1.1 KB PNG of 1 x 100,000 pixels (it once gave a
    # comparison figure of 601,920 x 495 pixels).
    strip = np.repeat(np.linspace(0, 255, 100_000).astype(np.uint8)[None, :, None], 3, axis=2)
    Image.fromarray(strip).save(tmp_path / "strip.png")
    assert (tmp_path / "strip.png").stat().st_size < 5_000
    run_workflow(tmp_path, sweep_config(["strip"], ["RGB", "Lab"], [2, 4]), "--cores", "2")
    figures = sorted((tmp_path / "results/default/figures").rglob("*.[jp][pn]g"))
    assert len(figures) >= 6
    for figure in figures:
        with Image.open(figure) as opened:
            width, height = opened.size
        assert width <= MAX_FIGURE_PIXELS[0] and height <= MAX_FIGURE_PIXELS[1], figure


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs mounted in tmp_path (needs the right to mount: root); unmounted after."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_on_a_full_disk_every_failed_job_is_listed(small_disk):
    # The case: three images on a full disk, of which one was listed.
    y, x = np.mgrid[0:600, 0:600]
    images = {
        name: np.stack([x % 256, y % 256, (x + y + shift) % 256], axis=-1).astype(np.uint8)
        for shift, name in enumerate(["a", "b", "c"])
    }
    write_images(small_disk, images)  # small PNGs; their prepared colours do not fit
    result = run_workflow(
        small_disk,
        sweep_config(list(images), ["RGB"], [2]),
        "--cores",
        "2",
        "--keep-going",
        check=False,
    )
    assert result.returncode != 0
    summary = result.stderr[result.stderr.index("colourquant: failed in this run:") :]
    for name in images:
        assert (
            f"results/default/logs/prepare_image/{name}.log: no space left on the disk" in summary
        )
    assert "the disk holding results/default/ is full" in summary
