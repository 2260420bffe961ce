"""Loading bank files (YAML) and validating them, every problem reported at once."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from question_bank.fidelity import fidelity_problems
from question_bank.model import Bank

BANKS_DIR = Path(__file__).parent / "banks"


@functools.cache
def _bank_yaml_loader(fast: bool = False) -> Any:
    """The YAML loader of bank files, made (and YAML imported) when a bank file is first read:
    a bank stored in an inspection file is JSON and needs no YAML.

    `fast`: the same loader on libyaml's parser (a tenth of the time: 9 ms for fji-2014, not
    115 ms), or None when PyYAML was built without it.
    """
    import yaml

    base = yaml.SafeLoader
    if fast:
        if not hasattr(yaml, "CSafeLoader"):
            return None
        base = yaml.CSafeLoader

    class _BankYamlLoader(base):  # type: ignore[valid-type, misc]
        """YAML 1.2 booleans: only true/false, so an answer value `no` stays the string "no"."""

    _BankYamlLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _BankYamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return _BankYamlLoader


def parse_bank_yaml(text: str) -> Any:
    """A bank file's YAML, read by libyaml where PyYAML has it; YAML it refuses is read again
    by PyYAML's own parser, whose error (its line and problem) the checks report."""
    import yaml

    fast = _bank_yaml_loader(fast=True)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_bank_yaml_loader())  # noqa: S506 - a safe loader


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file: where it is and what is wrong."""

    file: str
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.message}"


class BankError(Exception):
    """A bank file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownBankError(LookupError):
    """A bank id that no shipped bank has."""


def shipped_bank_paths() -> dict[str, Path]:
    """The banks that come with audit-tui, by id (the file's stem)."""
    return {path.stem: path for path in sorted(BANKS_DIR.glob("*.yaml"))}


def load_shipped(bank_id: str, module: str | None = None) -> Bank:
    """Load a shipped bank by id, resolved to a module (its first when None) if it has any.

    UnknownBankError names the ids there are; ValueError the modules the bank offers.
    """
    paths = shipped_bank_paths()
    if bank_id not in paths:
        known = ", ".join(paths) or "none"
        raise UnknownBankError(
            f"there is no bank {bank_id!r}; choose one of the shipped banks ({known}) "
            "or give the path of a bank file"
        )
    return load_bank(paths[bank_id]).with_module(module)


