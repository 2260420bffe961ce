"""Pydantic models of a question bank: themes, sections, questions, scales, conditions, bands."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from question_bank.case import CONDITION_FIELDS

ScoringRuleName = Literal["pooled_key", "lowest_key"]
CountsAs = Literal["yes", "no", "excluded"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """A declarative test on case fields: a leaf on one field, or all / any / not of others.

    A leaf names a field and exactly one of `equals`, `in`, `min`/`max` (age only).
    """

    field: str | None = None
    equals: bool | str | int | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    min: int | None = None
    max: int | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combinators = [self.all is not None, self.any is not None, self.not_ is not None]
        leaf_tests = [
            self.equals is not None,
            self.in_ is not None,
            self.min is not None or self.max is not None,
        ]
        if self.field is None:
            if sum(combinators) != 1 or any(leaf_tests):
                raise ValueError("a condition needs either a field or exactly one of all/any/not")
        elif any(combinators) or sum(leaf_tests) != 1:
            raise ValueError(
                f"condition on {self.field!r} needs exactly one of equals, in, min/max"
            )
        return self

    def fields(self) -> set[str]:
        """The case fields this condition reads (its leaves')."""
        if self.field is not None:
            return {self.field}
        children = self.all or self.any or ([self.not_] if self.not_ else [])
        return {name for child in children for name in child.fields()}

    def problems(self) -> list[str]:
        """What is wrong with the fields and values this condition names."""
        if self.field is None:
            children = self.all or self.any or ([self.not_] if self.not_ else [])
            return [p for child in children for p in child.problems()]
        spec = CONDITION_FIELDS.get(self.field)
        if spec is None:
            return [f"condition on unknown case field {self.field!r}"]
        wanted = [self.equals] if self.equals is not None else list(self.in_ or [])
        if spec.kind == "bool":
            if self.in_ is not None or not isinstance(self.equals, bool):
                return [f"condition on {self.field!r} must be 'equals: true' or 'equals: false'"]
            return []
        if spec.kind == "int":
            if self.in_ is not None or isinstance(self.equals, bool | str):
                return [f"condition on {self.field!r} must use equals, min or max with a number"]
            low = spec.minimum if self.min is None else self.min
            high = spec.maximum if self.max is None else self.max
            if low is not None and high is not None and low > high:
                return [f"condition on {self.field!r} can never hold (min {low} > max {high})"]
            return []
        if self.min is not None or self.max is not None:
            return [f"min/max only apply to age, not {self.field!r}"]
        return [
            f"condition on {self.field!r} names unknown value {value!r}"
            for value in wanted
            if value not in spec.values
        ]

    def holds(self, case: dict[str, Any]) -> bool:
        """Whether a case (its condition_values) meets this condition."""
        if self.all is not None:
            return all(child.holds(case) for child in self.all)
        if self.any is not None:
            return any(child.holds(case) for child in self.any)
        if self.not_ is not None:
            return not self.not_.holds(case)
        value = case.get(self.field or "")
        if self.equals is not None:
            return bool(value == self.equals)
        if self.in_ is not None:
            return value in self.in_
        if value is None:
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        """A short human reading, for the interview screen's 'why N/A'."""
        if self.all is not None:
            return " and ".join(child.describe() for child in self.all)
        if self.any is not None:
            return "(" + " or ".join(child.describe() for child in self.any) + ")"
        if self.not_ is not None:
            return f"not {self.not_.describe()}"
        if self.equals is not None:
            if isinstance(self.equals, bool):
                return f"{self.field}" if self.equals else f"not {self.field}"
            return f"{self.field} is {self.equals}"
        if self.in_ is not None:
            return f"{self.field} is {' or '.join(self.in_)}"
        bounds = []
        if self.min is not None:
            bounds.append(f"{self.field} ≥ {self.min}")
        if self.max is not None:
            bounds.append(f"{self.field} ≤ {self.max}")
        return " and ".join(bounds)


class ScaleOption(_Strict):
    value: str = Field(min_length=1, pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)
    key: str = Field(min_length=1, max_length=1)
    counts_as: CountsAs
    # On a question that `classifies` a case field: the value the inspector judges the field
    # should have had when this option is chosen (None: the service's value stands).
    sets: bool | str | None = None


class Scale(_Strict):
    options: list[ScaleOption] = Field(min_length=2)

    def values(self) -> list[str]:
        return [option.value for option in self.options]

    def option(self, value: str) -> ScaleOption | None:
        return next((o for o in self.options if o.value == value), None)


YES_NO_NA = Scale(
    options=[
        ScaleOption(value="yes", label="Yes", key="y", counts_as="yes"),
        ScaleOption(value="no", label="No", key="n", counts_as="no"),
        ScaleOption(value="na", label="N/A", key="a", counts_as="excluded"),
    ]
)


class Band(_Strict):
    """A judgement band over whole percentages, both ends included."""

    label: str = Field(min_length=1)
    min: int = Field(ge=0, le=100)
    max: int = Field(ge=0, le=100)


class Overall(_Strict):
    """An overall rating: each rated theme's band gives points, and the total is banded."""

    points: dict[str, int]  # band label -> points (Inadequate 0 ... Outstanding 3)
    bands: list[Band] = Field(min_length=1)  # over the total, not over a percentage
    source: str | None = None


class Scoring(_Strict):
    rule: ScoringRuleName
    bands: list[Band] = Field(min_length=1)
    # Where the band edges come from. Bands without a source are provisional, and every
    # judgement drawn from them is labelled so wherever it is shown.
    bands_source: str | None = None

    # The overall rating of the whole inspection, where the framework gives one.
    overall: Overall | None = None

    @property
    def bands_provisional(self) -> bool:
        return not self.bands_source

    def band_above(self, percent: int) -> Band | None:
        """The lowest band above the one `percent` falls in; None at the top."""
        return min((b for b in self.bands if b.min > percent), key=lambda b: b.min, default=None)

    def judgement(self, percent: int | None) -> str | None:
        if percent is None:
            return None
        return next((b.label for b in self.bands if b.min <= percent <= b.max), None)


class Measure(_Strict):
    """One thing a theme's score measures (assessment, planning, ...): one key question each."""

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)


