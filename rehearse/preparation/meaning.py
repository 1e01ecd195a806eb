"""How close two short texts are in meaning, for the answer links that shared words miss.

"I planned our first sponsored walk" speaks to "fundraising events" without a word in common. The
vectors are WordLlama's (``wordllama`` on PyPI, MIT): the token embeddings of large language models
that share LLaMA 2's tokenizer (LLaMA 2 70B, Phi-3 medium and others), concatenated and trained
into a small model whose text vector is a weighted average over its tokens, with no context. The
wheel ships its 256-dimension weights and tokenizer, so they load from the installed package and
never from the network; loading takes about a second, embedding a sentence well under a millisecond.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=1)
def _model():
    # wordllama calls logging.basicConfig(level=INFO) when imported, which would make every library's
    # INFO messages print in the CLI and the app: the root logger is put back as it was.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import wordllama

    root.handlers[:], root.level = handlers, level
    # The package directory holds weights/ and tokenizers/, where load() looks first; disabling the
    # download makes a missing file an error instead of a request to Hugging Face.
    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


@lru_cache(maxsize=4096)
def _vector(text: str) -> np.ndarray:
    # Requirements are embedded again for every answer in the coverage matrix: one vector per text.
    return _model().embed([text], norm=True)[0]


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit-length vector per text (rows), so that a dot product is the cosine."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([_vector(text) for text in texts])


def similarities(first: Sequence[str], second: Sequence[str]) -> np.ndarray:
    """The cosine of every text of ``first`` (rows) with every text of ``second`` (columns), -1 to 1."""
    if not first or not second:
        return np.zeros((len(first), len(second)), dtype=np.float32)
    return embed(first) @ embed(second).T
