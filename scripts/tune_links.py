"""Choose how answers are linked to requirements by meaning, and print the leave-one-part-out figures.

    python scripts/tune_links.py

An answer is linked to a requirement when its words name it (coverage.word_links) or when the
requirement is among the ``MEANING_CLOSEST`` closest in meaning to it with a similarity of at least
``MEANING_THRESHOLD`` (coverage.meaning_links). Both settings are chosen on the labelled answers of
eval/jobs/ (every part one writer; the parts kept for measuring only are left out) to make the most of
links found minus twice the false links: a requirement marked as covered when it is not is one the
candidate stops rehearsing, which misleads more than one left for them to tick. (At one and a half,
the seventeen training parts chose the two closest from 0.2: 69.8 % links for 9.4 % false by
leave-one-part-out, at the edge of the 10 % the coverage check may wrongly link.) For each part the
settings are chosen on the other parts and measured on it, so the figures are those of a writer the
settings never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rehearse.evaluation.preparation_evaluation import MEASURED_ONLY, load_labels
from rehearse.preparation.coverage import (
    MEANING_CLOSEST,
    MEANING_THRESHOLD,
    answer_sentences,
    closeness,
    word_links,
)
from rehearse.preparation.requirements import Requirement

THRESHOLDS = tuple(round(0.2 + 0.025 * step, 3) for step in range(15))
CLOSEST = (1, 2, 3)
FALSE_LINK_COST = 2.0


@dataclass(frozen=True)
class Pair:
    """One labelled (answer, requirement of its job) pair, as the linker sees it."""

    part: str
    speaks_to: bool
    by_words: bool
    similarity: float
    rank: int  # 0: the requirement closest in meaning to the answer


def pairs() -> list[Pair]:
    labels = load_labels()
    jobs = {job["id"]: job for job in labels["jobs"] if job["part"] not in MEASURED_ONLY}
    found = []
    for answer in labels["answers"]:
        job = jobs.get(answer["job"])
        if job is None:
            continue
        targets = job["requirements"]
        named = {
            link.target
            for link in word_links(answer["text"], [Requirement(text, text) for text in targets], [])
        }
        best = closeness(answer_sentences(answer["text"]), targets).max(axis=1)
        for index, target in enumerate(targets):
            found.append(
                Pair(
                    job["part"],
                    target in answer["speaks_to"],
                    target in named,
                    float(best[index]),
                    int((best > best[index]).sum()),
                )
            )
    return found


def linked(pair: Pair, threshold: float, closest: int) -> bool:
    """Whether the coverage check links the pair with these settings (as coverage.link_answer does)."""
    return pair.by_words or (pair.rank < closest and pair.similarity >= threshold)


def shares(chosen: list[Pair], links: list[bool]) -> tuple[float, float]:
    """Links found (share of labelled pairs) and false links (share of the other pairs)."""
    labelled = [link for link, pair in zip(links, chosen, strict=True) if pair.speaks_to]
    others = [link for link, pair in zip(links, chosen, strict=True) if not pair.speaks_to]
    return float(np.mean(labelled)), float(np.mean(others))


def rates(chosen: list[Pair], threshold: float, closest: int) -> tuple[float, float]:
    return shares(chosen, [linked(pair, threshold, closest) for pair in chosen])


def by_words(chosen: list[Pair]) -> tuple[float, float]:
    return shares(chosen, [pair.by_words for pair in chosen])


def best_settings(chosen: list[Pair]) -> tuple[float, int]:
    def gain(settings: tuple[float, int]) -> float:
        links, false_links = rates(chosen, *settings)
        return links - FALSE_LINK_COST * false_links

    return max(((threshold, closest) for closest in CLOSEST for threshold in THRESHOLDS), key=gain)


def main() -> int:
    every = pairs()
    parts = list(dict.fromkeys(pair.part for pair in every))
    held_out: list[bool] = []
    held_out_pairs: list[Pair] = []
    for part in parts:
        threshold, closest = best_settings([pair for pair in every if pair.part != part])
        measured = [pair for pair in every if pair.part == part]
        links, false_links = rates(measured, threshold, closest)
        words, words_false = by_words(measured)
        print(
            f"{part:9} words only: links {words:6.1%} false {words_false:5.1%}"
            f" | + meaning (closest {closest}, threshold {threshold}): links {links:6.1%} false {false_links:5.1%}"
        )
        held_out += [linked(pair, threshold, closest) for pair in measured]
        held_out_pairs += measured
    links, false_links = shares(held_out_pairs, held_out)
    words, words_false = by_words(every)
    print(
        f"{'pooled':9} words only: links {words:6.1%} false {words_false:5.1%}"
        f" | + meaning, leave-one-part-out: links {links:6.1%} false {false_links:5.1%}"
    )
    threshold, closest = best_settings(every)
    print(f"on every part: closest {closest}, threshold {threshold}")
    if (threshold, closest) != (MEANING_THRESHOLD, MEANING_CLOSEST):
        print(f"coverage.py has closest {MEANING_CLOSEST}, threshold {MEANING_THRESHOLD}: update it")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
