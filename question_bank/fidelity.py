"""The rules that keep a bank's figures honest: measures, modules, classifications, and labels
that stay text in a spreadsheet.

Checked on every bank file and every bank stored in a file (question_bank.loader calls
`fidelity_problems` beside its other checks); each problem is a place and a sentence.
"""

from __future__ import annotations

from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection"):
# a bank's labels may not start with one, and every writer of CSV or XLSX cells neutralises
# text that does (db.cells).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def fidelity_problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Measures, modules and classifications: the rules that keep a bank's figures honest.

    A bank that declares measures declares them for every case-scored theme, and each measure
    is scored by exactly one key question, so no measure weighs twice in a pooled score.
    """
    themes = [t for t in raw.get("themes") or [] if isinstance(t, dict)]
    questions = [q for q in raw.get("questions") or [] if isinstance(q, dict)]
    # a resolved bank (as a file stores it) keeps only the module it was made with
    modules = {**(raw.get("modules") or {}), **({raw["module"]: ""} if raw.get("module") else {})}
    found: list[tuple[str, str]] = []

    for theme in themes:
        module = theme.get("module")
        if module is not None and module not in modules:
            found.append((f"theme {theme.get('number')}", f"module {module!r} is not in modules"))
    for q in questions:
        module, number = q.get("module"), q.get("theme")
        place = f"question {q.get('id')}"
        if module is not None and module not in modules:
            found.append((place, f"module {module!r} is not in modules"))
        homes = [t for t in themes if t.get("number") == number]
        if (
            homes
            and all(t.get("module") is not None for t in homes)
            and not any(t.get("module") == module for t in homes)
        ):
            found.append((place, f"theme {number} of which module? name one (module: ...)"))

    with_measures = [t for t in themes if t.get("measures") is not None]
    if with_measures:
        for theme in themes:
            if theme.get("case_scored") and theme.get("measures") is None:
                found.append(
                    (f"theme {theme.get('number')}", "is case-scored but names no measures")
                )
    for theme in with_measures:
        number, module = theme.get("number"), theme.get("module")
        measure_ids = [m.get("id") for m in theme["measures"] if isinstance(m, dict)]
        keys = [
            q
            for q in questions
            if q.get("key") and q.get("theme") == number and q.get("module") == module
        ]
        for q in keys:
            if q.get("measure") is None:
                found.append((f"question {q.get('id')}", "is a key question with no measure"))
            elif q.get("measure") not in measure_ids:
                found.append(
                    (
                        f"question {q.get('id')}",
                        f"measure {q.get('measure')!r} is not a measure of theme {number}",
                    )
                )
        for measure in measure_ids:
            scoring = [str(q.get("id")) for q in keys if q.get("measure") == measure]
            if len(scoring) != 1:
                what = "no key question" if not scoring else f"{len(scoring)} key questions"
                found.append(
                    (
                        f"theme {number}",
                        f"measure {measure!r} is scored by {what} ({', '.join(scoring) or '-'}); "
                        "each measure has exactly one",
                    )
                )
    for q in questions:
        if q.get("measure") is not None and not q.get("key"):
            found.append((f"question {q.get('id')}", "names a measure but is not a key question"))
        if q.get("chart") and not q.get("key"):
            found.append((f"question {q.get('id')}", "is charted but is not a key question"))
    found.extend(_classification_problems(raw, questions))
    found.extend(_formula_problems(raw, themes, questions))
    return found


def _formula_problems(
    raw: dict[str, Any], themes: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """Every label a report or export writes into a cell starts as text, never as a formula."""
    labels: list[tuple[str, str, Any]] = [("file", "title", raw.get("title"))]
    terms = raw.get("terms")
    if isinstance(terms, dict):
        labels += [("terms", f"terms.{k}", v) for k, v in terms.items()]
    modules = raw.get("modules")
    if isinstance(modules, dict):
        labels += [("modules", f"module {k} title", v) for k, v in modules.items()]
    for theme in themes:
        place = f"theme {theme.get('number')}"
        labels += [(place, field, theme.get(field)) for field in ("title", "label", "work")]
        for measure in theme.get("measures") or []:
            if isinstance(measure, dict):
                labels.append((place, f"measure {measure.get('id')} title", measure.get("title")))
    for section in raw.get("sections") or []:
        if isinstance(section, dict):
            labels.append((f"section {section.get('id')}", "title", section.get("title")))
    for q in questions:
        labels += [
            (f"question {q.get('id')}", field, q.get(field)) for field in ("text", "chart_label")
        ]
    scales = raw.get("scales")
    for name, scale in scales.items() if isinstance(scales, dict) else []:
        for option in (scale.get("options") or []) if isinstance(scale, dict) else []:
            if isinstance(option, dict):
                value = option.get("value")
                labels.append((f"scale {name}", f"option {value} label", option.get("label")))
    scoring = raw.get("scoring")
    if isinstance(scoring, dict):
        overall = scoring.get("overall")
        for where, bands in (
            ("scoring.bands", scoring.get("bands")),
            ("scoring.overall.bands", overall.get("bands") if isinstance(overall, dict) else None),
        ):
            for band in bands if isinstance(bands, list) else []:
                if isinstance(band, dict):
                    labels.append((where, "label", band.get("label")))
    return [
        (
            place,
            f"{field} starts with {text[0]!r}, which a spreadsheet runs as a formula; "
            "begin it with a letter or a digit",
        )
        for place, field, text in labels
        if isinstance(text, str) and text.startswith(FORMULA_STARTS)
    ]


def _classification_problems(
    raw: dict[str, Any], questions: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """A classifying question sets values its field takes, and depends on no classified field."""
    from question_bank.case import CONDITION_FIELDS

    found: list[tuple[str, str]] = []
    scales = raw.get("scales") or {}
    classified = {q.get("classifies") for q in questions if q.get("classifies")}
    for q in questions:
        field = q.get("classifies")
        if not field:
            continue
        place = f"question {q.get('id')}"
        if any(other.get("classifies") == field for other in questions if other is not q):
            found.append((place, f"{field} is classified by another question too"))
        condition = q.get("applies_if")
        if condition is not None and _names_field(condition, classified):
            found.append((place, "a classifying question cannot depend on a classified field"))
        scale = scales.get(q.get("scale", "yes_no_na"))
        options = scale.get("options", []) if isinstance(scale, dict) else []
        spec = CONDITION_FIELDS.get(field)
        setting = [o for o in options if isinstance(o, dict) and o.get("sets") is not None]
        if not setting:
            found.append((place, f"its scale sets no value of {field}"))
        for option in setting:
            value = option.get("sets")
            ok = (
                isinstance(value, bool)
                if spec is not None and spec.kind == "bool"
                else spec is not None and value in spec.values
            )
            if not ok:
                found.append((place, f"option {option.get('value')!r} sets {field} to {value!r}"))
    return found


def _names_field(condition: Any, fields: set[Any]) -> bool:
    if isinstance(condition, dict):
        if condition.get("field") in fields:
            return True
        return any(_names_field(v, fields) for v in condition.values())
    if isinstance(condition, list):
        return any(_names_field(v, fields) for v in condition)
    return False
