"""The command line: `audit-tui` and its commands (typer, built in cli/commands.py).

`main` starts the interface itself (plain `audit-tui`, `open FILE`, `demo`) without loading
typer when the words are plain (cli/launch.py), since the inspector waits for its first frame;
anything else goes to typer. `from audit_tui.cli import app` gives the typer app.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def main() -> None:
    # audit-tui uses no pydantic plugin: without this, building the bank's models first reads
    # the entry points of every installed package (30-40 ms of each start, before the interview
    # or a command can show anything). A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from audit_tui.cli.launch import quick_launch

    code = quick_launch(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from audit_tui.cli.commands import app

    app()


def __getattr__(name: str) -> Any:
    if name == "app":
        from audit_tui.cli.commands import app

        return app
    raise AttributeError(f"module 'audit_tui.cli' has no attribute {name!r}")