def load_bank(path: Path, _resolving: tuple[str, ...] = ()) -> Bank:
    """Read, resolve and validate one bank file; raise BankError listing every problem."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(
            [Problem(name, "file", f"cannot be read ({exc.__class__.__name__})")]
        ) from exc
    import yaml

    try:
        raw = parse_bank_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else "file"
        problem = getattr(exc, "problem", None) or "is not valid YAML"
        raise BankError([Problem(name, place, f"is not valid YAML: {problem}")]) from exc
    if not isinstance(raw, dict):
        raise BankError([Problem(name, "file", "must be a YAML mapping with id, version, themes")])
    if "base" in raw:
        raw = _resolve_subset(raw, path, (*_resolving, path.stem))
    return validate_bank(raw, name)


def _resolve_subset(raw: dict[str, Any], path: Path, resolving: tuple[str, ...]) -> dict[str, Any]:
    """Expand a bank defined as a subset of another bank's question ids into a whole bank."""
    name = path.name
    base_id = raw.get("base")
    if not isinstance(base_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", base_id):
        raise BankError([Problem(name, "base", f"{base_id!r} is not a bank id")])
    if base_id in resolving:
        chain = " -> ".join((*resolving, base_id))
        raise BankError(
            [Problem(name, "base", f"banks are based on each other in a loop ({chain})")]
        )
    base_path = path.with_name(f"{base_id}.yaml")
    if not base_path.exists():
        raise BankError([Problem(name, "base", f"names bank {base_id!r}, which is not beside it")])
    base_bank = load_bank(base_path, resolving)
    if base_bank.id != base_id:
        raise BankError([Problem(name, "base", f"{base_path.name} holds bank {base_bank.id!r}")])
    base = base_bank.model_dump(mode="json", by_alias=True, exclude_none=True)
    problems: list[Problem] = []
    wanted = raw.get("questions")
    if not isinstance(wanted, list) or not wanted:
        problems.append(Problem(name, "questions", "a subset bank must list its question ids"))
        wanted = []
    base_questions = {q["id"]: q for q in base["questions"]}
    for qid in wanted:
        if qid not in base_questions:
            problems.append(Problem(name, f"question {qid}", f"is not in base bank {base_id}"))
    for qid, n in Counter(wanted).items():
        if n > 1:
            problems.append(Problem(name, f"question {qid}", "is listed more than once"))
    if problems:
        raise BankError(problems)
    questions = [base_questions[qid] for qid in dict.fromkeys(wanted)]
    # a theme comes over when a question uses it (an alternative theme: its own module's)
    themes_used = {(q["theme"], q.get("module")) for q in questions}
    themes = [t for t in base["themes"] if (t["number"], t.get("module")) in themes_used]
    themes, measure_problems = _subset_measures(raw.get("measures"), themes, name)
    if measure_problems:
        raise BankError(measure_problems)
    modules_used = [t["module"] for t in themes if t.get("module")]
    sections_used = {q["section"] for q in questions}
    resolved = {
        "id": raw.get("id"),
        "version": raw.get("version"),
        "title": raw.get("title"),
        "description": raw.get("description", ""),
        "scoring": raw.get("scoring", base["scoring"]),
        "scales": base["scales"],
        "themes": themes,
        "sections": [s for s in base["sections"] if s["id"] in sections_used],
        "questions": questions,
        "case_window": raw.get("case_window", base.get("case_window")),
        "sources": raw.get("sources", base.get("sources")),
    }
    if modules_used:
        resolved["modules"] = {m: base["modules"][m] for m in dict.fromkeys(modules_used)}
    extra = set(raw) - {"base", "questions", "measures", *resolved}
    if extra:
        raise BankError([Problem(name, "file", f"unknown keys {sorted(extra)}")])
    return {key: value for key, value in resolved.items() if value is not None}


def _subset_measures(
    wanted: Any, themes: list[dict[str, Any]], name: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The measures a subset bank covers, per theme: `measures: {theme number: [ids]}`.

    A subset covers only some of its base's measures (the short quality screening scores the
    start of the sentence only), so it lists them afresh, by the base's measure ids; each
    listed measure must then keep its one key question in the subset (the validator checks),
    and a measure not listed is not part of the subset's score. Without `measures:` a subset
    keeps its base's measures whole.
    """
    if wanted is None:
        return themes, []
    if not isinstance(wanted, dict):
        return themes, [Problem(name, "measures", "must map theme numbers to measure ids")]
    problems: list[Problem] = []
    numbers = {t["number"] for t in themes}
    for number in wanted:
        if number not in numbers:
            problems.append(
                Problem(name, f"measures of theme {number}", "no question of the subset is in it")
            )
    narrowed = []
    for theme in themes:
        if theme.get("measures") is None:
            if theme["number"] in wanted:
                problems.append(
                    Problem(name, f"theme {theme['number']}", "names no measures in the base bank")
                )
            narrowed.append(theme)
            continue
        ids = wanted.get(theme["number"])
        if not isinstance(ids, list) or not ids:
            if theme.get("case_scored"):
                problems.append(
                    Problem(
                        name,
                        f"theme {theme['number']}",
                        "list the measures this subset covers (measures: {number: [ids]})",
                    )
                )
            narrowed.append(theme)
            continue
        known = {m["id"]: m for m in theme["measures"]}
        for measure_id in ids:
            if measure_id not in known:
                problems.append(
                    Problem(
                        name,
                        f"theme {theme['number']}",
                        f"measure {measure_id!r} is not a measure of the base bank's theme",
                    )
                )
        keep = set(ids)
        narrowed.append({**theme, "measures": [m for m in theme["measures"] if m["id"] in keep]})
    return narrowed, problems


def validate_bank(raw: dict[str, Any], name: str = "<bank>") -> Bank:
    """Validate a bank's data; structural and semantic problems are reported together."""
    problems = _semantic_problems(raw, name)
    try:
        bank = Bank.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            place = _place(raw, error["loc"])
            message = _message(error)
            field = str(error["loc"][-1]) if error["loc"] else ""
            if place.endswith(f".{field}"):
                message = message.removeprefix(f"{field}: ")
            problems.append(Problem(name, place, message))
        raise BankError(_unique(problems)) from exc
    if problems:
        raise BankError(_unique(problems))
    return bank


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _message(error: Any) -> str:
    field = error["loc"][-1] if error["loc"] else ""
    text = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{field} is missing"
    if error["type"] == "extra_forbidden":
        return f"unknown key {field!r}"
    return f"{field}: {text}" if isinstance(field, str) and field else text


def _place(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location into a place an author can find: theme N, question ID."""
    if len(loc) >= 2 and loc[0] in ("questions", "themes", "sections") and isinstance(loc[1], int):
        items = raw.get(loc[0]) if isinstance(raw, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        label = {"questions": "question", "themes": "theme", "sections": "section"}[loc[0]]
        ident = None
        if isinstance(item, dict):
            ident = item.get("number") if loc[0] == "themes" else item.get("id")
        return f"{label} {ident}" if ident is not None else f"{label} #{loc[1] + 1}"
    return ".".join(str(part) for part in loc[:2]) or "file"


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _semantic_problems(raw: dict[str, Any], name: str) -> list[Problem]:
    """The rules pydantic cannot see: ids, references, key questions, bands, conditions."""
    from question_bank.model import Condition, Scale

    problems: list[Problem] = []

    def add(place: str, message: str) -> None:
        problems.append(Problem(name, place, message))

    themes = [t for t in raw.get("themes") or [] if isinstance(t, dict)]
    sections = [s for s in raw.get("sections") or [] if isinstance(s, dict)]
    questions = [q for q in raw.get("questions") or [] if isinstance(q, dict)]
    scales = raw.get("scales") or {"yes_no_na": None}

    for label, items, key in (
        ("theme", themes, "number"),
        ("section", sections, "id"),
        ("question", questions, "id"),
    ):
        # alternative themes of different modules share a number (the sixth theme)
        idents = Counter(
            (i.get(key), i.get("module") if label == "theme" else None)
            for i in items
            if i.get(key) is not None
        )
        for (ident, _module), n in idents.items():
            if n > 1:
                add(f"{label} {ident}", f"duplicate {label} {key} ({n} times)")

    theme_numbers = {t.get("number") for t in themes}
    section_ids = {s.get("id") for s in sections}
    scored = {t.get("number"): bool(t.get("case_scored")) for t in themes}
    for theme in themes:
        for field in ("title", "expectation"):
            if field in theme and not _text(theme[field]):
                add(f"theme {theme.get('number')}", f"{field} is empty")
    for section in sections:
        if "title" in section and not _text(section["title"]):
            add(f"section {section.get('id')}", "title is empty")

    for q in questions:
        place = f"question {q.get('id')}"
        for field in ("text", "chart_label"):
            if field in q and not _text(q[field]):
                add(place, f"{field} is empty")
        for prompt in q.get("guidance") or []:
            if not _text(prompt):
                add(place, "a guidance prompt is empty")
        theme_number = q.get("theme")
        if theme_number not in theme_numbers:
            add(place, f"theme {theme_number!r} is not a theme of this bank")
        elif q.get("key") and not scored.get(theme_number):
            add(place, f"is a key question in theme {theme_number}, which is not case-scored")
        if q.get("section") not in section_ids:
            add(place, f"section {q.get('section')!r} is not a section of this bank")
        scale_name = q.get("scale", "yes_no_na")
        if scale_name not in scales:
            add(place, f"scale {scale_name!r} is not defined")
        else:
            scale_raw = scales[scale_name]
            values = (
                [o.get("value") for o in scale_raw.get("options", []) if isinstance(o, dict)]
                if isinstance(scale_raw, dict)
                else ["yes", "no", "na"]
            )
            for value in q.get("note_required_for") or []:
                if value not in values:
                    add(place, f"note_required_for names {value!r}, not on scale {scale_name}")
        if isinstance(q.get("applies_if"), dict):
            try:
                condition = Condition.model_validate(q["applies_if"])
            except ValidationError:
                pass  # reported by the structural pass
            else:
                for message in condition.problems():
                    add(place, message)

    problems.extend(Problem(name, place, m) for place, m in fidelity_problems(raw))
    key_themes = {q.get("theme") for q in questions if q.get("key")}
    for theme in themes:
        if theme.get("case_scored") and theme.get("number") not in key_themes:
            add(f"theme {theme.get('number')}", "is case-scored but has no key question")

    for scale_name, scale_raw in (raw.get("scales") or {}).items():
        try:
            scale = Scale.model_validate(scale_raw)
        except ValidationError:
            continue
        for field in ("value", "key"):
            seen = Counter(getattr(o, field) for o in scale.options)
            for ident, n in seen.items():
                if n > 1:
                    add(f"scale {scale_name}", f"option {field} {ident!r} is used {n} times")

    scoring = raw.get("scoring")
    bands = scoring.get("bands") if isinstance(scoring, dict) else None
    if isinstance(bands, list):
        problems.extend(Problem(name, "scoring.bands", m) for m in _band_problems(bands))
    overall = scoring.get("overall") if isinstance(scoring, dict) else None
    if isinstance(overall, dict) and isinstance(overall.get("points"), dict):
        labels = {b.get("label") for b in bands or [] if isinstance(b, dict)}
        for label in overall["points"]:
            if label not in labels:
                add("scoring.overall.points", f"{label!r} is not a band of scoring.bands")
        counted = sum(1 for t in themes if t.get("in_overall") is not False)
        points = [v for v in overall["points"].values() if isinstance(v, int)]
        top = max(points, default=0) * counted
        if isinstance(overall.get("bands"), list):
            for message in _band_problems(overall["bands"], top):
                add("scoring.overall.bands", message)
    return problems


def _band_problems(bands: list[Any], top: int = 100) -> list[str]:
    """Bands must cover 0 to `top` (100 for percentages) with no gap and no overlap."""
    ranges = sorted(
        (b["min"], b["max"], b.get("label"))
        for b in bands
        if isinstance(b, dict) and isinstance(b.get("min"), int) and isinstance(b.get("max"), int)
    )
    if len(ranges) != len(bands):
        return []  # the structural pass reports malformed bands
    messages = []
    for low, high, label in ranges:
        if low > high:
            messages.append(f"band {label!r} runs from {low} down to {high}")
    expected = 0
    for low, high, label in ranges:
        if low > expected:
            messages.append(f"no band covers {expected} to {low - 1}")
        elif low < expected:
            messages.append(f"band {label!r} overlaps the band below it at {low}")
        expected = max(expected, high + 1)
    if expected <= top:
        messages.append(f"no band covers {expected} to {top}")
    return messages
