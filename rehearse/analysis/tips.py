"""Coaching tips: the few things most worth changing, each tied to its evidence and to the guide."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from rehearse.analysis.conciseness import ConcisenessResult
from rehearse.analysis.delivery import DeliveryResult
from rehearse.analysis.example import ExampleResult
from rehearse.analysis.fillers import FillerResult
from rehearse.analysis.pacing import PacingResult
from rehearse.analysis.text import clock

MAX_TIPS = 5
# The advice each tip follows, quoted from the guide chapter on second-round and final interviews;
# each tip cites the line that says what the tip asks for.
ADVICE_EXAMPLES = "Provide specific examples: Back up your skills and qualifications with specific examples from your past experiences."
ADVICE_ACHIEVEMENTS = (
    "Discuss achievements, challenges overcome, and lessons learned to showcase your abilities effectively."
)
ADVICE_CONCRETE = "Prepare concrete examples that showcase your alignment with these requirements."
ADVICE_CONCISE = "Practice articulating your answers concisely and with clarity."
ADVICE_STRUCTURE = "Prepare confident, well-structured responses."
ADVICE_PREPARE = "Think about potential challenging questions that may arise during the interview and prepare confident, well-structured responses."
ADVICE_COMPOSED = "Remain composed, confident, and professional throughout the interview."
ADVICE_CONFIDENCE = (
    "Remember to demonstrate confidence, enthusiasm, and professionalism throughout the process."
)
ADVICE_ENTHUSIASM = "Demonstrate your enthusiasm and engagement."
# Voice findings matter, but less than what the answer says and how fluently it is said.
_DELIVERY_PRIORITY = {"monotone": 42, "trailing_off": 38, "fading": 32}
FILLERS_HIGH_PER_MINUTE = 4.0
FILLERS_NOTICEABLE_PER_MINUTE = 2.0
HEDGES_NOTICEABLE = 3
# A phrase said this often is one point made again and again, not a phrase that happens to recur.
REPEATS_NOTICEABLE = 3
LONG_PAUSES_NOTICEABLE = 3
SENTENCE_TOO_LONG_WORDS = 35
# A long sentence is quoted by its opening words: enough to find it in the transcript.
QUOTE_WORDS = 15


@dataclass(frozen=True)
class Tip:
    message: str
    evidence: str
    advice: str
    start: float | None
    priority: int  # higher first

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def spoken(text: str) -> str:
    """A detected phrase as it is written: the analyzers compare lower case ("i mean"), people read "I mean"."""
    return re.sub(r"\bi\b", "I", text)


def plural(number: int, noun: str) -> str:
    """The number and its noun, plural unless the number is one: "1 filler", "2 fillers"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def opening(sentence: str, *, words: int = QUOTE_WORDS) -> str:
    """The sentence as said, or its first ``words`` words and an ellipsis when it is longer."""
    said = sentence.split()
    return sentence if len(said) <= words else " ".join(said[:words]) + " …"


def build_tips(
    *,
    fillers: FillerResult,
    pacing: PacingResult,
    conciseness: ConcisenessResult,
    example: ExampleResult,
    delivery: DeliveryResult | None = None,
) -> tuple[Tip, ...]:
    """Return up to five tips, most important first."""
    tips = [
        *_example_tips(example),
        *_filler_tips(fillers),
        *_pace_tips(pacing),
        *_length_tips(conciseness),
        *_delivery_tips(delivery),
    ]
    tips.sort(key=lambda tip: -tip.priority)
    return tuple(tips[:MAX_TIPS])


def _example_tips(example: ExampleResult) -> list[Tip]:
    if not example.options.expect_example:
        return []
    if not example.present:
        if not example.says_no_example:
            return []  # the model is unsure: saying nothing beats a wrong "there is no example"
        found = [part for part, present in example.star.items() if present]
        return [
            Tip(
                message="Tell one specific story: when and where it happened, what you did, and what changed.",
                evidence=f"STAR parts heard: {', '.join(found) if found else 'none'}.",
                advice=ADVICE_EXAMPLES,
                start=None,
                priority=100,
            )
        ]
    tips = []
    if example.missing:
        heard = next(
            (part for part in ("action", "result", "situation", "task") if example.evidence[part]), None
        )
        each = "a sentence for each" if len(example.missing) > 1 else "a sentence for it"
        tips.append(
            Tip(
                message=f"Your example is missing the {' and the '.join(example.missing)}; add {each}.",
                evidence=f"{heard.capitalize()} heard: “{example.evidence[heard]}”" if heard else "",
                advice=ADVICE_STRUCTURE,
                start=None,
                priority=80,
            )
        )
    if not example.quantified:
        tips.append(
            Tip(
                message="Put a number on the result (time saved, percentage, money, people).",
                evidence=f"Result heard: “{example.evidence['result'] or 'none'}”",
                advice=ADVICE_ACHIEVEMENTS,
                start=None,
                priority=60,
            )
        )
    return tips


