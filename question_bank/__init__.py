"""What is asked and how it is scored: bank models, loading, applicability, scoring, phrasing.

The names below are loaded on first use (PEP 562), so that importing one light module of the
package (`question_bank.fields`) does not load pydantic, YAML and every model with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from question_bank.case import CaseRecord
    from question_bank.loader import (
        BankError,
        Problem,
        UnknownBankError,
        load_bank,
        load_shipped,
        shipped_bank_paths,
    )
    from question_bank.model import Bank, Condition, Question, Section, Theme
    from question_bank.phrasing import proportion_phrase
    from question_bank.scoring import (
        QuestionTally,
        ThemeScore,
        score_bank,
        score_theme,
        whole_percent,
    )

_HOMES = {
    "CaseRecord": "case",
    "BankError": "loader",
    "Problem": "loader",
    "UnknownBankError": "loader",
    "load_bank": "loader",
    "load_shipped": "loader",
    "shipped_bank_paths": "loader",
    "Bank": "model",
    "Condition": "model",
    "Question": "model",
    "Section": "model",
    "Theme": "model",
    "proportion_phrase": "phrasing",
    "QuestionTally": "scoring",
    "ThemeScore": "scoring",
    "score_bank": "scoring",
    "score_theme": "scoring",
    "whole_percent": "scoring",
}

__all__ = [
    "Bank",
    "BankError",
    "CaseRecord",
    "Condition",
    "Problem",
    "Question",
    "QuestionTally",
    "Section",
    "Theme",
    "ThemeScore",
    "UnknownBankError",
    "load_bank",
    "load_shipped",
    "proportion_phrase",
    "score_bank",
    "score_theme",
    "shipped_bank_paths",
    "whole_percent",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'question_bank' has no attribute {name!r}")
    return getattr(importlib.import_module(f"question_bank.{home}"), name)
