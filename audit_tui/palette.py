"""The command palette's own commands: every binding of the screen and of the app, by name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from audit_tui.screens.help import GO_THEME


def binding_commands(
    screen: Screen[Any], app: App[Any], digits: Iterable[int]
) -> Iterator[SystemCommand]:
    """A command for each binding with a description, once per action; the theme digits only
    those the open bank numbers its themes with (`digits`; all when none is open)."""
    seen: set[str] = set()
    numbers = {str(n) for n in digits}
    for binding, target in bindings_of(screen, app):
        if not binding.description or binding.action in seen:
            continue
        number = GO_THEME.fullmatch(binding.action)
        if number and numbers and number.group(1) not in numbers:
            continue  # no theme of the bank is numbered so
        seen.add(binding.action)
        keys = app.get_key_display(binding)
        yield SystemCommand(
            binding.description,
            f"{binding.tooltip or binding.description} (key: {keys})",
            partial(target.run_action, binding.action),
        )


def bindings_of(screen: Screen[Any], app: App[Any]) -> list[tuple[Binding, Any]]:
    """Bindings for the palette, as (binding, node that runs it).

    The focused widget's shown bindings (Enter on the case table), then every binding of the
    screen and of the app, hidden ones included (theme numbers, reopen).
    """
    found: list[tuple[Binding, Any]] = []
    focused = screen.focused
    if focused is not None:
        for bindings in focused._bindings.key_to_bindings.values():
            found.extend((b, focused) for b in bindings if b.show)
    for node in (screen, app):
        for bindings in node._bindings.key_to_bindings.values():
            found.extend((b, node) for b in bindings)
    return found
