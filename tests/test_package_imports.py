"""No module of the package uses another module's private names.

A name that starts with one underscore is its module's own business; a name
two modules share is public (a private module, ``_cli_io``, may hold public
names). Parsed with ``ast``: ``from .x import _name`` (at any depth, inside
functions too), and ``y._name`` where ``y`` is a module or a class imported
from the package.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "colourquant"


def module_name(path: Path) -> str:
    """``src/colourquant/kmeans/_fit.py`` -> ``colourquant.kmeans._fit``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_submodule(module: str) -> bool:
    """Whether `module` (dotted) is a module or package of the source tree (any suffix)."""
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.is_dir() or any(path.parent.glob(f"{path.name}.*"))


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def imported_from(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``ImportFrom`` in `module` imports from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def private_uses(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every private name of another package module that `source` (module `module`) uses."""
    tree = ast.parse(source)
    found, imported = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = imported_from(node, module, is_package)
            if origin.split(".")[0] != "colourquant":
                continue
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{origin}.{alias.name}"
                if (
                    is_private(alias.name)
                    and origin != module
                    and not is_submodule(f"{origin}.{alias.name}")
                ):
                    found.append(f"line {node.lineno}: from {origin} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "colourquant":
                    imported[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            found.append(f"line {node.lineno}: {imported[node.value.id]}.{node.attr}")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_module_uses_another_modules_private_names(path):
    uses = private_uses(path.read_text(), module_name(path), path.name == "__init__.py")
    assert not uses, f"{module_name(path)} uses private names of other modules: {uses}"


def test_the_check_finds_each_kind_of_private_use():
    source = """
from .images import ImageError, _one_line
from ..kmeans._assign import _cluster_means
from . import _lloyd_kernel
from .quantization import Quantization
from colourquant import spaces as sp

def f():
    from .downloads import _hidden
    return Quantization._from_run, sp._cache, Quantization.from_run, _local()
"""
    found = private_uses(source, "colourquant.kmeans._fit")
    assert found == [
        "line 2: from colourquant.kmeans.images import _one_line",
        "line 3: from colourquant.kmeans._assign import _cluster_means",
        "line 9: from colourquant.kmeans.downloads import _hidden",
        "line 10: colourquant.kmeans.quantization.Quantization._from_run",
        "line 10: colourquant.spaces._cache",
    ]
    # A module's own names, a private submodule, dunders and public names are fine.
    assert private_uses("from ._assign import cluster_means\n", "colourquant.kmeans._fit") == []
    assert private_uses("from . import _lloyd_kernel\n", "colourquant.kmeans._lloyd") == []
    assert private_uses("from . import __version__\n", "colourquant.cli") == []
    # Relative imports in a package's __init__ start from the package itself.
    assert private_uses("from ._fit import _x\n", "colourquant.kmeans", is_package=True) == [
        "line 1: from colourquant.kmeans._fit import _x"
    ]
