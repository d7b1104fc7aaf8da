"""The `colourquant` command: the API's results from a shell, its messages and exit codes."""

import json
import os
import re
import subprocess
import sys
import tomllib

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image

from colourquant import _cli_io, cli, compare, quantize
from colourquant.palette import render_palette
from conftest import REPO, noisy_photo, serve_folder, write_png

TIMING = "fit_seconds"


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """`colourquant ARGS` in a new process, with this checkout's package."""
    return subprocess.run(
        [sys.executable, "-m", "colourquant.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=300,
    )


@pytest.fixture(scope="module")
def photo_jpg(tmp_path_factory):
    """A real photo (a crop of scikit-image's chelsea), as a JPEG file."""
    import skimage.data

    path = tmp_path_factory.mktemp("photos") / "chelsea.jpg"
    Image.fromarray(skimage.data.chelsea()[90:170, 140:250]).save(path, quality=90)
    return path


def without_timing(row: dict) -> dict:
    # NaN (a judge undefined on a tiny image) as None, so that equal rows compare equal.
    return {key: None if value != value else value for key, value in row.items() if key != TIMING}


def test_quantize_writes_the_apis_image_palette_and_metrics(photo_jpg, tmp_path, capsys):
    out, palette, metrics = tmp_path / "out.png", tmp_path / "palette.png", tmp_path / "m.json"
    status = cli.main(
        ["quantize", str(photo_jpg), "-k", "6", "--space", "oklab", "-o", str(out),
         "--palette", str(palette), "--metrics", str(metrics), "--seed", "3"]
    )  # fmt: skip
    assert status == 0
    expected = quantize(photo_jpg, 6, "OKLab", seed=3)
    with Image.open(out) as written:
        assert written.mode == "P"  # palette indices, as the workflow writes them
        pixels = np.asarray(written.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) <= 6
    np.testing.assert_array_equal(pixels, expected.quantized)
    row = json.loads(metrics.read_text())
    assert list(row) == list(expected.metrics)
    assert without_timing(row) == without_timing(expected.metrics)
    assert row["image"] == "chelsea" and row["space"] == "OKLab" and row["seed"] == 3
    assert row["source_mode"] == "RGB" and row["seed_delta_e2000"] >= 0
    shares = expected.counts / expected.counts.sum()
    np.testing.assert_array_equal(
        np.asarray(Image.open(palette)), render_palette(expected.palette, shares)
    )
    # Progress and the summary go to stderr, nothing to stdout.
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0] == f"chelsea: 110 x 80 pixels ({photo_jpg})"
    assert lines[1] == "chelsea: k-means in OKLab at k = 6 ..."
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: 6 colours, mean ΔE00 [\d.]+, .*", lines[-1])


