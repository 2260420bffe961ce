"""Starting the interface: plain `audit-tui`, `audit-tui open FILE`, `audit-tui demo`.

The typer commands in tui.py call these. `quick_launch` also runs them straight from the
command line when its words are plain (a file, `--inspector`, `--passphrase-file`, `--path`),
without loading typer: loading typer and building every command of the CLI would add about
50 ms before the case list's first frame. Anything else (help, a misspelt option, every other
command) goes to typer, which says what is wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from audit_tui.cli.errors import UserError, report, require_file

# The options of each interface command, as typer declares them in tui.py.
_OPTIONS = {
    "open": {"--inspector": "inspector", "--passphrase-file": "passphrase_file"},
    "demo": {"--path": "path", "--inspector": "inspector", "--bank": "bank"},
}


def run_app(
    path: Path | None,
    inspector: str | None = None,
    passphrase: str | None = None,
    reopened: bool = False,
) -> None:
    """Run the interface; a file that cannot be opened ends with its one sentence, exit 1.

    An encrypted file's passphrase, when not given, is asked for by the interface; a file
    `reopened` (the last one used) is named on screen as it opens.
    """
    from audit_tui import settings, startup_gc

    startup_gc.pause()  # until the app is up, which resumes it
    from audit_tui.app import make_app

    theme = settings.load().get("theme")
    app = make_app(
        path,
        inspector=inspector,
        theme=theme if isinstance(theme, str) else None,
        passphrase=passphrase,
        reopened=reopened,
    )
    try:
        app.run()
    finally:
        startup_gc.resume(freeze=False)  # if the app ended before it resumed the collector
    if app.return_code:
        raise UserError(app.return_value or "the inspection file could not be opened")


def open_file(
    file: Path, inspector: str | None = None, passphrase_file: Path | None = None
) -> None:
    """`audit-tui open FILE`."""
    from audit_tui.cli.passphrase import given

    require_file(file)
    run_app(file, inspector, given(passphrase_file))


def demo(path: Path | None = None, inspector: str | None = None, bank: str | None = None) -> None:
    """`audit-tui demo`: build the demo inspection on a bank unless it exists, and open it."""
    from audit_tui.locations import demo_path
    from db.reporting.demo import DEMO_BANK, build_demo, demo_banks

    bank = bank or DEMO_BANK
    if bank not in demo_banks():
        raise UserError(
            f"there is no demo on bank {bank!r}; use --bank with one of {', '.join(demo_banks())}"
        )
    target = path or demo_path(bank)
    if target.exists():
        print(f"Using the existing demo inspection at {target}", file=sys.stderr)
    else:
        if not target.parent.is_dir():
            raise UserError(f"the folder {target.parent} does not exist; create it first")
        print(f"Building the demo inspection on {bank} at {target}", file=sys.stderr)
        build_demo(target, bank_id=bank)
    run_app(target, inspector)


def open_last() -> None:
    """Plain `audit-tui`: the last file used, or the start screen."""
    from audit_tui import settings
    from audit_tui.cli.passphrase import given

    last = settings.last_file()
    run_app(last, passphrase=given(None), reopened=last is not None)


def plain_command(argv: list[str]) -> Callable[[], None] | None:
    """The launch that `argv` asks for, when it is one of the plain forms; else None."""
    if not argv:
        return open_last
    command, words = argv[0], argv[1:]
    options = _OPTIONS.get(command)
    if options is None:
        return None
    given: dict[str, str] = {}
    positional: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        name, equals, value = word.partition("=")
        if name in options:
            if not equals:
                if i + 1 == len(words):
                    return None
                i += 1
                value = words[i]
            if options[name] in given or not value or value.startswith("-"):
                return None
            given[options[name]] = value
        elif word.startswith("-") or not word:
            return None
        else:
            positional.append(word)
        i += 1
    paths = {key: Path(value) for key, value in given.items() if key not in ("inspector", "bank")}
    inspector = given.get("inspector")
    if command == "open":
        if len(positional) != 1:
            return None
        return partial(open_file, Path(positional[0]), inspector, paths.get("passphrase_file"))
    if positional:
        return None
    return partial(demo, paths.get("path"), inspector, given.get("bank"))


def quick_launch(argv: list[str]) -> int | None:
    """Run a plain interface command without typer; its exit code, or None to ask typer."""
    launch = plain_command(argv)
    if launch is None:
        return None
    try:
        launch()
    except (EOFError, KeyboardInterrupt):
        print("\nAborted!", file=sys.stderr)  # what click says, so both ways end alike
        return 1
    except Exception as exc:
        if report(exc):
            return 1
        raise
    return 0
