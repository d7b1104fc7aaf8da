"""The example notebook, docs/notebook.ipynb, runs from top to bottom without an error."""

import os

import nbformat
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOK = REPO / "docs" / "notebook.ipynb"


def test_the_notebook_runs_without_an_error(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Stored without outputs: the diffs stay readable and nothing shown is stale.
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    client = NotebookClient(
        notebook,
        timeout=300,  # per cell: the whole notebook takes well under a minute
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    # The kernel imports this checkout's package, as pytest does.
    path = os.pathsep.join(filter(None, [str(REPO / "workflow"), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    # Raises CellExecutionError, naming the cell, if any cell fails.
    client.execute(env=env)
    outputs = [output for cell in code for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    figures = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(figures) >= 6
    assert "colourquant/workflow" not in str(outputs)  # no traceback text either
