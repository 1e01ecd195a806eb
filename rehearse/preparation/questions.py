"""The question bank shipped with rehearse, and a guess at what kind of answer a typed question expects."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# "behavioural": tell one specific story (a STAR example is expected).
# "open": a direct answer with reasons (why us, strengths, ideas); no story needed.
# "ask": the candidate rehearses asking the interviewer a question.
KINDS = ("behavioural", "open", "ask")
KIND_ADVICE = {
    "behavioural": "Tell one specific story: the situation, your task, what you did, and the result (STAR).",
    "open": "Give a clear, direct answer and back it with a reason or two; no story is needed.",
    "ask": "Ask your question plainly and say in a sentence why it matters to you.",
}
# Typed questions have no target of their own; these are the bank's usual lengths per kind, in seconds.
DEFAULT_TARGET_SECONDS = {"behavioural": 90, "open": 60, "ask": 40}
OWN_QUESTION_THEME = "Your own question"

_BEHAVIOURAL = re.compile(
    r"\b(tell|talk)\s+(me|us)\s+about\s+(a|an|the|one)\s+(time|situation|occasion|moment|project)"
    r"|\bdescribe\s+(a|an|the|one)\s+(time|situation|occasion|moment|project|challenge|conflict)"
    r"|\b(give|share|walk)\s+(me|us)?\s*(an|one|a)?\s*(example|instance|through\s+a\s+time)"
    r"|\bshare\s+an\s+example"
    r"|\b(a|an)\s+(time|occasion)\s+(when|where|that)\s+you"
    r"|\bhave\s+you\s+ever\b"
    r"|\bwhen\s+(have|did)\s+you\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """One interview question; ``target_seconds`` is how long a good spoken answer lasts."""

    text: str
    theme: str
    kind: str
    target_seconds: int

    @property
    def expects_example(self) -> bool:
        return self.kind == "behavioural"


@lru_cache(maxsize=1)
def load_questions() -> tuple[Question, ...]:
    """Every question of the bank, grouped by theme in the guide's order."""
    data = json.loads(
        resources.files("rehearse.preparation").joinpath("questions.json").read_text(encoding="utf-8")
    )
    return tuple(
        Question(
            text=entry["text"],
            theme=theme["title"],
            kind=entry["kind"],
            target_seconds=int(entry["target_seconds"]),
        )
        for theme in data["themes"]
        for entry in theme["questions"]
    )


def themes() -> list[str]:
    """Theme titles in the order the bank lists them."""
    return list(dict.fromkeys(question.theme for question in load_questions()))


def question_kind(text: str) -> str:
    """Guess the kind of a typed question: "behavioural" when it asks for a past example, else "open"."""
    return "behavioural" if _BEHAVIOURAL.search(text) else "open"


def find_question(text: str) -> Question:
    """The bank question with this text, or a typed question whose kind and target are guessed."""
    text = " ".join(text.split())
    for question in load_questions():
        if question.text == text:
            return question
    kind = question_kind(text)
    return Question(
        text=text, theme=OWN_QUESTION_THEME, kind=kind, target_seconds=DEFAULT_TARGET_SECONDS[kind]
    )
