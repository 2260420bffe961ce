"""The checks a change must pass besides its tests: format, lint, types and the import contracts.

They run as tests so that the README's one test command (and `.ci/run`) checks them too, each
in its own process, in parallel with the rest of the suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKS = {
    "ruff format": ["ruff", "format", "--check", "."],
    "ruff check": ["ruff", "check", "."],
    "mypy": ["mypy"],  # the packages listed in pyproject's [tool.mypy]
    "import contracts": ["lint-imports"],  # pyproject's [tool.importlinter]
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_code_passes(name):
    tool, *args = CHECKS[name]
    executable = shutil.which(tool, path=str(Path(sys.executable).parent)) or shutil.which(tool)
    assert executable, f"{tool} is not installed: pip install -e '.[test]'"
    result = subprocess.run(
        [executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"


def test_mypy_checks_every_package():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(config["tool"]["mypy"]["packages"]) == {"question_bank", "db", "audit_tui"}