class Terms(_Strict):
    """The bank's own words for its parts, so screens and reports speak its framework."""

    theme: str = "theme"  # "standard" in the youth justice standards
    judgement: str = "judgement"  # "rating"


class Theme(_Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    expectation: str = Field(min_length=1)
    case_scored: bool
    # How the framework numbers it ("2.1"), where that is not its number.
    label: str | None = None
    # Whether its rating counts in the overall rating (banks with an overall rating).
    in_overall: bool | None = None
    # What its score is a share of, in the report's words: "work to reduce reoffending" in
    # "overall 58% of work to reduce reoffending was done well enough" (None: "work on <title>").
    work: str | None = Field(default=None, min_length=1)

    @property
    def mark(self) -> str:
        """The theme's number as the framework writes it: "2" or "2.1"."""
        return self.label or str(self.number)

    # What the theme's score measures, each by exactly one key question (None: a bank of
    # format 1, made before measures were declared; it still opens, and validates as it did).
    measures: list[Measure] | None = None
    # An alternative theme (the sixth theme varied by inspection): in the bank only when the
    # inspection chose this module (`audit-tui new --module`).
    module: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")


class Section(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)


ClassifiedField = Literal["rosh", "vulnerability", "victim_identified"]


class Question(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
    theme: int
    section: str
    text: str = Field(min_length=1)
    guidance: list[str] = Field(default_factory=list)
    chart_label: str = Field(min_length=1, max_length=40)
    scale: str = "yes_no_na"
    key: bool = False
    applies_if: Condition | None = None
    note_required_for: list[str] = Field(default_factory=list)
    # The measure of its theme a key question scores (banks that declare measures).
    measure: str | None = None
    # Whether the theme's Data Summary charts this key question (None: every key question).
    chart: bool | None = None
    # The case field whose service classification this question checks: its options `set` the
    # value the inspector judges right, and every condition then reads the inspector's value.
    classifies: ClassifiedField | None = None
    # The module of the alternative theme this question belongs to (see Theme.module).
    module: str | None = None

    @property
    def charted(self) -> bool:
        return self.key and self.chart is not False

    def applies(self, case_values: dict[str, Any]) -> bool:
        return self.applies_if is None or self.applies_if.holds(case_values)


class Bank(_Strict):
    """A whole, resolved question bank: what the engine runs and what a file stores."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9\-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    scoring: Scoring
    scales: dict[str, Scale] = Field(default_factory=lambda: {"yes_no_na": YES_NO_NA})
    themes: list[Theme] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    # Alternative themes a bank offers (module id -> title); a resolved bank keeps one.
    modules: dict[str, str] | None = None
    module: str | None = None  # the module this resolved bank was made with
    # Which cases the bank is for (the short quality screening's window), as the source says.
    case_window: str | None = None
    # Where the bank's questions and rules come from, and what could not be sourced.
    sources: list[str] | None = None
    terms: Terms | None = None

    @property
    def words(self) -> Terms:
        return self.terms or Terms()

    def canonical_json(self) -> str:
        """The bank's canonical form: sorted keys, no whitespace, defaults written out."""
        return json.dumps(
            self.model_dump(mode="json", by_alias=True, exclude_none=True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def theme_by_number(self) -> dict[int, Theme]:
        return {t.number: t for t in self.themes}

    def question(self, question_id: str) -> Question:
        return self.question_by_id[question_id]

    def theme_questions(self, number: int) -> list[Question]:
        return [q for q in self.questions if q.theme == number]

    def key_questions(self, number: int) -> list[Question]:
        return [q for q in self.questions if q.theme == number and q.key]

    def scale_of(self, question: Question) -> Scale:
        return self.scales[question.scale]

    def scored_themes(self) -> list[Theme]:
        return [t for t in self.themes if t.case_scored]

    def applicable_questions(self, case_values: dict[str, Any]) -> list[Question]:
        return [q for q in self.questions if q.applies(case_values)]

    @cached_property
    def classifying_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.classifies)

    def classified_values(
        self, case_values: dict[str, Any], answers: Mapping[str, str]
    ) -> dict[str, Any]:
        """The case's values with the inspector's classifications over the service's.

        `answers` maps question ids to the answer values given (any others are ignored). A
        classifying question answered with an option that `sets` a value overrides its field.
        """
        if not self.classifying_questions:
            return case_values
        values = dict(case_values)
        for question in self.classifying_questions:
            value = answers.get(question.id)
            option = self.scale_of(question).option(value) if value else None
            if option is not None and option.sets is not None and question.classifies:
                values[question.classifies] = option.sets
        return values

    def measure_of(self, question: Question) -> Measure | None:
        theme = self.theme_by_number.get(question.theme)
        return (
            next((m for m in theme.measures or [] if m.id == question.measure), None)
            if theme
            else None
        )

    def with_module(self, module: str | None) -> Bank:
        """The bank an inspection runs: the chosen module's themes, no other module's.

        None chooses the bank's first module (the one its source inspection used); a bank with
        no modules, or one already resolved to its module, is returned as it is.
        """
        if not self.modules:
            if module not in (None, self.module):
                raise ValueError(f"bank {self.id} offers no module {module!r}")
            return self
        module = module or next(iter(self.modules))
        if module not in self.modules:
            offered = ", ".join(self.modules)
            raise ValueError(f"bank {self.id} has no module {module!r}; choose one of {offered}")
        raw = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        raw["themes"] = [t for t in raw["themes"] if t.get("module") in (None, module)]
        numbers = {t["number"] for t in raw["themes"]}
        raw["questions"] = [
            q
            for q in raw["questions"]
            if q.get("module") in (None, module) and q["theme"] in numbers
        ]
        sections = {q["section"] for q in raw["questions"]}
        raw["sections"] = [s for s in raw["sections"] if s["id"] in sections]
        raw["modules"], raw["module"] = None, module
        return Bank.model_validate(raw)
