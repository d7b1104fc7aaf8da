"""The repository's promises: dependencies agree, lint is clean, CI runs the README's command."""

import ast
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from conftest import REPO, SNAKEMAKE


def _requirement_names(requirements) -> dict[str, str]:
    """Map package name -> version specifier, normalised for comparison."""
    parsed = {}
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*", requirement)
        parsed[match.group(1).lower().replace("_", "-")] = match.group(2).replace(" ", "")
    return parsed


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    listed = environment["dependencies"]
    pip = [d for entry in listed if isinstance(entry, dict) for d in entry.get("pip", [])]
    conda = _requirement_names([*(d for d in listed if isinstance(d, str) and d != "pip"), *pip])
    python = conda.pop("python")
    assert python == project["requires-python"]
    assert conda == _requirement_names(project["dependencies"])


def test_the_rules_pinned_environment_pins_every_dependency_within_pyproject_ranges():
    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pinned_file = REPO / "workflow/envs/colourquant.yaml"
    listed = yaml.safe_load(pinned_file.read_text())["dependencies"]
    pip = [d for entry in listed if isinstance(entry, dict) for d in entry.get("pip", [])]
    pinned = _requirement_names([*(d for d in listed if isinstance(d, str) and d != "pip"), *pip])
    ranges = _requirement_names(project["dependencies"])
    ranges["python"] = project["requires-python"]
    assert set(pinned) == set(ranges)
    for name, pin in pinned.items():
        assert re.fullmatch(r"==[0-9][0-9.]*", pin), f"{name} is not pinned exactly: {pin!r}"
        assert pin[2:] in SpecifierSet(ranges[name]), f"{name} {pin} is outside {ranges[name]}"
    # Every rule's environment is this one, not environment.yml's ranges.
    rules = "".join(path.read_text() for path in (REPO / "workflow/rules").glob("*.smk"))
    environments = re.findall(r"^\s+conda:\s*\n\s*(\S+)", rules, flags=re.MULTILINE)
    assert len(environments) >= 10 and set(environments) == {'"../envs/colourquant.yaml"'}


@pytest.mark.workflow
def test_snakemake_lint_is_clean():
    result = subprocess.run(
        [*SNAKEMAKE, "--lint", "--snakefile", str(REPO / "Snakefile")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert "Lints for" not in output, output
    assert result.returncode == 0, output


def test_snakefmt_check_passes():
    result = subprocess.run(
        [sys.executable, "-m", "snakefmt", "--check", str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command):
    # Everything ruff reads: the package, tests, scripts, benchmarks, notebook and README code.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, str(REPO)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:sh|bash)\n(.*?)```", quick_start, flags=re.S)
    lines = [line for block in commands for line in block.splitlines() if line.strip()]
    assert len(lines) == 2, lines
    assert "snakemake --cores 8" in lines[0]
    assert "pytest" in lines[1]
    ci_lines = (REPO / ".ci/run").read_text().splitlines()
    assert lines[1] in ci_lines


# Job scripts are glue: reading a job's inputs, calling the package, writing
# its outputs.
def test_no_job_script_is_over_30_lines():
    scripts = sorted((REPO / "workflow/scripts").glob("*.py"))
    assert len(scripts) > 10, "the workflow's scripts were not found"
    lengths = {path.name: len(path.read_text().splitlines()) for path in scripts}
    too_long = {name: n for name, n in lengths.items() if n > 30}
    assert not too_long, f"job scripts over 30 lines (move the logic into the package): {too_long}"


def _package_modules():
    modules = sorted((REPO / "src/colourquant").rglob("*.py"))
    assert len(modules) > 30, "the package's modules were not found"
    return modules


def test_every_function_over_80_lines_has_a_docstring():
    undocumented = []
    for path in _package_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80 and ast.get_docstring(node) is None:
                    undocumented.append(f"{path.relative_to(REPO)}:{node.name} ({length} lines)")
    assert not undocumented, undocumented


def test_no_package_module_is_over_500_lines():
    lengths = {path: len(path.read_text().splitlines()) for path in _package_modules()}
    too_long = {str(path.relative_to(REPO)): n for path, n in lengths.items() if n > 500}
    assert not too_long, f"modules over 500 lines: {too_long}"
