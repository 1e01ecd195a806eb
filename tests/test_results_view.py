import numpy as np
import pandas as pd
import pytest
from test_delivery import _voice, _words
from transcripts import transcript_from_text

from rehearse.analysis.analysis import analyze_transcript
from rehearse.analysis.delivery import analyze_delivery
from rehearse.analysis.report import format_report
from rehearse.analysis.results_view import (
    AUDIO_MIME_TYPES,
    VOICE_CHARTS,
    attempt_heading_html,
    attempts_frame,
    audio_mime,
    cards_html,
    headlines,
    name_their_file,
    overall_progress,
    pace_chart,
    pace_frame,
    pauses_frame,
    star_html,
    star_rows,
    tip_html,
    tips_html,
    transcript_html,
    transcript_legend,
    voice_chart,
    voice_frame,
    voice_verdict,
)
from rehearse.history.progress import attempt_markdown
from rehearse.history.store import AUDIO_SUFFIXES, Attempt, open_store

STORY = (
    "In my last job our release process took two full days. My task was to make it faster. "
    "I automated the test runs and I wrote a checklist for the team. As a result releases now take three hours."
)
VAGUE = "Um so I think teamwork is like really important. You know I always try to uh listen to people."
QUESTION = "Tell me about a time you improved a process."


def analysis_of(text: str, **spacing) -> dict:
    return analyze_transcript(transcript_from_text(text, **spacing), question=QUESTION).to_dict()


@pytest.fixture(scope="module")
def story() -> dict:
    return analysis_of(STORY)


@pytest.fixture(scope="module")
def vague() -> dict:
    # A 2-second silence before word 7 ("really").
    return analysis_of(VAGUE, pauses={7: 2.0})


def test_user_words_are_escaped_never_rendered_as_html(story: dict):
    hostile = {
        **story,
        "transcript": {**story["transcript"], "words": [dict(word) for word in story["transcript"]["words"]]},
    }
    hostile["transcript"]["words"][0]["text"] = '<script>alert("x")</script>'
    hostile["transcript"]["words"][1]["text"] = "<img src=x onerror=alert(1)>&"
    rendered = transcript_html(hostile)
    assert "<script>" not in rendered
    assert "<img" not in rendered
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;&amp;" in rendered


def test_fillers_and_hedges_are_highlighted_and_multiword_ones_share_one_mark(vague: dict):
    rendered = transcript_html(vague)
    assert 'title="Filler">Um</mark>' in rendered
    assert 'title="Filler">like</mark>' in rendered
    assert 'title="Filler">uh</mark>' in rendered
    assert 'title="Filler">You know</mark>' in rendered
    assert 'title="Hedge">I think</mark>' in rendered
    assert rendered.count("<mark") == rendered.count("</mark>") == 5
    assert "teamwork" in rendered and "teamwork</mark>" not in rendered


def test_a_word_stamped_at_the_same_instant_as_a_filler_is_not_marked_with_it(vague: dict):
    # Whisper gives the hesitation and the next word one and the same instant: "Um" and "so".
    words = [dict(word) for word in vague["transcript"]["words"]]
    instant = words[0]["start"]
    words[0] |= {"end": instant}
    words[1] |= {"start": instant, "end": instant}
    items = [dict(item) for item in vague["fillers"]["items"]]
    items[0] |= {"start": instant, "end": instant}
    rendered = transcript_html(
        {
            **vague,
            "transcript": {**vague["transcript"], "words": words},
            "fillers": {**vague["fillers"], "items": items},
        }
    )
    assert 'title="Filler">Um</mark> so' in rendered


def test_long_pause_is_marked_between_the_words_it_separates(vague: dict):
    rendered = transcript_html(vague)
    [pause] = [pause for pause in vague["pacing"]["pauses"] if pause["long"]]
    marker = rendered.index(f'title="Long pause">[pause {pause["duration_s"]:.1f} s]')
    before = rendered[: rendered.rindex("<span", 0, marker)]
    after = rendered[rendered.index("</span>", marker) + len("</span>") :]
    assert before.rstrip().endswith('title="Filler">like</mark>')
    assert after.lstrip().startswith("really")
    assert rendered.count("[pause") == 1


def test_legend_names_the_long_pause_length(vague: dict):
    assert f"{vague['pacing']['options']['long_pause_s']:g} s or more" in transcript_legend(vague)


