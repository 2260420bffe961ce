"""What is asked and how it is scored: bank models, loading, applicability, scoring, phrasing."""

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
from question_bank.scoring import QuestionTally, ThemeScore, score_bank, score_theme, whole_percent

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
