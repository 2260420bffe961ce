"""The interview's side panel: themes and their sections with answered / applicable progress.

A theme is numbered as its framework numbers it ("2.1").

Every theme is listed; only the current theme is opened out into its sections, which keeps the
panel short enough for a 24-line terminal.
"""

from __future__ import annotations

from textual.markup import escape
from textual.reactive import reactive

from audit_tui.interview_state import ThemeProgress
from audit_tui.messages import SectionClicked
from audit_tui.widgets.lines import KeptRows, Line


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class ThemeProgressPanel(KeptRows):
    """Themes and sections, each with answered / applicable; a click jumps to a section.

    An answer changes one theme's and one section's figures: only those rows are redrawn.
    """

    DEFAULT_CSS = """
    ThemeProgressPanel {
        height: auto;
        padding: 0 1;
    }
    """

    themes: reactive[tuple[ThemeProgress, ...]] = reactive((), always_update=True, repaint=False)
    current: reactive[str] = reactive("", repaint=False)

    def watch_themes(self) -> None:
        self.refresh_rows()

    def watch_current(self) -> None:
        self.refresh_rows()

    def show(self, themes: tuple[ThemeProgress, ...], current: str) -> None:
        """New figures and current section, redrawn once."""
        self.set_reactive(ThemeProgressPanel.current, current)
        self.themes = themes

    def keep_progress(self, themes: tuple[ThemeProgress, ...], current: str) -> None:
        """Render the lines of figures and current section about to be shown (see
        KeptRows.keep)."""
        self.keep(self.lines_for(themes, self.content_width, current))

    def lines(self, width: int) -> list[Line]:
        return self.lines_for(self.themes, width, self.current)

    def lines_for(self, themes: tuple[ThemeProgress, ...], width: int, current: str) -> list[Line]:
        width = max(width, 12)
        lines: list[Line] = []
        open_theme = current.partition(":")[0]
        for theme in themes:
            figures = f"{theme.answered}/{theme.applicable}"
            title = _fit(f"{theme.theme.mark} {theme.theme.title}", width - len(figures) - 1)
            style = "$success" if theme.applicable and theme.answered == theme.applicable else ""
            pad = " " * max(width - len(title) - len(figures), 1)
            action = f"select('{theme.sections[0].key}')" if theme.sections else "noop"
            lines.append(
                f"[@click={action}][b]{escape(title)}[/b]{pad}[{style or 'dim'}]{figures}[/][/]"
            )
            if str(theme.theme.number) != open_theme:
                continue
            for section in theme.sections:
                figures = f"{section.answered}/{section.applicable}"
                if section.applicable == 0:
                    figures = "n/a"
                here = section.key == current
                marker = "›" if here else " "
                title = _fit(f"{marker} {section.section.title}", width - len(figures) - 1)
                pad = " " * max(width - len(title) - len(figures), 1)
                done = section.applicable and section.answered == section.applicable
                figure_style = "$success" if done else "$text-muted"
                line = (
                    f"[@click=select('{section.key}')]{escape(title)}{pad}"
                    f"[{figure_style}]{figures}[/][/]"
                )
                if here:
                    line = f"[reverse]{line}[/reverse]"
                lines.append(line)
        return lines

    def action_select(self, key: str) -> None:
        self.post_message(SectionClicked(key))

    def action_noop(self) -> None:
        """A theme without questions: nothing to go to."""