def test_headlines_without_a_previous_attempt_have_no_change(story: dict):
    numbers = headlines(story, target_seconds=90, previous=None)
    assert [number.label for number in numbers] == [
        "Fillers per minute",
        "Words per minute",
        "Length",
        "STAR parts found",
    ]
    assert all(number.delta is None for number in numbers)
    assert numbers[0].value == f"{story['fillers']['per_minute']:.1f}"
    assert numbers[1].value == f"{story['pacing']['words_per_minute']:.0f}"
    assert numbers[3].value == f"{sum(story['example']['star'].values())} of 4"
    assert numbers[2].note == "Too short by 52 s: aim for 1:08–1:52 (target 1:30)."


def test_headlines_show_the_change_since_the_previous_attempt(story: dict, vague: dict):
    fillers, pace, _, star = headlines(story, target_seconds=90, previous=vague)
    assert fillers.delta == f"{story['fillers']['per_minute'] - vague['fillers']['per_minute']:+.1f}"
    assert fillers.delta.startswith("-") and fillers.delta_color == "inverse"  # fewer fillers shows green
    assert pace.delta_color == "off"
    assert (
        star.delta == f"{sum(story['example']['star'].values()) - sum(vague['example']['star'].values()):+d}"
    )
    assert star.delta.startswith("+")


def _with_target(analysis: dict, target_s: float) -> dict:
    """The analysis as if its question's target had been ``target_s`` (the default 25 % margin)."""
    band = [target_s * 0.75, target_s * 1.25]
    return {**analysis, "conciseness": {**analysis["conciseness"], "target_s": target_s, "band_s": band}}


def test_length_change_is_green_when_it_moves_towards_the_target(story: dict):
    shorter = {
        **story,
        "conciseness": {**story["conciseness"], "duration_s": story["conciseness"]["duration_s"] - 5},
    }
    duration = story["conciseness"]["duration_s"]
    towards = headlines(_with_target(story, duration + 60), target_seconds=90, previous=shorter)[2]
    away = headlines(_with_target(story, duration - 10), target_seconds=90, previous=shorter)[2]
    assert towards.delta == away.delta == "+5 s"
    assert towards.delta_color == "normal"  # longer and closer: shown green
    assert away.delta_color == "inverse"  # longer and further: shown red
    assert away.note.startswith("Too long by") and towards.note.startswith("Too short by")


@pytest.mark.parametrize(
    ("seconds", "verdict", "card", "tip"),
    [
        # The cases: a 0:33 story (target 1:30) got no tip; a rambling answer's card and tip
        # quoted different limits (1:00 target, "under 2:00").
        (33, "short", "Too short by 35 s: aim for 1:08–1:52 (target 1:30).", "Say more: aim for 1:08–1:52"),
        (
            150,
            "long",
            "Too long by 37 s: aim for 1:08–1:52 (target 1:30).",
            "Shorten the answer to under 1:52",
        ),
        (90, "ok", "On target: aim for 1:08–1:52 (target 1:30).", None),
    ],
)
def test_the_length_card_tip_and_verdict_use_the_question_target_band(seconds, verdict, card, tip):
    # 150 words per minute: the answer lasts ``seconds`` from first to last word.
    words = round(seconds * 150 / 60)
    analysis = analysis_of("word " * words)
    conciseness = analysis["conciseness"]
    assert conciseness["target_s"] == 90
    assert tuple(conciseness["band_s"]) == (67.5, 112.5)
    assert conciseness["verdict"] == verdict
    assert headlines(analysis, target_seconds=90, previous=None)[2].note == card
    length_tips = [t["message"] for t in analysis["tips"] if t["message"].startswith(("Say more", "Shorten"))]
    assert [message[: len(tip)] for message in length_tips] == ([] if tip is None else [tip])


def test_pace_note_follows_the_verdict(story: dict):
    fast = {**story, "pacing": {**story["pacing"], "verdict": "fast"}}
    assert headlines(fast, target_seconds=60, previous=None)[1].note.startswith("Fast: above")


def test_star_rows_carry_the_sentence_that_shows_each_part(story: dict):
    rows = star_rows(story)
    assert [row.part for row in rows] == ["situation", "task", "action", "result"]
    for row in rows:
        assert row.found == story["example"]["star"][row.part]
        assert row.evidence == story["example"]["evidence"][row.part]
    assert any(row.found for row in rows)


def test_a_part_the_model_is_unsure_of_is_not_called_missing(story: dict):
    star = {"situation": True, "task": False, "action": True, "result": False}
    evidence = {"situation": "Last year ...", "task": None, "action": "I rebuilt it.", "result": None}
    unsure = {
        **story,
        "example": {**story["example"], "star": star, "evidence": evidence, "missing": ["result"]},
    }
    rows = {row.part: row for row in star_rows(unsure)}
    assert (rows["task"].missing, rows["result"].missing) == (False, True)
    page = star_html(unsure)
    assert page.count("not found") == 1 and page.count("not clearly heard") == 1
    # An analysis saved before the model has no "missing": a part not found was called missing.
    older = {
        **unsure,
        "example": {key: value for key, value in unsure["example"].items() if key != "missing"},
    }
    assert star_html(older).count("not found") == 2