def test_quantize_metrics_as_csv_default_output_and_quiet(photo_jpg, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status = cli.main(
        ["quantize", str(photo_jpg), "-k", "3", "--mode", "sample", "--n-init", "2",
         "--replicates", "0", "--metrics", "m.csv", "-q"]
    )  # fmt: skip
    assert status == 0
    assert capsys.readouterr().err == ""
    expected = quantize(photo_jpg, 3, "Lab", mode="sample", n_init=2, replicates=0)
    # The default output: IMAGE-SPACE-kK.png in the working directory.
    pixels = np.asarray(Image.open(tmp_path / "chelsea-Lab-k3.png").convert("RGB"))
    np.testing.assert_array_equal(pixels, expected.quantized)
    (row,) = pd.read_csv(tmp_path / "m.csv").to_dict("records")
    assert "seed_delta_e2000" not in row and row["mode"] == "sample" and row["n_init"] == 2
    for column, value in without_timing(expected.metrics).items():
        if isinstance(value, float):
            assert row[column] == pytest.approx(value, rel=1e-9), column
        else:
            assert str(row[column]) == str(value), column


def test_compare_prints_an_aligned_table_and_writes_the_figure(photo_jpg, tmp_path, capsys):
    figure, table_file = tmp_path / "figure.png", tmp_path / "table.csv"
    status = cli.main(
        ["compare", str(photo_jpg), "-k", "2", "5", "--space", "RGB", "HSV",
         "-o", str(figure), "--metrics", str(table_file)]
    )  # fmt: skip
    assert status == 0
    expected = compare(photo_jpg, [2, 5], ["RGB", "HSV"])
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1 + 4
    assert lines[0].split() == [
        "space", "k", "k_effective", "inertia_normalised", "mse_rgb", "psnr",
        "delta_e2000_mean", "delta_e2000_p95", "ssim", "seed_delta_e2000", "fit_seconds",
    ]  # fmt: skip
    # Aligned: every column ends where its header ends.
    ends = [match.end() for match in re.finditer(r"\S+", lines[0])]
    for line in lines[1:]:
        assert [match.end() for match in re.finditer(r"\S+", line)] == ends, line
    for line, row in zip(lines[1:], expected.to_dict("records"), strict=True):
        values = line.split()
        assert values[:3] == [row["space"], str(row["k"]), str(row["k_effective"])]
        assert values[6] == f"{row['delta_e2000_mean']:.2f}"
        assert values[8] == f"{row['ssim']:.4f}"
    written = pd.read_csv(table_file)
    assert list(written.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(
        written.drop(columns=[TIMING, "n_frames"]),
        expected.drop(columns=[TIMING, "n_frames"]),
        rtol=1e-9,
    )
    with Image.open(figure) as drawn:
        assert drawn.format == "PNG" and drawn.width > 600
    assert "chelsea: k-means in HSV at k = 2, 5 ..." in captured.err.splitlines()
    assert f"wrote {figure}" in captured.err.splitlines()


# --- messages and exit codes ------------------------------------------------------------------


def test_a_bad_image_is_one_line_on_stderr_and_exit_1(tmp_path):
    result = run_cli("quantize", tmp_path / "photo.jpg", "-k", "4")
    assert result.returncode == 1
    assert (
        result.stderr == f"colourquant: image 'photo': '{tmp_path / 'photo.jpg'}' does not exist\n"
    )
    assert result.stdout == ""
    (tmp_path / "notes.png").write_text("not a picture")
    result = run_cli("compare", tmp_path / "notes.png")
    assert result.returncode == 1
    assert result.stderr == (
        f"colourquant: image 'notes': '{tmp_path / 'notes.png'}' is not an image file "
        "Pillow can read\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["quantize", "skimage:nothing"], "image 'nothing': scikit-image has no sample image"),
        # A folder is its image files: this checkout's root holds none.
        (["quantize", str(REPO)], f"folder {str(REPO)!r} holds no image file"),
    ],
)
def test_other_bad_images_exit_1(args, message, capsys):
    assert cli.main(args) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"colourquant: {message}") and error.count("\n") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["quantize", "a.png", "-k", "0"], "argument -k/--colours: k must be at least 1, got 0"),
        (["quantize", "a.png", "-k", "two"], "argument -k/--colours: k must be an integer"),
        (["quantize", "a.png", "--space", "CMYK"], "argument -s/--space: invalid choice: 'CMYK'"),
        (
            ["quantize", "a.png", "-o", "a.jpg"],
            "argument -o/--output: 'a.jpg': .jpg is lossy and would not keep the palette exactly",
        ),
        (["quantize", "a.png", "--suffix", ".tif"], "argument --suffix: '.tif': .tif would not"),
        (
            ["quantize", "a.png", "--method", "kmeans_pp"],
            "argument -m/--method: invalid choice: 'kmeans_pp' (choose from 'kmeans', ",
        ),
        (
            ["quantize", "a.png", "--dither", "atkinson"],
            "argument --dither: invalid choice: 'atkinson' (choose from 'none', 'floyd_steinberg'",
        ),
        (
            ["quantize", "a.png", "--seed", "-1"],
            "argument --seed: --seed must be an integer in 0 ... 4294967294, got -1",
        ),
        (
            ["compare", "a.png", "--seed", str(2**32)],
            "argument --seed: --seed must be an integer in 0 ... 4294967294, got 4294967296",
        ),
        (
            ["quantize", "a.png", "--n-init", "0"],
            "argument --n-init: --n-init must be an integer in 1 ... 1000, got 0",
        ),
        (["quantize", "a.png", "--mode", "fast"], "argument --mode: invalid choice: 'fast'"),
        (["compare", "a.png", "-k"], "argument -k/--colours: expected at least one argument"),
        (["compare", "a.png", "--space"], "argument -s/--space: expected at least one argument"),
        (["quantize"], "the following arguments are required: IMAGE"),
        (["paint", "a.png"], "argument COMMAND: invalid choice: 'paint'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(args)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert message in error and error.startswith("usage: colourquant")


@pytest.mark.parametrize("command", ["quantize", "compare"])
def test_fit_settings_out_of_range_together_name_the_options(command, photo_jpg, capsys):
    # Each option is within its range, together they are not: seed + replicates < 2**32.
    argv = [command, str(photo_jpg), "--seed", str(2**32 - 2), "--replicates", "2"]
    assert cli.main(argv) == 2
    assert capsys.readouterr().err == (
        "colourquant: --seed must be at most 4294967295 - --replicates; got 4294967294\n"
    )


def test_exit_codes_of_the_real_command(tmp_path):
    usage = run_cli("quantize", "a.png", "-k", "0")
    assert usage.returncode == 2 and usage.stdout == ""
    write_png(tmp_path / "a.png", noisy_photo(seed=1, height=6, width=8))
    done = run_cli("quantize", "a.png", "-k", "2", "-q", "--replicates", "0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    assert (tmp_path / "a-Lab-k2.png").is_file()


def test_an_output_that_cannot_be_written_exits_1(photo_jpg, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "out.png"
    assert cli.main(["quantize", str(photo_jpg), "-k", "2", "-q", "-o", str(out)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("colourquant: cannot write") and error.count("\n") == 1


# --- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["quantize"], ["compare"], ["run"]])
def test_help_is_short_one_line_per_option_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([*command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: colourquant {command[0] if command else 'COMMAND'}")
    assert "example" in text
    assert max(map(len, text.splitlines())) <= 100
    options = [line for line in text.splitlines() if re.match(r"  -", line)]
    assert options
    # Each option and its help share one line.
    assert all(re.match(r"  -\S.*\S  +\S", line) for line in options), options
    if command == ["quantize"]:
        assert "  -k, --colours K " in text and "  -s, --space SPACE " in text
        assert "colourquant quantize photo.jpg -k 16 --space OKLab -o out.png" in text


def test_the_command_is_installed_as_colourquant():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["colourquant"] == "colourquant.cli:main"


# --- run: Snakemake on the package's Snakefile --------------------------------------------------


def test_run_adds_cores_and_a_config_unless_given(tmp_path):
    snakemake = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
    default_config = ["--configfile", str(REPO / "config/config.yaml")]
    assert cli.snakemake_command([], cwd=tmp_path) == [
        *snakemake, *default_config, "--cores", "all"
    ]  # fmt: skip
    assert cli.snakemake_command(["-n", "--cores", "2"], cwd=tmp_path) == [
        *snakemake, *default_config, "-n", "--cores", "2"
    ]  # fmt: skip
    for given in (["-c4"], ["--jobs=3"], ["-j", "3"], ["--profile", "p"]):
        assert "all" not in cli.snakemake_command(given, cwd=tmp_path), given
    assert cli.snakemake_command(["--configfile", "my.yaml"], cwd=tmp_path) == [
        *snakemake, "--cores", "all", "--configfile", "my.yaml"
    ]  # fmt: skip
    # A working directory with its own config/config.yaml uses it, as snakemake would.
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text("images: []\n")
    assert cli.snakemake_command([], cwd=tmp_path) == [*snakemake, "--cores", "all"]
    assert cli.snakemake_command(["-d", "elsewhere"], cwd=tmp_path)[5:7] == default_config


@pytest.mark.workflow
def test_run_is_a_real_snakemake_run(tmp_path):
    write_png(tmp_path / "photo.png", noisy_photo(seed=2, height=6, width=8))
    config = {"images": [{"name": "photo", "source": "photo.png"}], "k_values": [2]}
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump(config))
    result = run_cli("run", "--dry-run", "--configfile", "mine.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "prepare_image" in result.stdout and "quantize" in result.stdout
    failed = run_cli("run", "--configfile", "missing.yaml", "-n", cwd=tmp_path)
    assert failed.returncode != 0  # snakemake's own exit status


def test_run_without_the_repository_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "SNAKEFILE", tmp_path / "Snakefile")
    assert cli.main(["run", "-n"]) == 1
    assert "run needs the workflow's repository" in capsys.readouterr().err


# --- outputs: checked before any work (issue #24) ---------------------------------------------


def snapshot(folder):
    """Every file under `folder` with its bytes: what a refused command must leave as it was."""
    return {
        path.relative_to(folder): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@pytest.fixture
def photo_folder(tmp_path, monkeypatch):
    """A working folder holding a.png (a photo), a symlink to it and a subfolder `dir`."""
    write_png(tmp_path / "a.png", noisy_photo(seed=4, height=8, width=10))
    (tmp_path / "link.png").symlink_to("a.png")
    (tmp_path / "dir").mkdir()
    monkeypatch.chdir(tmp_path / "dir")
    return tmp_path


@pytest.mark.parametrize(
    "args, message",
    [
        (["quantize", "../a.png", "-o", "../a.png"], "--output '../a.png' is the input image"),
        (["quantize", "../a.png", "--metrics", "./../a.png"], "--metrics '../a.png' is the input"),
        (["quantize", "../a.png", "--palette", "../dir/../a.png"], "--palette '../dir/../a.png'"),
        (["quantize", "../a.png", "-o", "../link.png"], "--output '../link.png' is the input"),
        (["quantize", "../link.png", "--metrics", "../a.png"], "--metrics '../a.png' is the input"),
        (["compare", "../a.png", "-k", "2", "-o", "../a.png"], "--output '../a.png' is the input"),
        (["compare", "../a.png", "-k", "2", "--metrics", "../a.png"], "--metrics '../a.png' is"),
        (["quantize", "../a.png", "-o", "x.png", "--metrics", "./x.png"],
         "--metrics 'x.png' is also --output: give each output its own path"),
        (["quantize", "../a.png", "--palette", "../dir/a-Lab-k16.png"],
         "--palette '../dir/a-Lab-k16.png' is also --output"),
        (["compare", "../a.png", "-k", "2", "-o", "f.png", "--metrics", "../dir/f.png"],
         "--metrics '../dir/f.png' is also --output"),
    ],
)  # fmt: skip
def test_an_output_onto_the_input_or_another_output_is_refused(photo_folder, args, message, capsys):
    before = snapshot(photo_folder)
    assert cli.main([*args, "--replicates", "0"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"colourquant: {message}"), error
    assert error.endswith("; nothing was written\n") and error.count("\n") == 1
    assert snapshot(photo_folder) == before
    assert sorted(path.name for path in photo_folder.rglob("*")) == ["a.png", "dir", "link.png"]


def test_the_real_command_refuses_to_overwrite_its_input(photo_folder):
    before = snapshot(photo_folder)
    result = run_cli("quantize", "a.png", "-k", "4", "-o", "a.png", cwd=photo_folder)
    assert result.returncode == 2
    assert result.stderr == (
        "colourquant: --output 'a.png' is the input image 'a.png': give another output "
        "path; nothing was written\n"
    )
    assert snapshot(photo_folder) == before


@pytest.mark.parametrize(
    "output, message",
    [
        ("out/good.png/m.json", "cannot write --metrics 'out/good.png/m.json': "
         "'{root}/out/good.png' is not a directory"),
        ("/proc/version", "cannot write --metrics '/proc/version': no file can be created in "
         "'/proc' "),
        # A named pipe here, not /dev/null: code that renamed onto it (as root) must harm nothing.
        ("out/fifo", "cannot write --metrics 'out/fifo': it exists and is not a regular file"),
        ("out", "cannot write --metrics 'out': it is a directory"),
        ("out/" + "m" * 250 + ".json", "cannot write --metrics 'out/mmm"),
    ],
)  # fmt: skip
def test_an_unwritable_output_is_refused_before_any_work(
    photo_jpg, tmp_path, monkeypatch, capsys, output, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out/good.png").write_bytes(b"an earlier result")
    os.mkfifo(tmp_path / "out/fifo")
    before = snapshot(tmp_path)
    status = cli.main(
        ["quantize", str(photo_jpg), "-k", "2", "-o", "out/q.png", "--metrics", output]
    )
    assert status == 1
    error = capsys.readouterr().err
    assert error.startswith(f"colourquant: {message.format(root=tmp_path)}"), error
    assert error.count("\n") == 1 and ".part" not in error
    # Refused before the image was read: nothing written, not even the first output.
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "out/q.png").exists()


def test_missing_output_folders_are_created(photo_jpg, tmp_path):
    out = tmp_path / "new" / "deeper" / "q.png"
    assert (
        cli.main(["quantize", str(photo_jpg), "-k", "2", "-q", "--replicates", "0", "-o", str(out)])
        == 0
    )
    assert Image.open(out).size == (110, 80)
    assert sorted(path.name for path in out.parent.iterdir()) == ["q.png"]  # no probe left


def test_a_failed_write_names_the_path_given_not_the_temporary_file(tmp_path):
    # The file's name fits, but not its temporary name beside it (.NAME.XXXX.part).
    given = tmp_path / ("m" * 248 + ".json")
    with pytest.raises(_cli_io.Refused) as refused:
        _cli_io.write_output(
            "--metrics", given, lambda to: _cli_io.write_metrics(to, [{"k": 2}], one=True)
        )
    assert str(refused.value) == f"cannot write --metrics '{given}': File name too long"
    assert refused.value.status == 1
    assert list(tmp_path.iterdir()) == []


# --- URLs, memory, threads, and nothing measured unless asked ---------------------------------


def test_a_url_is_downloaded_and_named_after_its_file(photo_jpg, tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (served / "good.jpg").write_bytes(photo_jpg.read_bytes())
    with serve_folder(served) as url:
        done = run_cli("quantize", f"{url}/good.jpg", "-k", "3", "--replicates", "0", cwd=tmp_path)
        missing = run_cli("quantize", f"{url}/gone.jpg", "-k", "3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == f"good: 110 x 80 pixels ({url}/good.jpg)"
    expected = quantize(photo_jpg, 3, replicates=0, metrics=False)
    written = np.asarray(Image.open(tmp_path / "good-Lab-k3.png").convert("RGB"))
    np.testing.assert_array_equal(written, expected.quantized)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"colourquant: image 'gone': download of {url}/gone.jpg")
    assert missing.stderr.count("\n") == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good-Lab-k3.png", "served"]


def test_running_out_of_memory_is_one_line_naming_the_image_and_its_need(tmp_path):
    import resource

    # A 20-megapixel image (a smooth pattern, a small file) in a process whose
    # address space is capped at what the command's libraries take, plus 250 MB.
    y, x = np.mgrid[0:4000, 0:5000]
    pixels = np.dstack([x % 256, y % 256, (x + y) // 40 % 256]).astype(np.uint8)
    Image.fromarray(pixels).save(tmp_path / "wide.png", compress_level=1)
    del y, x, pixels
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    probe = subprocess.run(
        [sys.executable, "-c", "import colourquant.api, colourquant.cli, sklearn.cluster, "
         "scipy.ndimage; print(open('/proc/self/status').read())"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    base = int(re.search(r"VmSize:\s+(\d+) kB", probe.stdout).group(1)) * 1024
    limit = base + 250 * 2**20

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "colourquant.cli", "quantize", "wide.png", "-k", "4", "-q"],
        capture_output=True, text=True, cwd=tmp_path, preexec_fn=cap, timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    found = re.fullmatch(
        r"colourquant: image 'wide': out of memory quantizing 'wide.png', 5000 x 4000 pixels "
        r"\(20 MP\): it needs about (\d+) MB, more than this process could allocate\n",
        result.stderr,
    )
    assert found, result.stderr
    assert int(found.group(1)) > 250
    assert sorted(path.name for path in tmp_path.iterdir()) == ["wide.png"]


def test_without_metrics_nothing_is_measured_and_the_image_is_the_same(photo_jpg, tmp_path, capsys):
    plain, scored = tmp_path / "plain.png", tmp_path / "scored.png"
    assert cli.main(["quantize", str(photo_jpg), "-k", "5", "-o", str(plain)]) == 0
    line = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(rf"wrote {re.escape(str(plain))}: 5 colours \([\d.]+ s\)", line), line
    assert cli.main(["quantize", str(photo_jpg), "-k", "5", "-o", str(scored), "--metrics",
                     str(tmp_path / "m.json")]) == 0  # fmt: skip
    assert "mean ΔE00" in capsys.readouterr().err.splitlines()[-1]
    assert plain.read_bytes() == scored.read_bytes()


def test_threads_are_an_option_of_at_least_one(photo_jpg, tmp_path, capsys):
    outputs = []
    for threads in ("1", "2"):
        out = tmp_path / f"t{threads}.png"
        args = ["quantize", str(photo_jpg), "-k", "4", "-q", "--threads", threads, "-o", str(out)]
        assert cli.main(args) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    with pytest.raises(SystemExit) as exited:
        cli.main(["compare", str(photo_jpg), "--threads", "0"])
    assert exited.value.code == 2
    assert "argument --threads: --threads must be at least 1, got 0" in capsys.readouterr().err


def test_an_output_that_is_a_symlink_is_written_where_it_points(photo_jpg, tmp_path):
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept/m.json").write_text("{}")
    (tmp_path / "m.json").symlink_to("kept/m.json")
    args = ["quantize", str(photo_jpg), "-k", "2", "-q", "--replicates", "0", "-o",
            str(tmp_path / "q.png"), "--metrics", str(tmp_path / "m.json")]  # fmt: skip
    assert cli.main(args) == 0
    # The link is still a link (a rename onto it would have replaced it), and
    # the file it points to holds the metrics.
    assert (tmp_path / "m.json").is_symlink()
    assert json.loads((tmp_path / "kept/m.json").read_text())["k"] == 2
    assert sorted(path.name for path in (tmp_path / "kept").iterdir()) == ["m.json"]


# --- every method, dithering, batches, output formats, transparency (issue #28) ---------------


def cli_row(path) -> dict:
    """The one metrics row a command wrote as JSON."""
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    "args, method, space",
    [
        (["--method", "median_cut"], "median_cut", None),
        (["-m", "ward", "--space", "oklab"], "ward", "OKLab"),
        (["--space", "HSV"], "kmeans", "HSV"),
    ],
)
def test_any_method_writes_the_workflows_image_and_metrics_row(
    photo_jpg, tmp_path, capsys, args, method, space
):
    from colourquant.colours import distinct_colours
    from colourquant.runs import FitSettings, kmeans_runs, method_runs

    out, metrics = tmp_path / "q.png", tmp_path / "m.json"
    argv = ["quantize", str(photo_jpg), "-k", "5", *args, "-o", out, "--metrics", metrics, "-q"]
    assert cli.main([*map(str, argv), "--replicates", "0"]) == 0
    loaded, _ = colourquant_read(photo_jpg)
    metadata = {"source_mode": "RGB", "alpha": "none", "n_frames": "1", "colour_profile": "none"}
    distinct = distinct_colours(loaded.rgb)
    if method == "kmeans":
        settings = FitSettings(replicates=0)
        (run,) = kmeans_runs(distinct, space, [5], settings, name="chelsea", metadata=metadata)
    else:
        (run,) = method_runs(
            distinct, method, [5], seed=0, name="chelsea", metadata=metadata, space=space
        )
    row = cli_row(metrics)
    # The workflow's row for the same image, method, space and k (its job's function).
    assert without_timing(row) == without_timing(
        {key: _cli_io._json_value(value) for key, value in run.row.items()}
    )
    assert row["method"] == method and row["space"] == (space or "-")
    written = np.asarray(Image.open(out).convert("RGB"))
    np.testing.assert_array_equal(written, run.result.quantized)


def colourquant_read(path):
    from colourquant import read_image

    return read_image(path)


def test_a_space_with_a_quantizer_is_refused_in_one_line(photo_jpg, tmp_path, capsys):
    out = tmp_path / "q.png"
    status = cli.main(["quantize", str(photo_jpg), "-m", "octree", "-s", "Lab", "-o", str(out)])
    assert status == 2
    assert capsys.readouterr().err == (
        "colourquant: --space: method 'octree' is a classic quantizer: it works in 8-bit RGB "
        "and takes no colour space, not 'Lab'\n"
    )
    assert not out.exists()


def test_dithering_changes_the_image_and_its_metrics_measured_on_the_dithered_image(
    photo_jpg, tmp_path
):
    from colourquant.colours import distinct_colours
    from colourquant.evaluate import evaluate_dithered, make_reference

    outputs = {}
    for dither in ("none", "floyd_steinberg"):
        out, metrics = tmp_path / f"{dither}.png", tmp_path / f"{dither}.json"
        argv = ["quantize", photo_jpg, "-k", "6", "-s", "OKLab", "--dither", dither, "-o", out,
                "--metrics", metrics, "-q", "--replicates", "0"]  # fmt: skip
        assert cli.main(list(map(str, argv))) == 0
        outputs[dither] = np.asarray(Image.open(out).convert("RGB")), cli_row(metrics)
    (plain, plain_row), (dithered, dithered_row) = outputs["none"], outputs["floyd_steinberg"]
    # The same palette, mixed: another image, with no colour outside the palette.
    assert (plain != dithered).any(axis=2).mean() > 0.1
    palette = {tuple(colour) for colour in plain.reshape(-1, 3)}
    assert {tuple(colour) for colour in dithered.reshape(-1, 3)} <= palette
    assert "dither" not in plain_row and dithered_row["dither"] == "floyd_steinberg"
    assert dithered_row["delta_e2000_mean"] != plain_row["delta_e2000_mean"]
    assert dithered_row["ssim"] != plain_row["ssim"]
    # The metrics are evaluate_dithered's on the undithered fit's centres.
    expected = quantize(photo_jpg, 6, "OKLab", replicates=0)
    reference = make_reference(distinct_colours(expected.original), "OKLab")
    scored = evaluate_dithered(reference, expected.centres, "floyd_steinberg")
    np.testing.assert_array_equal(dithered, scored.quantized)
    for column, value in scored.metrics.items():
        assert dithered_row[column] == pytest.approx(value, rel=1e-12, nan_ok=True), column


@pytest.fixture
def three_images(tmp_path):
    """good1.png, good2.png and broken.png (not an image) in tmp_path/in."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_png(folder / "good1.png", noisy_photo(seed=1, height=12, width=16))
    write_png(folder / "good2.png", noisy_photo(seed=2, height=12, width=16))
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n but nothing after")
    return folder


def test_a_batch_with_a_broken_image_writes_the_others_and_exits_1(three_images, tmp_path):
    result = run_cli(
        "quantize", "in/good1.png", "in/broken.png", "in/good2.png", "-k", "3",
        "--replicates", "0", "-o", "out", "--metrics", "rows.csv", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 4, result.stderr
    assert re.fullmatch(r"good1: wrote out/good1-Lab-k3.png: 3 colours, mean ΔE00 .*", lines[0])
    assert lines[1].startswith("colourquant: image 'broken': 'in/broken.png' ")
    assert re.fullmatch(r"good2: wrote out/good2-Lab-k3.png: 3 colours, mean ΔE00 .*", lines[2])
    assert lines[3] == "colourquant: 1 of 3 images failed"
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "good1-Lab-k3.png",
        "good2-Lab-k3.png",
    ]
    table = pd.read_csv(tmp_path / "rows.csv")
    assert table["image"].tolist() == ["good1", "good2"]
    for name in ("good1", "good2"):
        expected = quantize(tmp_path / "in" / f"{name}.png", 3, replicates=0)
        written = np.asarray(Image.open(tmp_path / "out" / f"{name}-Lab-k3.png").convert("RGB"))
        np.testing.assert_array_equal(written, expected.quantized)
        row = table.set_index("image").loc[name]
        assert row["delta_e2000_mean"] == pytest.approx(expected.metrics["delta_e2000_mean"])


def test_a_folder_and_a_glob_name_their_image_files_and_suffix_writes_beside_them(
    three_images, tmp_path, capsys
):
    (three_images / "notes.txt").write_text("not an image")
    (three_images / "broken.png").unlink()
    assert cli.main(["quantize", str(three_images), "-k", "2", "-q", "--suffix", "-2.gif"]) == 0
    assert sorted(path.name for path in three_images.iterdir()) == [
        "good1-2.gif", "good1.png", "good2-2.gif", "good2.png", "notes.txt",
    ]  # fmt: skip
    pattern = str(three_images / "good*.png")
    assert cli.main(["quantize", pattern, "-k", "2", "-q", "-o", str(tmp_path / "g")]) == 0
    assert sorted(path.name for path in (tmp_path / "g").iterdir()) == [
        "good1-Lab-k2.png", "good2-Lab-k2.png",
    ]  # fmt: skip
    assert cli.main(["quantize", str(tmp_path / "none*.png"), "-q"]) == 2
    assert capsys.readouterr().err == (
        f"colourquant: IMAGE '{tmp_path / 'none*.png'}' matches no file\n"
    )


def test_two_images_writing_one_output_is_a_clash_refused_before_any_work(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_png(tmp_path / folder / "x.png", noisy_photo(seed=5, height=6, width=8))
    before = snapshot(tmp_path)
    status = cli.main(
        ["quantize", str(tmp_path / "a/x.png"), str(tmp_path / "b/x.png"), "-o", str(tmp_path)]
    )
    assert status == 2
    out = tmp_path / "x-Lab-k16.png"
    assert capsys.readouterr().err == (
        f"colourquant: --output '{out}' of '{tmp_path / 'b/x.png'}' is also --output of "
        f"'{tmp_path / 'a/x.png'}': give each output its own path; nothing was written\n"
    )
    assert snapshot(tmp_path) == before
    # -o a file, -o - and --palette take one image only.
    for args in (["-o", str(tmp_path / "one.png")], ["-o", "-"], ["--palette", "p.png"]):
        argv = ["quantize", str(tmp_path / "a/x.png"), str(tmp_path / "b/x.png"), *args]
        assert cli.main(argv) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and ("one file for 2 images" in error or "takes one" in error)
    assert snapshot(tmp_path) == before


def test_standard_output_holds_the_same_bytes_as_the_file(photo_jpg, tmp_path):
    args = ["quantize", photo_jpg, "-k", "7", "--replicates", "0", "--dither", "ordered"]
    piped = subprocess.run(
        [sys.executable, "-m", "colourquant.cli", *map(str, args), "-o", "-"],
        capture_output=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.decode().splitlines()[-1].startswith("wrote standard output: 7 colours")
    written = run_cli(*args, "-o", "q.png", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert piped.stdout == (tmp_path / "q.png").read_bytes()
    assert piped.stdout.startswith(b"\x89PNG")


@pytest.mark.parametrize("suffix, mode", [(".gif", "P"), (".webp", "RGB")])
def test_gif_and_webp_hold_the_quantized_image_exactly(photo_jpg, tmp_path, suffix, mode):
    out = tmp_path / f"q{suffix}"
    argv = ["quantize", str(photo_jpg), "-k", "12", "-q", "--replicates", "0", "-o", str(out)]
    assert cli.main(argv) == 0
    expected = quantize(photo_jpg, 12, replicates=0, metrics=False)
    with Image.open(out) as written:
        assert written.format == suffix[1:].upper().replace("WEBP", "WEBP") and written.mode == mode
        np.testing.assert_array_equal(np.asarray(written.convert("RGB")), expected.quantized)


def test_a_gif_of_more_than_256_colours_is_refused_before_any_work(photo_jpg, tmp_path, capsys):
    out = tmp_path / "q.gif"
    assert cli.main(["quantize", str(photo_jpg), "-k", "300", "-m", "wu", "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"colourquant: --output '{out}': a GIF holds at most 256 colours, not k = 300; "
        "write .png or .webp\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_lossy_output_is_refused_and_nothing_written(photo_jpg, tmp_path):
    result = run_cli("quantize", photo_jpg, "-o", "q.jpg", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "colourquant quantize: error: argument -o/--output: 'q.jpg': .jpg is lossy and would "
        "not keep the palette exactly; write .png, .gif or .webp (lossless)"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def transparent_png(tmp_path):
    """An RGBA photo: a fully transparent corner and a half-transparent one."""
    rgba = np.dstack([noisy_photo(seed=6, height=16, width=20), np.full((16, 20), 255, np.uint8)])
    rgba[:5, :6, 3] = 0
    rgba[10:, 14:, 3] = 128
    return write_png(tmp_path / "logo.png", rgba), rgba


@pytest.mark.parametrize("suffix", [".png", ".gif", ".webp"])
def test_transparent_pixels_stay_transparent_unless_composited(transparent_png, tmp_path, suffix):
    path, rgba = transparent_png
    kept, white = tmp_path / f"kept{suffix}", tmp_path / f"white{suffix}"
    base = ["quantize", str(path), "-k", "6", "-q", "--replicates", "0"]
    assert cli.main([*base, "-o", str(kept)]) == 0
    assert cli.main([*base, "-o", str(white), "--background", "white"]) == 0
    expected = quantize(path, 6, replicates=0, metrics=False)
    clear = rgba[..., 3] == 0
    np.testing.assert_array_equal(expected.transparent, clear)
    written = np.asarray(Image.open(kept).convert("RGBA"))
    # Fully transparent pixels are transparent; every other pixel is opaque and
    # holds its palette colour (half-transparent ones as composited on white).
    np.testing.assert_array_equal(written[..., 3], np.where(clear, 0, 255))
    np.testing.assert_array_equal(written[~clear][:, :3], expected.quantized[~clear])
    with Image.open(white) as composited:
        assert composited.convert("RGBA").getextrema()[3] == (255, 255)
        np.testing.assert_array_equal(np.asarray(composited.convert("RGB")), expected.quantized)


def test_one_image_into_a_folder_named_with_a_trailing_separator(photo_jpg, tmp_path, capsys):
    base = ["quantize", str(photo_jpg), "-k", "2", "-q", "--replicates", "0"]
    assert cli.main([*base, "-o", f"{tmp_path / 'new'}{os.sep}", "-m", "octree"]) == 0
    assert [path.name for path in (tmp_path / "new").iterdir()] == ["chelsea-octree-k2.png"]
    assert cli.main([*base, "-o", str(tmp_path / "noext")]) == 2
    assert capsys.readouterr().err == (
        f"colourquant: --output '{tmp_path / 'noext'}' has no suffix: name a .png, .gif or .webp "
        f"file, or an existing folder (or end it with {os.sep})\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new"]


def test_a_long_batch_draws_a_progress_bar_on_a_terminal_only(tmp_path):
    import fcntl
    import pty
    import struct
    import termios
    import threading

    for seed in range(4):
        write_png(tmp_path / f"p{seed}.png", noisy_photo(seed=seed, height=6, width=8))
    args = ["quantize", "p*.png", "-k", "2", "--replicates", "0", "-o", "out"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    # stderr on a pseudo-terminal 100 columns wide, as in a shell: the bar is drawn there.
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "colourquant.cli", *args],
        stdout=subprocess.PIPE, stderr=follower, cwd=tmp_path, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []

    def read():
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    assert process.wait(timeout=300) == 0
    reader.join(timeout=10)
    os.close(leader)
    terminal = b"".join(chunks).decode()
    # The bar (redrawn at most every 0.1 s, cleared at the end) starts at 0/4.
    assert "| 0/4 [00:00<?, ?image/s]" in terminal, terminal
    for seed in range(4):
        assert f"p{seed}: wrote out/p{seed}-Lab-k2.png: 2 colours" in terminal
    # In a log (a pipe), the lines alone.
    logged = run_cli(*args[:-1], "logged", cwd=tmp_path)
    assert logged.returncode == 0
    assert [line.split(":")[0] for line in logged.stderr.splitlines()] == ["p0", "p1", "p2", "p3"]
    assert "/4 [" not in logged.stderr


def test_metrics_into_a_folder_hold_a_json_row_per_image_written(three_images, tmp_path):
    result = run_cli(
        "quantize", "in", "-k", "2", "-q", "--replicates", "0", "-m", "wu", "-o", "out",
        "--metrics", f"rows{os.sep}", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    broken, summary = result.stderr.splitlines()
    assert broken.startswith("colourquant: image 'broken': 'in/broken.png' ")
    assert summary == "colourquant: 1 of 3 images failed"
    assert sorted(path.name for path in (tmp_path / "rows").iterdir()) == [
        "good1-wu-k2.json", "good2-wu-k2.json",
    ]  # fmt: skip
    for name in ("good1", "good2"):
        row = json.loads((tmp_path / "rows" / f"{name}-wu-k2.json").read_text())
        expected = quantize(tmp_path / "in" / f"{name}.png", 2, method="wu")
        assert without_timing(row) == without_timing(expected.metrics)
