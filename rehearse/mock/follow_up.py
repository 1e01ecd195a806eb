"""Follow-ups: the one question a real interviewer would ask after an answer, or none.

Decided from the analysis of that answer (``Analysis.to_dict()``); a transcript-only analysis is
enough, since every rule reads the words, not the voice.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.errors import ParameterError

SPECIFIC_EXAMPLE = "Can you give me a specific example?"
OUTCOME = "What was the outcome?"
ONE_SENTENCE = "If you had to sum that up in one sentence?"
OWN_PART = "What was your own part?"
FOLLOW_UPS = (SPECIFIC_EXAMPLE, OUTCOME, ONE_SENTENCE, OWN_PART)


@dataclass(frozen=True)
class FollowUpOptions:
    """``far_too_long_ratio``: an answer this many times its question's target length (or the
    longest well-sized answer, without a target) is far too long. ``we_without_i_min`` is how many
    "we" an answer with no "I" needs before the interviewer asks for the candidate's own part."""

    far_too_long_ratio: float = 1.5
    we_without_i_min: int = 3

    def __post_init__(self) -> None:
        if self.far_too_long_ratio <= 1:
            raise ParameterError(
                "An answer is far too long only beyond its target: the ratio must be above 1."
            )
        if self.we_without_i_min < 1:
            raise ParameterError("At least one 'we' is needed before asking for the candidate's own part.")


def decide_follow_up(analysis: dict, *, options: FollowUpOptions | None = None) -> str | None:
    """The follow-up question for an answer, or None when an interviewer would move on.

    Stories are expected only of behavioural questions (the analysis' ``expect_example``); "far too
    long" applies to every question. At most one follow-up: the first rule that applies wins.
    """
    options = options or FollowUpOptions()
    example = analysis["example"]
    conciseness = analysis["conciseness"]
    if conciseness["word_count"] == 0:
        return None
    expects_story = bool(example["options"]["expect_example"])
    if expects_story and not example["present"]:
        return SPECIFIC_EXAMPLE
    if expects_story and not example["star"]["result"]:
        return OUTCOME
    target_s = conciseness["target_s"] or conciseness["band_s"][1]
    if conciseness["duration_s"] > options.far_too_long_ratio * target_s:
        return ONE_SENTENCE
    ownership = example["ownership"]
    if expects_story and ownership["i"] == 0 and ownership["we"] >= options.we_without_i_min:
        return OWN_PART
    return None
