"""Scoring reconciliation candidates: pure functions, no request, no store.

A name is compared after :func:`normalize` (case, accents, punctuation and ``&`` folded) as a bag of words
without stop words: the share of words both sides have (a misspelled word counts for its similarity, when
it is close enough), and the similarity of the sorted words (:mod:`difflib`), so "County of Alameda" and
"Alameda County" are the same name. Words that say little for the type (``department`` among health
departments) may be left out of both sides, at a small cost, so "County of Alameda" still finds the
Alameda County Public Health Department. Property constraints (a GEOID, a state, a kind, a publisher, a
year) each count with their weight; a value the candidate does not have counts half (neither for nor
against), and a candidate with none of the values asked for and no name to compare is no candidate.

:func:`is_match` is the one rule for ``match: true``: a high score, clearly ahead of the next candidate,
backed by a close name or an identifier, and no constraint contradicted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

STOPWORDS = frozenset({"of", "the", "and", "a", "an", "for", "in", "on", "to", "at", "by"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")

#: ``match: true`` needs at least this score, this lead over the next candidate and this name similarity
#: (or an identifier that matched).
MATCH_SCORE = 85.0
MATCH_LEAD = 10.0
MATCH_NAME = 0.85
#: A misspelled word counts when it is this similar to a word of the other side.
WORD_SIMILARITY = 0.8
#: What leaving the type's generic words out costs.
GENERIC_COST = 0.95
#: What a constraint counts for when the candidate has no value for it: half, neither for nor against.
MISSING = 0.5
#: A name similarity this close counts as the same entity in a constraint ("publisher = HIP").
SAME_NAME = 0.85


def normalize(text: str) -> str:
    """Lower case, no accents, ``&`` as ``and``, apostrophes dropped, other punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def words(text: str) -> list[str]:
    return [w for w in normalize(text).split() if w not in STOPWORDS]


def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 4 or a.isdigit() or b.isdigit():
        return 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= WORD_SIMILARITY else 0.0


def word_overlap(query: list[str], label: list[str]) -> float:
    """Dice coefficient over words, a misspelled word counting for its similarity (each word used once)."""
    if not query or not label:
        return 0.0
    left = list(label)
    matched = 0.0
    for word in query:
        best, at = 0.0, -1
        for i, other in enumerate(left):
            similarity = _word_similarity(word, other)
            if similarity > best:
                best, at = similarity, i
        if at >= 0:
            matched += best
            left.pop(at)
    return 2 * matched / (len(query) + len(label))


def _sorted_similarity(query: list[str], label: list[str]) -> float:
    return SequenceMatcher(None, " ".join(sorted(query)), " ".join(sorted(label))).ratio()


def name_similarity(query: str, label: str, generic: frozenset[str] = frozenset()) -> tuple[float, float, float]:
    """(similarity in [0, 1], word overlap, character similarity) of two names; 1.0 only when equal
    once normalized."""
    if normalize(query) == normalize(label) and normalize(query):
        return 1.0, 1.0, 1.0
    q, lab = words(query), words(label)
    overlap, chars = word_overlap(q, lab), _sorted_similarity(q, lab)
    best = 0.6 * overlap + 0.4 * chars
    q_core, l_core = [w for w in q if w not in generic], [w for w in lab if w not in generic]
    if generic and q_core and l_core and (q_core != q or l_core != lab):
        core_overlap, core_chars = word_overlap(q_core, l_core), _sorted_similarity(q_core, l_core)
        core = GENERIC_COST * (0.6 * core_overlap + 0.4 * core_chars)
        if core > best:
            best, overlap, chars = core, core_overlap, core_chars
    return min(best, 0.99), overlap, chars


@dataclass
class Scored:
    """A candidate's score (0-100) and the features that explain it."""

    iri: str
    name: str
    score: float
    name_score: float = 0.0
    identified: bool = False  # an identifier (a GEOID) matched
    contradicted: bool = False  # a constraint the candidate has a different value for
    features: list[dict[str, object]] = field(default_factory=list)


def combine(name: tuple[float, float, float] | None, constraints: list[tuple[str, float, float | None]]) -> tuple[float, list[dict[str, object]]]:
    """The score (0-100) from the name's similarity (weight 1) and each constraint (id, weight, value in
    [0, 1], or None when the candidate has no value for it: :data:`MISSING`), with the features that
    explain it."""
    total, weights, features = 0.0, 0.0, []
    if name is not None:
        similarity, overlap, chars = name
        total, weights = similarity, 1.0
        features += [{"id": "name_similarity", "value": round(similarity, 3)},
                     {"id": "name_word_overlap", "value": round(overlap, 3)},
                     {"id": "name_character_similarity", "value": round(chars, 3)},
                     {"id": "name_exact", "value": similarity == 1.0}]
    for pid, weight, value in constraints:
        if value is None:
            features.append({"id": f"property:{pid}:missing", "value": True})
        else:
            features.append({"id": f"property:{pid}", "value": round(value, 3)})
        total += weight * (MISSING if value is None else value)
        weights += weight
    if name is None and all(value is None for _, _, value in constraints):
        return 0.0, features  # nothing to go on: not a candidate
    return (round(100 * total / weights, 1) if weights else 0.0), features


def is_match(ranked: list[Scored]) -> bool:
    """Whether the first of ``ranked`` (best first) is unambiguous evidence."""
    if not ranked:
        return False
    top = ranked[0]
    lead = top.score - ranked[1].score if len(ranked) > 1 else top.score
    evidence = top.name_score >= MATCH_NAME or top.identified
    return top.score >= MATCH_SCORE and lead >= MATCH_LEAD and evidence and not top.contradicted


def same_geoid(query: str, value: str) -> bool:
    """GEOIDs equal as digits, leading zeros optional (a spreadsheet drops them: 6001 is 06001)."""
    q, v = re.sub(r"\D", "", query), re.sub(r"\D", "", value)
    return bool(q) and q.lstrip("0") == v.lstrip("0")


def same_year(query: str, value: str) -> bool:
    q, v = re.match(r"\s*(-?\d{1,4})", query), re.match(r"\s*(-?\d{1,4})", value)
    return bool(q and v) and int(q.group(1)) == int(v.group(1))
