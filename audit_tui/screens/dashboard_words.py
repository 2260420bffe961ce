"""The dashboard's words: a theme's name, a key's name in the bank's words, an earlier
judgement."""

from __future__ import annotations

from db.file.judgements import Judgement
from question_bank.model import Terms, Theme


def theme_name(words: Terms, theme: Theme) -> str:
    """'Theme 1' or 'Standard 2.1'."""
    return f"{words.theme.capitalize()} {theme.mark}"


def in_words(text: str, words: Terms) -> str:
    """A key's name or tooltip, written in the default words, in the bank's."""
    for default, own in (("theme", words.theme), ("judgement", words.judgement)):
        text = text.replace(default, own).replace(default.capitalize(), own.capitalize())
    return text


def history_line(entry: Judgement) -> str:
    said = entry.judgement or "withdrawn"
    when = entry.recorded_at[:10]
    return f"  earlier: {said} by {entry.recorded_by} on {when}: {entry.rationale}"
