"""`colourquant quantize --skip-if-larger`; every option of the commands' help, with its default."""

import argparse
import os
import re

import numpy as np
import pytest
from PIL import Image

from colourquant import cli, quantize
from colourquant._cli_io import SKIPPED
from colourquant.settings import fit_bounds, fit_defaults
from conftest import noisy_photo, write_png

# --- help: every option, with its default --------------------------------------------------------


def option_blocks(text: str) -> dict[str, str]:
    """Each option's help, by its first flag: its lines joined, spaces collapsed."""
    blocks, flag = {}, None
    for line in text.splitlines():
        if re.match(r"  -", line):
            flag = line.split()[0].rstrip(",")
            blocks[flag] = line
        elif flag and re.match(r" {8,}\S", line):
            blocks[flag] += " " + line
        else:
            flag = None
    return {flag: " ".join(block.split()) for flag, block in blocks.items()}


def shown(default) -> str:
    return " ".join(map(str, default)) if isinstance(default, list) else str(default)


@pytest.mark.parametrize("command", ["quantize", "compare"])
def test_help_documents_every_option_with_its_default(command, capsys):
    parser = cli._parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    subparser = commands.choices[command]
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    blocks = option_blocks(capsys.readouterr().out)
    options = [action for action in subparser._actions if action.option_strings]
    assert len(options) >= 13
    for action in options:
        block = blocks.get(action.option_strings[0])
        assert block is not None, f"{action.option_strings} not in {command} --help"
        # The flag and its long form, and what it does.
        assert all(flag in block.split(" ")[:3] or f"{flag}," in block for flag in
                   action.option_strings), block  # fmt: skip
        if action.nargs == 0 or action.default in (None, argparse.SUPPRESS):
            continue
        assert f"(default: {shown(action.default)})" in block or (
            f"(default: {shown(action.default)};" in block
        ), (block, action.default)
    # Options whose parser default is None say what happens without them where it matters.
    assert "(default: Lab; none for a quantizer)" in blocks["-s"] or command == "compare"
    if command == "quantize":
        assert "(default: IMAGE-SPACE-kK.png here)" in blocks["-o"]
        assert "--skip-if-larger" in blocks


def test_help_defaults_are_the_defaults_used(photo, tmp_path):
    # The defaults the help states are those a run without the options takes.
    parser = cli._parser()
    args = parser.parse_args(["compare", str(photo)])
    assert (args.colours, args.space, args.method, args.dither) == (
        [2, 4, 8, 16], ["RGB", "Lab"], ["kmeans"], ["none"],
    )  # fmt: skip
    args = parser.parse_args(["compare", str(photo), "-m", "wu", "-m", "octree"])
    assert args.method == ["wu", "octree"]  # given methods replace the default, then add up
    args = parser.parse_args(["quantize", str(photo)])
    assert (args.colours, args.method, args.dither, args.background, args.seed) == (
        16, "kmeans", "none", "keep", 0,
    )  # fmt: skip


@pytest.mark.parametrize("command", ["quantize", "compare"])
def test_fit_options_take_their_defaults_and_ranges_from_fit_settings(command, photo):
    parser = cli._parser()
    defaults, bounds = fit_defaults(), fit_bounds()
    args = parser.parse_args([command, str(photo)])
    for key in ("mode", "seed", "n_init", "replicates"):
        option = "--" + key.replace("_", "-")
        assert getattr(args, key) == defaults[key], key
        if bounds[key].choices:
            for choice in bounds[key].choices:
                assert getattr(parser.parse_args([command, "x", option, choice]), key) == choice
            continue
        # The ends of FitSettings' range are accepted, one past them refused.
        low, high = bounds[key].low, bounds[key].high
        assert getattr(parser.parse_args([command, "x", option, str(low)]), key) == low
        assert getattr(parser.parse_args([command, "x", option, str(high)]), key) == high
        for outside in (low - 1, high + 1):
            with pytest.raises(SystemExit):
                parser.parse_args([command, "x", option, str(outside)])


# --- --skip-if-larger ---------------------------------------------------------------------------


@pytest.fixture
def photo(tmp_path):
    """A noisy photo: quantized, its PNG shrinks."""
    return write_png(tmp_path / "photo.png", noisy_photo(seed=3, height=48, width=64))


