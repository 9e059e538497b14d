"""What a round's answers say, per competency and audience, computed from counted rows.

An audience's figures and open answers exist only at ``threshold`` responses or more
(PLC_VOICE_MIN_RESPONSES, never below 5): below it, only its count, and the page says "not
enough responses to protect anonymity". Open answers are shuffled and carry no time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from plc.voice.models import DONT_KNOW

MIN_THRESHOLD = 5
GAP = 0.5  # a difference between self and others worth naming


@dataclass
class AudienceResult:
    audience_id: int
    name: str
    responses: int
    shown: bool
    distribution: dict[int, int] = field(default_factory=dict)  # level -> answers
    dont_know: int = 0
    mean: float | None = None
    open_answers: list[str] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(self.distribution.values())


@dataclass
class CompetencyResult:
    competency_id: int
    title: str
    self_rating: int | None
    audiences: list[AudienceResult]

    def gaps(self) -> list[tuple[str, float]]:
        """(audience name, others' mean minus the self-rating) where it is at least GAP."""
        if self.self_rating is None:
            return []
        return [(a.name, round(a.mean - self.self_rating, 1)) for a in self.audiences
                if a.shown and a.mean is not None and abs(a.mean - self.self_rating) >= GAP]


def threshold(setting) -> int:
    try:
        return max(MIN_THRESHOLD, int(setting))
    except (TypeError, ValueError):
        return MIN_THRESHOLD


def compute(competencies, audiences, counts: dict[int, int], answers, texts, self_ratings,
            limit: int, rng: random.Random | None = None) -> list[CompetencyResult]:
    """``competencies``: (id, title); ``audiences``: (id, name); ``answers``: (audience id,
    competency id, level, n); ``texts``: (audience id, competency id, text)."""
    rng = rng or random.SystemRandom()
    results = []
    for competency_id, title in competencies:
        rows = []
        for audience_id, name in audiences:
            n = counts.get(audience_id, 0)
            result = AudienceResult(audience_id, name, n, shown=n >= limit)
            if result.shown:
                for a_id, c_id, level, how_many in answers:
                    if a_id == audience_id and c_id == competency_id:
                        if level == DONT_KNOW:
                            result.dont_know += how_many
                        else:
                            result.distribution[level] = (
                                result.distribution.get(level, 0) + how_many)
                if result.rated:
                    result.mean = round(sum(level * k for level, k in
                                            result.distribution.items()) / result.rated, 2)
                result.open_answers = [text for a_id, c_id, text in texts
                                       if a_id == audience_id and c_id == competency_id]
                rng.shuffle(result.open_answers)
            rows.append(result)
        results.append(CompetencyResult(competency_id, title, self_ratings.get(competency_id),
                                        rows))
    return results
