"""The argument and options many commands declare alike: an inspection FILE and `--json`.

Every value the CLI takes has a metavar in capitals (FILE, INITIALS, N), so help and usage
name it the same way whatever typer would make of its type (tests/test_docs.py checks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The inspection file.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