@pytest.fixture
def stripes(tmp_path):
    """A 4-colour palette PNG, compressed hard: at any k, quantized it grows."""
    y, x = np.mgrid[0:64, 0:64]
    image = Image.fromarray(((x // 3 + y // 5) % 4).astype(np.uint8), "P")
    image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0])
    path = tmp_path / "stripes.png"
    image.save(path, optimize=True, bits=2)
    return path


def test_an_image_that_would_grow_is_not_written_and_exits_98(stripes, tmp_path, capsys):
    before = stripes.read_bytes()
    out, metrics, palette = tmp_path / "out.png", tmp_path / "m.json", tmp_path / "p.png"
    argv = ["quantize", str(stripes), "-k", "256", "--skip-if-larger", "-o", str(out),
            "--metrics", str(metrics), "--palette", str(palette), "-q"]  # fmt: skip
    assert cli.main(argv) == SKIPPED == 98
    error = capsys.readouterr().err
    # Without the flag the file is written, larger than the input: the size the line names.
    assert cli.main([a for a in argv if a != "--skip-if-larger"]) == 0
    grown = out.stat().st_size
    assert grown > len(before)
    assert error == (
        f"colourquant: image 'stripes': not written: quantized it would take {grown:,} bytes, "
        f"more than the {len(before):,} of '{stripes}' (--skip-if-larger)\n"
    )
    out.unlink(), metrics.unlink(), palette.unlink()
    assert cli.main(argv) == 98
    assert stripes.read_bytes() == before  # the input untouched
    assert sorted(path.name for path in tmp_path.iterdir()) == ["stripes.png"]  # nothing written


def test_an_image_that_shrinks_is_written_with_the_same_bytes(photo, tmp_path):
    skipping, plain = tmp_path / "skipping.png", tmp_path / "plain.png"
    base = ["quantize", str(photo), "-k", "8", "-q", "--replicates", "0"]
    assert cli.main([*base, "--skip-if-larger", "-o", str(skipping)]) == 0
    assert cli.main([*base, "-o", str(plain)]) == 0
    assert skipping.read_bytes() == plain.read_bytes()
    assert skipping.stat().st_size < photo.stat().st_size
    written = np.asarray(Image.open(skipping).convert("RGB"))
    np.testing.assert_array_equal(written, quantize(photo, 8, replicates=0).quantized)


@pytest.mark.parametrize("suffix", [".gif", ".webp"])
def test_skip_if_larger_compares_the_format_written(photo, tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    status = cli.main(["quantize", str(photo), "-k", "4", "-q", "--skip-if-larger", "-o", str(out)])
    assert status == 0 and 0 < out.stat().st_size < photo.stat().st_size


def test_in_a_batch_the_others_are_written_and_skipped_ones_named(stripes, photo, tmp_path, capsys):
    folder = tmp_path / "out"
    argv = ["quantize", str(stripes), str(photo), "-k", "16", "--skip-if-larger", "-o",
            f"{folder}{os.sep}", "--metrics", str(tmp_path / "rows.csv"),
            "--replicates", "0"]  # fmt: skip
    assert cli.main(argv) == 98
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("colourquant: image 'stripes': not written: quantized it would")
    assert re.fullmatch(rf"photo: wrote {folder}/photo-Lab-k16.png: 16 colours, .*", lines[1])
    assert lines[2:] == ["colourquant: 1 of 2 images skipped: larger than their input"]
    assert [path.name for path in folder.iterdir()] == ["photo-Lab-k16.png"]
    rows = (tmp_path / "rows.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("photo,")  # a row for what was written
    # A failure as well: exit 1, both said.
    (tmp_path / "broken.png").write_bytes(b"not a png")
    argv[2:2] = [str(tmp_path / "broken.png")]
    assert cli.main(argv) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2:] == [
        "colourquant: 1 of 3 images skipped: larger than their input",
        "colourquant: 1 of 3 images failed",
    ]


def test_skip_if_larger_of_an_image_without_a_file_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "out.png"
    assert cli.main(["quantize", "skimage:astronaut", "--skip-if-larger", "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        "colourquant: --skip-if-larger compares each output with its input file, and IMAGE "
        "'skimage:astronaut' is not a file: download it first\n"
    )
    assert not out.exists()