def test_star_and_tips_html_escape_the_answer(story: dict):
    part = next(row.part for row in star_rows(story) if row.found)
    hostile = {
        **story,
        "example": {**story["example"], "evidence": {**story["example"]["evidence"], part: "<b>bold</b>"}},
        "tips": [
            {"message": "Say <it>", "evidence": "“<i>”", "advice": "a & b", "start": 65.0, "priority": 1}
        ],
    }
    assert "&lt;b&gt;bold&lt;/b&gt;" in star_html(hostile)
    rendered = tips_html(hostile)
    assert "Say &lt;it&gt;" in rendered and "&lt;i&gt;" in rendered and "a &amp; b" in rendered
    assert "(at 1:05)" in rendered


def test_no_tips_says_so(story: dict):
    assert "Nothing stands out" in tips_html({**story, "tips": []})


def test_pace_chart_data_follows_the_windows_and_pauses(vague: dict):
    frame = pace_frame(vague)
    windows = vague["pacing"]["windows"]
    assert list(frame["words_per_minute"]) == [window["words_per_minute"] for window in windows]
    assert frame["time_s"].is_monotonic_increasing
    pauses = pauses_frame(vague)
    assert len(pauses) == len(vague["pacing"]["pauses"])
    assert "long pause" in set(pauses["kind"])
    spec = pace_chart(vague).to_dict()
    assert len(spec["layer"]) == 3


def test_pauses_frame_of_an_answer_without_pauses_is_empty_but_typed(story: dict):
    frame = pauses_frame({**story, "pacing": {**story["pacing"], "pauses": []}})
    assert frame.empty and list(frame.columns) == ["start_s", "end_s", "duration_s", "kind"]


def test_progress_moves_forward_through_the_stages():
    steps = [
        ("decoding", 0.0),
        ("transcribing", 0.0),
        ("transcribing", 0.5),
        ("transcribing", 1.0),
        ("analysing", 0.0),
        ("analysing", 1.0),
    ]
    values = [overall_progress(stage, fraction)[0] for stage, fraction in steps]
    assert values == sorted(values)
    assert values[0] == 0.0 and values[-1] == 1.0
    assert overall_progress("transcribing", 7.0)[0] <= 1.0
    assert "Transcribing" in overall_progress("transcribing", 0.2)[1]


def test_every_saved_audio_type_can_be_played_back():
    assert set(AUDIO_MIME_TYPES) == set(AUDIO_SUFFIXES)
    assert audio_mime(".MP3") == "audio/mpeg"


def test_attempts_frame_and_heading(story: dict):
    analysed = Attempt(
        2, "Why <us>?", "2025-01-02T03:04:05+00:00", "attempt-000002.wav", "analysed", None, story
    )
    failed = Attempt(
        1, QUESTION, "2025-01-01T00:00:00+00:00", "attempt-000001.wav", "failed", "No speech.", None
    )
    frame = attempts_frame([analysed, failed])
    assert list(frame["Status"]) == ["analysed", "failed"]
    assert frame["Fillers/min"][0] == story["fillers"]["per_minute"]
    assert pd.isna(frame["Words/min"][1])
    heading = attempt_heading_html(analysed, previous_id=None)
    assert "Why &lt;us&gt;?" in heading and "First analysed attempt" in heading
    assert "#1" in attempt_heading_html(analysed, previous_id=1)


def test_an_error_names_the_candidates_file_not_the_stores_copy():
    message = "attempt-000010.wav is not an audio file this tool can read, or it is damaged."
    assert name_their_file(message, "attempt-000010.wav", "notes.wav") == (
        "“notes.wav” is not an audio file this tool can read, or it is damaged."
    )
    assert name_their_file(message, "attempt-000010.wav", None).startswith("Your recording is not an audio")


def _spoken(**voice) -> dict:
    """An analysis with a voice: synthetic speech (see test_delivery) at a steady 150 Hz unless told."""
    audio, transcript = _voice(30.0, _words(30.0), **voice)
    delivery = analyze_delivery(audio, transcript)
    return analyze_transcript(transcript, question=QUESTION, delivery=delivery).to_dict()


@pytest.fixture(scope="module")
def fading() -> dict:
    # Flat pitch and a voice that drops 15 dB over the answer.
    return _spoken(gain_db=lambda time: -15.0 * time / 30.0)


@pytest.fixture(scope="module")
def lively() -> dict:
    return _spoken(pitch_hz=lambda time: 150.0 * 2 ** (np.sin(time) / 2))


