"""Which requirements an answer speaks to in meaning: a model learned from labelled answers (issue 17).

Words miss paraphrase ("I kept the drugs book straight" for "controlled drug registers"). So each
requirement is compared in meaning (:mod:`sentence_meaning`) with every sentence of the answer and with
the whole answer, read together with the sentence of the posting it came from: "controlled drug
registers" alone says less than the duty around it. A logistic regression trained by
``scripts/tune_links.py`` on the labelled answers of eval/jobs/ turns those similarities (the best, the
whole answer's, the requirement's rank among the job's and how far it stands out from them) into the
chance that the answer speaks to it; above the model's threshold it is linked. Inference is a few
multiplications in numpy; the weights ship in ``link_model.json`` with the figures they were measured at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rehearse.errors import ModelError
from rehearse.preparation.requirements import Requirement

LINK_MODEL_PATH = Path(__file__).with_name("link_model.json")
FEATURES = ("best", "whole", "closest", "second", "rank", "stands_out")
# Ranks past this one all read alike: far from the closest is far.
_LAST_RANK = 5
# The labelled answers are all on topic, so the model learned how far a requirement stands out from the
# job's others; an answer about something else still has one that stands out ("I like long walks with
# my dog" for "supervise dispensing assistants", similarity 0.05). Below this similarity nothing is
# linked: 4 of the 354 paraphrasing pairs of the training parts fall there, and 503 of 4,949 others.
MIN_SIMILARITY = 0.1


@dataclass(frozen=True)
class LinkModel:
    weights: np.ndarray
    bias: float
    means: np.ndarray
    scales: np.ndarray
    threshold: float

    def chances(self, features: np.ndarray) -> np.ndarray:
        """The chance (0 to 1) that the answer speaks to each requirement (one row of features each)."""
        margin = ((features - self.means) / self.scales) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-margin))


@lru_cache(maxsize=1)
def load_link_model(path: Path = LINK_MODEL_PATH) -> LinkModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        model = LinkModel(
            weights=np.array(data["weights"], dtype=float),
            bias=float(data["bias"]),
            means=np.array(data["means"], dtype=float),
            scales=np.array(data["scales"], dtype=float),
            threshold=float(data["threshold"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"The link model {path} cannot be read: reinstall rehearse ({error}).") from error
    if data.get("features") != list(FEATURES) or not (
        len(model.weights) == len(model.means) == len(model.scales) == len(FEATURES)
    ):
        raise ModelError(f"The link model {path} does not fit this version of rehearse: reinstall rehearse.")
    return model


def meaning_text(requirement: Requirement) -> str:
    """What a requirement is compared with: its words and, where it came from a posting, that sentence."""
    if requirement.evidence.strip(" .") in {"", requirement.text.strip(" .")}:
        return requirement.text
    return f"{requirement.text}: {requirement.evidence}"


def link_features(similarities: np.ndarray) -> np.ndarray:
    """One row of :data:`FEATURES` per requirement, from its similarities (rows) to each sentence of
    the answer and, in the last column, to the whole answer."""
    best = similarities.max(axis=1)
    order = np.argsort(-best, kind="stable")
    rank = np.empty(len(best), dtype=int)
    rank[order] = np.arange(len(best))
    stands_out = (best - best.mean()) / (best.std() + 1e-6)
    return np.column_stack(
        [best, similarities[:, -1], rank == 0, rank == 1, np.minimum(rank, _LAST_RANK), stands_out]
    ).astype(float)


def linked_in_meaning(similarities: np.ndarray, model: LinkModel | None = None) -> np.ndarray:
    """Which requirements the model links, from their similarities to the answer (see
    :func:`link_features`)."""
    model = model or load_link_model()
    features = link_features(similarities)
    return links_from(model.chances(features), features, model.threshold)


def links_from(chances: np.ndarray, features: np.ndarray, threshold: float) -> np.ndarray:
    """The rule that turns the model's chances into links (the training script measures it too)."""
    return (chances >= threshold) & (features[:, FEATURES.index("best")] >= MIN_SIMILARITY)
