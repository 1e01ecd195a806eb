"""The STAR clause model: clauses, probabilities, the shipped weights, and the corpus figures."""

import json
from pathlib import Path

import numpy as np
import pytest

from rehearse.analysis.example import load_language_model
from rehearse.analysis.star import LABELS, MODEL_PATH, clauses_of, load_star_model, read_star
from rehearse.errors import ModelError
from rehearse.evaluation.sets import EVAL_DIR, load_labels
from rehearse.evaluation.star_evaluation import (
    CORPUS_DIR,
    Detected,
    detect_with_engine,
    figures,
    label_of,
    labelled_answer,
    load_part,
)

# One answer of part C's 139 either way, and a little more, for another machine's arithmetic.
FIGURE_TOLERANCE = 0.01

ANSWER = labelled_answer(
    {
        "id": "T-1",
        "kind": "behavioural_past",
        "question": "Tell me about a time you saved money.",
        "example_present": True,
        "clauses": [
            {"text": "Last year our overtime bill doubled.", "label": "situation"},
            {"text": "I rebuilt the rota,", "label": "action"},
            {"text": "and as a result overtime fell by a third.", "label": "result"},
        ],
    }
)


def test_a_sentence_is_cut_where_the_result_starts():
    doc = load_language_model()(ANSWER.text)
    clauses = clauses_of(doc)
    assert [clause.text for clause in clauses] == [
        "Last year our overtime bill doubled.",
        # The model was trained on this cut: an "and" before an opener stays with the clause before.
        "I rebuilt the rota, and",
        "as a result overtime fell by a third.",
    ]
    assert [clause.sentence for clause in clauses] == [0, 1, 1]
    assert all(ANSWER.text[clause.start : clause.end] == clause.text for clause in clauses)


def test_every_clause_gets_a_probability_per_label():
    reading = read_star(load_language_model()(ANSWER.text), load_star_model())
    assert reading.probabilities.shape == (3, len(LABELS))
    assert np.allclose(reading.probabilities.sum(axis=1), 1.0)
    clause, probability = reading.best_clause("result")
    assert clause is not None and clause.text.startswith("as a result") and probability > 0.5
    assert 0.0 <= reading.example_probability <= 1.0


def test_the_shipped_model_says_what_it_was_trained_on_and_measured_at():
    model = load_star_model()
    assert model.figures["cross_validated"]["answers"] >= 280
    assert set(model.figures["untouched"]) >= {"clean", "recognised"}
    assert 0.0 <= model.missing_threshold < model.found_threshold < 1.0


def test_a_missing_or_damaged_model_file_is_a_model_error(tmp_path: Path):
    with pytest.raises(ModelError, match="reinstall rehearse"):
        load_star_model.__wrapped__(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="reinstall rehearse"):
        load_star_model.__wrapped__(tmp_path / "bad.json")


def test_labels_are_read_by_character_overlap():
    assert label_of(ANSWER, 0, 10) == "situation"
    rota = ANSWER.text.index("rota")
    assert label_of(ANSWER, rota, rota + 4) == "action"
    assert ANSWER.parts == {"situation", "action", "result"}


def test_figures_count_parts_evidence_and_false_missing():
    result_span = (ANSWER.text.index("and as"), len(ANSWER.text))
    right = Detected(
        True, frozenset({"situation", "action", "result"}), {"result": result_span}, frozenset(), False
    )
    wrong = Detected(True, frozenset({"action"}), {"action": result_span}, frozenset({"result"}), False)
    assert figures([ANSWER], lambda answer: right) == {
        "answers": 1,
        "example": 1.0,
        "star_parts": 1.0,
        "evidence": 1.0,
        "false_missing": 0.0,
    }
    scored = figures([ANSWER], lambda answer: wrong)
    assert scored["star_parts"] == 0.5  # task right (absent), action right, situation and result wrong
    assert scored["evidence"] == 0.0 and scored["false_missing"] == 1.0


@pytest.mark.parametrize("text", ["clean", "recognised"])
def test_the_untouched_part_gives_the_figures_the_model_ships_with(text: str):
    """Part C read by the engine: the figures stored in star_model.json (README's table) still hold."""
    measured = figures(load_part("C", text=text), detect_with_engine)
    stored = load_star_model().figures["untouched"][text]
    assert stored["part"] == "C" and measured["answers"] == stored["answers"] == 139
    for name in ("example", "star_parts", "evidence", "false_missing"):
        assert measured[name] == pytest.approx(stored[name], abs=FIGURE_TOLERANCE), name
    assert measured["false_missing"] <= 0.03 and measured["evidence"] >= 0.85


def test_no_training_voice_speaks_a_test_answer():
    """The recognised training parts share no voice with part C nor with the blind audio sets."""
    voices = {
        part: {json.loads(line)["voice"] for line in path.read_text(encoding="utf-8").splitlines()}
        for path in sorted(CORPUS_DIR.glob("recognised-*.jsonl"))
        for part in [path.stem.removeprefix("recognised-")]
    }
    trained_on = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["trained_on"]
    trained = set().union(*(voices[part] for part in trained_on if part in voices))
    blind = {
        label["voice"] for name in ("sealed", "sealed2") for label in load_labels("all", EVAL_DIR / name)
    }
    assert trained and not trained & (voices["C"] | blind)
