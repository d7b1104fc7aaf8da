"""The example notebook, docs/notebook.ipynb: stored with its outputs, and they are what it prints.

A student browsing the repository reads the stored outputs; the test runs the
notebook again and checks that it runs without an error or a warning, and
that the stored text outputs are the ones it prints now (every fit is seeded).
"""

import copy
import os

import nbformat
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOK = REPO / "docs" / "notebook.ipynb"
# The teaching notebook's exercises, each a section here.
EXERCISES = [
    "RGB against Lab, side by side",
    "Every pixel in its own colour",
    "Channel correlation",
    "How many pixels each colour takes",
    "Inertia against k, across spaces",
    "HSV and HSL: hue is an angle",
    "A different clustering algorithm",
    "The pixel with the highest blue value",
    "Is there a k where the colour spaces become indistinguishable?",
]
FIGURE_TYPES = ("image/png", "image/jpeg")


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def printed(cell) -> str:
    """What a cell printed on standard output."""
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def test_the_notebook_is_stored_small_with_every_exercise_and_its_outputs():
    assert NOTEBOOK.stat().st_size < 1_500_000
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    headings = [line.lstrip("# ").split(". ", 1)[-1] for cell in notebook.cells
                if cell.cell_type == "markdown" for line in cell.source.splitlines()
                if line.startswith("## ")]  # fmt: skip
    assert [heading for heading in headings if heading in EXERCISES] == EXERCISES
    code = code_cells(notebook)
    # Run in order, top to bottom, every cell with something to show.
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert all(cell.outputs for cell in code)
    figures = [
        o for cell in code for o in cell.outputs if set(o.get("data", {})) & set(FIGURE_TYPES)
    ]
    assert len(figures) >= 8


def test_the_notebook_runs_and_prints_what_it_stores(tmp_path):
    stored = nbformat.read(NOTEBOOK, as_version=4)
    notebook = copy.deepcopy(stored)
    for cell in code_cells(notebook):
        cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        notebook,
        timeout=300,  # per cell: the whole notebook takes about a minute
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    # The kernel imports this checkout's package, as pytest does.
    path = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    # Raises CellExecutionError, naming the cell, if any cell fails.
    client.execute(env=env)
    outputs = [output for cell in code_cells(notebook) for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    # No warning (such as tqdm's "IProgress not found") on standard error.
    assert not [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    figures = [o for o in outputs if set(o.get("data", {})) & set(FIGURE_TYPES)]
    assert len(figures) >= 8
    assert "colourquant/workflow" not in str(outputs)  # no traceback text either
    for fresh, kept in zip(code_cells(notebook), code_cells(stored), strict=True):
        assert printed(fresh) == printed(kept), fresh.source[:80]
    answer = "".join(printed(cell) for cell in code_cells(notebook))
    assert "highest blue value: " in answer and " at x = " in answer
    assert "Equally good? " in answer and "Images that look alike? " in answer