def _filler_tips(fillers: FillerResult) -> list[Tip]:
    if fillers.per_minute < FILLERS_NOTICEABLE_PER_MINUTE or not fillers.items:
        return []
    first = fillers.items[0]
    words = sorted({spoken(item.text) for item in fillers.items})
    # Rounded as the results card shows it, so the tip and the card quote the same number.
    return [
        Tip(
            message=f"Cut the fillers ({', '.join(words)}): pause silently instead.",
            evidence=f"{plural(fillers.count, 'filler')}, {fillers.per_minute:.1f} per minute; the first “{spoken(first.text)}” at {clock(first.start)}.",
            advice=ADVICE_COMPOSED,
            start=first.start,
            priority=90 if fillers.per_minute >= FILLERS_HIGH_PER_MINUTE else 50,
        )
    ]


def _pace_tips(pacing: PacingResult) -> list[Tip]:
    tips = []
    if pacing.verdict != "ok" and pacing.windows:
        if pacing.verdict == "fast":
            window = max(pacing.windows, key=lambda item: item.words_per_minute)
            message = f"Slow down: aim for {pacing.options.slow_below_wpm:g}-{pacing.options.fast_above_wpm:g} words per minute."
        else:
            window = min(pacing.windows, key=lambda item: item.words_per_minute)
            message = f"Pick up the pace a little: aim for {pacing.options.slow_below_wpm:g}-{pacing.options.fast_above_wpm:g} words per minute."
        tips.append(
            Tip(
                message=message,
                evidence=f"{pacing.words_per_minute:.0f} words per minute overall, {window.words_per_minute:.0f} at {clock(window.start)}.",
                advice=ADVICE_CONCISE,
                start=window.start,
                priority=70,
            )
        )
    long_pauses = [pause for pause in pacing.pauses if pause.long]
    if len(long_pauses) >= LONG_PAUSES_NOTICEABLE:
        tips.append(
            Tip(
                message="Prepare the outline of this answer so you do not stop to search for the next point.",
                evidence=f"{len(long_pauses)} pauses of {pacing.options.long_pause_s:g} s or more; the first at {clock(long_pauses[0].start)}.",
                advice=ADVICE_PREPARE,
                start=long_pauses[0].start,
                priority=40,
            )
        )
    return tips


def _length_tips(conciseness: ConcisenessResult) -> list[Tip]:
    tips = []
    low, high = conciseness.options.band_s
    # Named the way the results page names it, so the card and the tip quote the same standard.
    aim = (
        f"aim for {clock(low)}–{clock(high)} (the target is {clock(conciseness.options.target_s)})"
        if conciseness.options.target_s is not None
        else f"aim for {clock(low)}–{clock(high)}"
    )
    evidence = f"The answer lasted {clock(conciseness.duration_s)} ({conciseness.word_count} words)."
    if conciseness.verdict == "long":
        tips.append(
            Tip(
                message=f"Shorten the answer to under {clock(high)}: lead with the point, then one example; {aim}.",
                evidence=evidence,
                advice=ADVICE_CONCISE,
                start=None,
                priority=75,
            )
        )
    elif conciseness.verdict == "short":
        tips.append(
            Tip(
                message=f"Say more: {aim}. A shorter answer rarely shows enough of what you did.",
                evidence=evidence,
                advice=ADVICE_CONCRETE,
                start=None,
                priority=65,
            )
        )
    if len(conciseness.hedges) >= HEDGES_NOTICEABLE:
        first = conciseness.hedges[0]
        tips.append(
            Tip(
                message="Drop the hedges (“I think”, “maybe”): state what you did and what it achieved.",
                evidence=f"{plural(len(conciseness.hedges), 'hedge')}; the first “{spoken(first.text)}” at {clock(first.start)}.",
                advice=ADVICE_CONFIDENCE,
                start=first.start,
                priority=45,
            )
        )
    if conciseness.mean_sentence_words > SENTENCE_TOO_LONG_WORDS:
        tips.append(
            Tip(
                message="Use shorter sentences: one idea each makes the structure easy to follow.",
                evidence=f"Sentences average {conciseness.mean_sentence_words:g} words; the longest: “{opening(conciseness.longest_sentence)}”",
                advice=ADVICE_STRUCTURE,
                start=None,
                priority=35,
            )
        )
    repeated = next(iter(conciseness.repeated_phrases), None)
    if repeated is not None and repeated.count >= REPEATS_NOTICEABLE:
        tips.append(
            Tip(
                message="Make each point once, then move on: saying it again adds length, not weight.",
                evidence=f"“{spoken(repeated.text)}” comes back {repeated.count} times.",
                advice=ADVICE_CONCISE,
                start=None,
                priority=55,
            )
        )
    return tips


def _delivery_tips(delivery: DeliveryResult | None) -> list[Tip]:
    if delivery is None:
        return []
    return [
        Tip(
            message=finding.message,
            evidence=finding.evidence,
            advice=ADVICE_ENTHUSIASM if finding.kind == "monotone" else ADVICE_COMPOSED,
            start=finding.start,
            priority=_DELIVERY_PRIORITY.get(finding.kind, 30),
        )
        for finding in delivery.findings
    ]
