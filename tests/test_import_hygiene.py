"""The lower layers never pull in the interface: question_bank and db import without textual."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["question_bank", "db"])
def test_lower_layers_do_not_import_textual(package):
    code = (
        f"import sys, pkgutil, importlib, {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'audit_tui', 'typer')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_question_bank_does_not_import_sqlite():
    code = (
        "import sys, pkgutil, importlib, question_bank\n"
        "for m in pkgutil.walk_packages(question_bank.__path__, 'question_bank.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('sqlite3' in sys.modules, 'sqlite_utils' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False False", result.stderr
