"""Caseloads to draw a sample from (tests/sampling, tests/cli): case records made by
factories.make_case from a seeded generator."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from factories import make_case

from db.reporting.demo import DISPOSALS  # cases mixed as the demo's are
from question_bank.case import CaseRecord

FIELDWORK = date(2015, 3, 16)


def caseload(count: int, seed: int = 1, **weights: Any) -> list[CaseRecord]:
    """`count` eligible cases (started in the 12 months before FIELDWORK), mixed like a YOS's:
    a fifth girls, half BAME, a quarter high RoSH, a third highly vulnerable, unless WEIGHTS
    give other shares (`girls=0.02`)."""
    rng = random.Random(seed)
    shares = {"girls": 0.2, "bame": 0.5, "high_rosh": 0.25, "high_vulnerability": 0.3} | weights
    disposals = list(DISPOSALS)
    cases = []
    for n in range(1, count + 1):
        start = FIELDWORK - timedelta(days=rng.randrange(1, 360))
        terminated = rng.random() < 0.4
        cases.append(
            make_case(
                f"K{n:05d}",
                disposal=rng.choices(disposals, weights=list(DISPOSALS.values()))[0],
                status="terminated" if terminated else "current",
                start_date=start,
                end_date=start + timedelta(days=1) if terminated else None,
                gender="female" if rng.random() < shares["girls"] else "male",
                ethnicity="black_african" if rng.random() < shares["bame"] else "white_british",
                rosh="high" if rng.random() < shares["high_rosh"] else "low",
                vulnerability="very_high" if rng.random() < shares["high_vulnerability"] else "low",
            )
        )
    return cases
