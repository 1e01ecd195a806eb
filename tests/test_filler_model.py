import json

import numpy as np
import pytest
from test_hesitation import RATE, audio_of, babble, vowel

from rehearse.analysis.filler_model import (
    FEATURE_NAMES,
    Candidate,
    FillerModel,
    apply_detections,
    candidate_features,
    detect_fillers,
    filler_probabilities,
    filler_spans,
    find_candidates,
    load_filler_model,
)
from rehearse.analysis.hesitation import HesitationOptions, frame_measures, steady_voiced_stretches
from rehearse.evaluation.filler_evaluation import CANDIDATES_PATH, evaluate, load_records
from rehearse.speech.transcript import Transcript, Word


def word(text: str, start: float, end: float, probability: float = 0.9) -> Word:
    return Word(text=text, start=start, end=end, probability=probability)


def stump_model(feature: str, *, below: float, above: float, cut: float = 0.5) -> FillerModel:
    """One tree of one split: ``feature <= cut`` scores ``below``, else ``above`` (log-odds)."""
    return FillerModel(
        feature_names=FEATURE_NAMES,
        feature=np.array([[FEATURE_NAMES.index(feature), -2, -2]]),
        threshold=np.array([[cut, -2.0, -2.0]]),
        left=np.array([[1, -1, -1]]),
        right=np.array([[2, -1, -1]]),
        value=np.array([[0.0, below, above]]),
        base=0.0,
        threshold_probability=0.5,
        figures={},
    )


def speech_with_held_vowel():
    """Word-like sound, a held 0.4 s vowel in a gap between words, then word-like sound again."""
    silence = np.zeros(int(0.3 * RATE), np.float32)
    audio = audio_of(silence, babble(1.0), np.zeros(int(0.1 * RATE), np.float32), vowel(0.4),
                     np.zeros(int(0.1 * RATE), np.float32), babble(1.0, seed=2), silence)  # fmt: skip
    transcript = Transcript(
        words=(
            word("We", 0.3, 0.6),
            word("moved", 0.6, 1.3),
            word("the", 1.9, 2.2),
            word("release.", 2.2, 2.9),
        ),
        duration_s=audio.duration_s,
    )
    return audio, transcript


def test_a_voiced_gap_and_short_words_are_candidates():
    audio, transcript = speech_with_held_vowel()
    measures = frame_measures(audio)
    stretches = steady_voiced_stretches(audio, options=HesitationOptions(), measures=measures)
    candidates = find_candidates(transcript, measures, stretches)
    gaps = [c for c in candidates if c.kind == "gap"]
    assert len(gaps) == 1 and 1.35 <= gaps[0].start < gaps[0].end <= 1.85
    assert {c.word for c in candidates if c.kind == "word"} == {0, 2}  # "moved", "release." are too long


def test_features_describe_each_candidate():
    audio, transcript = speech_with_held_vowel()
    measures = frame_measures(audio)
    candidates = [Candidate("gap", 1.4, 1.8, None), Candidate("word", 1.9, 2.2, 2)]
    rows = candidate_features(transcript, measures, candidates)
    assert rows.shape == (2, len(FEATURE_NAMES))
    named = [dict(zip(FEATURE_NAMES, row, strict=True)) for row in rows]
    assert named[0]["kind=gap"] == 1 and named[0]["duration_s"] == pytest.approx(0.4)
    assert named[0]["voiced_share"] > 0.8 and named[0]["steady_share"] > 0.5
    assert named[1]["kind=word"] == 1 and named[1]["text=the"] == 1 and named[1]["letters"] == 3
    assert named[1]["probability"] == pytest.approx(0.9) and named[1]["gap_before_s"] == pytest.approx(0.6)


def test_the_trees_are_read_as_scikit_learn_wrote_them():
    model = stump_model("is_filler_text", below=-2.0, above=3.0)
    features = np.zeros((2, len(FEATURE_NAMES)))
    features[1, FEATURE_NAMES.index("is_filler_text")] = 1.0
    assert filler_probabilities(model, features) == pytest.approx(1 / (1 + np.exp([2.0, -3.0])))
    assert filler_probabilities(model, np.zeros((0, len(FEATURE_NAMES)))).size == 0


def test_a_word_written_for_a_filler_becomes_the_filler_and_overlaps_count_once():
    transcript = Transcript(
        words=(word("I'm", 0.5, 0.7), word("the", 0.7, 0.9), word("hardest", 0.9, 1.4)), duration_s=2.0
    )
    candidates = [
        Candidate("word", 0.5, 0.7, 0),
        Candidate("word", 0.7, 0.9, 1),
        Candidate("gap", 1.5, 1.8, None),
    ]
    result = apply_detections(transcript, candidates, np.array([0.9, 0.8, 0.7]), 0.5)
    assert [w.text for w in result.words] == ["uh", "the", "hardest", "uh"]
    assert filler_spans(result) == [(0.5, 0.7), (1.5, 1.8)]
    assert apply_detections(transcript, candidates, np.array([0.1, 0.2, 0.3]), 0.5) is transcript


def test_detect_fillers_runs_the_model_on_the_recording(tmp_path):
    audio, transcript = speech_with_held_vowel()
    model = stump_model("kind=gap", below=-5.0, above=5.0)
    result = detect_fillers(audio, transcript, model=model)
    assert [w.text for w in result.words] == ["We", "moved", "uh", "the", "release."]


def test_the_shipped_model_reproduces_its_quoted_held_out_figures():
    """CI trains nothing: the committed features of the voice families the shipped model never saw,
    read by the shipped model, give the figures it ships with (and that the note quotes)."""
    model = load_filler_model()
    held_out = model.figures["held_out_families"]
    assert "festival" in held_out and "festival" not in model.figures["trained_on"]
    records = [record for record in load_records(CANDIDATES_PATH) if record["family"] in held_out]
    tables = evaluate(records, held_out, model)
    for regime, quoted in model.figures["held_out"].items():
        for key, value in quoted.items():
            assert tables["learned"][regime][key] == pytest.approx(value, abs=0.005), (regime, key)


def test_the_shipped_model_is_small_and_numpy_only():
    from rehearse.analysis.filler_model import MODEL_PATH

    assert MODEL_PATH.stat().st_size < 10 * 2**20
    data = json.loads(MODEL_PATH.read_text())
    assert set(data) >= {"feature", "threshold", "left", "right", "value", "base", "figures"}