def test_voice_gets_a_plain_words_verdict_and_what_fine_looks_like(fading: dict, lively: dict):
    problems = voice_verdict(fading)
    assert problems.headline == "2 things to work on in your voice."
    assert "Rise and fall: flat." in problems.lines[0] and "Loudness: fading." in problems.lines[1]
    fine = voice_verdict(lively)
    assert fine.headline == "Your voice sounds fine: nothing to change."
    assert fine.lines[:2] == (
        "Rise and fall: lively. Your voice moves up and down as you speak.",
        "Loudness: steady. About as loud at the end as at the start.",
    )
    assert fine.fine.startswith("Fine looks like:")
    for verdict in (problems, fine):
        words = " ".join((verdict.headline, *verdict.lines, verdict.fine))
        assert "semitone" not in words and "dB" not in words
    assert voice_verdict({**fading, "delivery": None}) is None


def test_voice_chart_draws_pitch_and_loudness_over_the_answer(fading: dict):
    frame = voice_frame(fading)
    assert list(frame.columns) == ["time_s", "loudness", "pitch"]
    assert len(frame) == len(fading["delivery"]["windows"])
    assert frame["loudness"].iloc[0] > frame["loudness"].iloc[-1] + 8  # the fade is visible
    for measure in ("pitch", "loudness"):
        spec = voice_chart(fading, measure).to_dict()
        assert spec["title"] == VOICE_CHARTS[measure][0]
    # A tip about getting quieter points where it happens, not at 0:00.
    [tip] = [tip for tip in fading["tips"] if tip["message"].startswith("Keep your volume up")]
    assert tip["start"] > 2.0


def test_the_markdown_report_has_the_voice_section(fading: dict, store_attempt):
    report = attempt_markdown(store_attempt(fading))
    voice = report.split("## Voice", 1)[1].split("## ", 1)[0]
    assert "2 things to work on in your voice." in voice and "Loudness: fading." in voice
    assert "Fine looks like:" in voice


def test_tables_become_cards_that_wrap_on_a_phone():
    frame = pd.DataFrame(
        {"Best": ["★", ""], "Attempt": ["#2", "#1"], "Length": ["1:20", "0:40"], "Verdict": ["better", None]}
    )
    rendered = cards_html(frame, title_columns=("Best", "Attempt"), styles={"better": "color:green"})
    assert rendered.count("class='rehearse-card'") == 2
    assert "★ · #2" in rendered and "flex-wrap:wrap" in rendered
    assert "<span style='font-weight:600;color:green'>better</span>" in rendered
    assert "None" not in rendered
    assert "&lt;b&gt;" in cards_html(pd.DataFrame({"A": ["<b>"], "B": [1]}), title_columns=("A",))


def test_a_tip_says_where_and_quotes_the_guide(story: dict):
    tip = {"message": "Slow down.", "evidence": "190 words per minute.", "advice": "Be clear.", "start": 9.2}
    rendered = tip_html(3, tip)
    assert "3. Slow down." in rendered and "(at 0:09)" in rendered and "Guide: “Be clear.”" in rendered


@pytest.fixture
def store_attempt(rehearse_home):
    store = open_store()

    def save(analysis: dict) -> Attempt:
        attempt_id = store.save_recording(analysis["question"] or QUESTION, b"RIFF-audio", ".wav")
        store.save_analysis(attempt_id, analysis)
        return store.get_attempt(attempt_id)

    return save


def test_the_terminal_report_has_the_same_voice_words():
    audio, transcript = _voice(30.0, _words(30.0), gain_db=lambda time: -15.0 * time / 30.0)
    analysis = analyze_transcript(transcript, question=QUESTION, delivery=analyze_delivery(audio, transcript))
    voice = format_report(analysis).split("\nVoice\n", 1)[1].split("\n\n", 1)[0]
    assert voice.splitlines()[0] == "  2 things to work on in your voice."
    assert "Loudness: fading." in voice and "semitone" not in voice


def test_the_terminal_report_rounds_pace_and_fillers_as_the_cards_do():
    analysis = analyze_transcript(
        transcript_from_text(VAGUE + " " + STORY, pauses={7: 2.0}), question=QUESTION
    )
    cards = {
        card.label: card.value for card in headlines(analysis.to_dict(), target_seconds=90, previous=None)
    }
    report = format_report(analysis)
    assert f"{cards['Fillers per minute']} per minute" in report
    assert f"Pace         {cards['Words per minute']} words/min" in report
    trend = report.split("Pace trend", 1)[1].splitlines()[0].split()
    assert trend and all(value.isdigit() for value in trend[1::2])
