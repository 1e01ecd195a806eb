"""Running a round: analysing each stored answer, deciding its follow-up, and the round as JSON or text.

Shared by the command line and the app, so both ask the same follow-ups and print the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rehearse.analysis.analysis import AnalysisOptions, analyze_file, analyze_transcript
from rehearse.analysis.example import ExampleOptions
from rehearse.errors import RehearseError
from rehearse.history.store import MockRound, Store
from rehearse.mock.first_point import time_to_first_point, transcript_of
from rehearse.mock.follow_up import ONE_SENTENCE, FollowUpOptions, decide_follow_up
from rehearse.mock.report import RoundAnswer, RoundReport, compare_with_previous, round_answers, round_report
from rehearse.preparation.questions import find_question
from rehearse.speech.audio import load_audio
from rehearse.speech.transcribe import transcribe_halves


def analyse_stored_answer(
    store: Store, attempt_id: int, *, options: AnalysisOptions | None = None
) -> dict | None:
    """Analyse a round's saved recording and keep the analysis, or why it failed (the recording stays).

    Returns the analysis (``Analysis.to_dict()``), or None when it failed.
    """
    attempt = store.get_attempt(attempt_id)
    options = replace(
        options or AnalysisOptions(),
        example=ExampleOptions(expect_example=find_question(attempt.question).expects_example),
    )
    try:
        analysis = analyze_file(
            store.audio_path(attempt_id), question=attempt.question, options=options
        ).to_dict()
    except RehearseError as error:
        store.save_failure(attempt_id, str(error))
        return None
    store.save_analysis(attempt_id, analysis)
    return analysis


def follow_up_for(analysis: dict | None, *, is_follow_up: bool = False) -> str | None:
    """The follow-up to ask after an answer; a follow-up's own answer gets none (at most one per question)."""
    if analysis is None or is_follow_up:
        return None
    return decide_follow_up(analysis)


def previous_reports(store: Store, before_round_id: int) -> list[RoundReport]:
    """Reports of the candidate's finished rounds before this one, oldest first."""
    return [
        round_report(round_answers(earlier))
        for earlier in reversed(store.list_rounds())
        if earlier.id < before_round_id and earlier.state == "finished"
    ]


def round_json(
    stage: str,
    answers: Sequence[RoundAnswer],
    report: RoundReport,
    *,
    round_id: int | None = None,
    compared: Sequence[str] = (),
) -> dict[str, object]:
    """``rehearse mock --json``: each answer with its analysis, follow-up and time to first point, and the round."""
    return {
        "round_id": round_id,
        "stage": stage,
        "answers": [
            {
                "question": answer.question,
                "analysis": answer.analysis,
                "follow_up": answer.follow_up,
                "follow_up_analysis": answer.follow_up_analysis,
                "time_to_first_point_s": (
                    None if answer.analysis is None else time_to_first_point(transcript_of(answer.analysis))
                ),
            }
            for answer in answers
        ],
        "round": {
            "fillers_per_minute": list(report.fillers_per_minute),
            "words_per_minute": list(report.words_per_minute),
            "time_to_first_point_s": list(report.time_to_first_point_s),
            "nerves": report.nerves,
            "length": [
                {"duration_s": q.duration_s, "band_s": q.band_s, "verdict": q.length_verdict}
                for q in report.questions
            ],
            "reused_stories": [[story.first, story.second] for story in report.reused_stories],
            "reused_story_evidence": [
                {"answers": [story.first, story.second], "shared_words": list(story.shared)}
                for story in report.reused_stories
            ],
            "work_on": [{"title": item.title, "evidence": item.evidence} for item in report.work_on],
            "compared_with_previous": list(compared),
        },
    }


def format_round(stage_name: str, report: RoundReport, compared: Sequence[str] = ()) -> str:
    """The round report as plain text for the terminal."""
    lines = [f"Mock interview: {stage_name}", ""]
    for q in report.questions:
        lines.append(f"{q.index + 1}. {q.question}")
        if not q.analysed:
            lines += ["   Not analysed.", ""]
            continue
        first_point = (
            "no clear point" if q.time_to_first_point_s is None else f"{q.time_to_first_point_s:.1f} s"
        )
        star = " ".join(part[0].upper() if found else "·" for part, found in q.star.items())
        lines.append(
            f"   {q.duration_s:.0f} s ({q.length_verdict}) · {q.fillers_per_minute:.1f} fillers/min ·"
            f" {q.words_per_minute:.0f} words/min · first point at {first_point} · STAR {star}"
        )
        lines += [f"   - {tip}" for tip in q.tips[:3]]
        if q.follow_up:
            lines.append(f"   Follow-up: {q.follow_up}")
        lines.append("")
    lines += ["The round", f"  {report.nerves}"]
    for story in report.reused_stories:
        lines.append(
            f"  Answers {story.first + 1} and {story.second + 1} tell the same story ({', '.join(story.shared[:5])})."
        )
    lines += ["", "Work on first"]
    lines += [f"  {n}. {item.title} {item.evidence}" for n, item in enumerate(report.work_on, start=1)]
    if not report.work_on:
        lines.append("  Nothing stands out: keep practising at this level.")
    if compared:
        lines += ["", "Against your earlier rounds", *(f"  {sentence}" for sentence in compared)]
    return "\n".join(lines)


def stored_round_report(
    store: Store, mock_round: MockRound
) -> tuple[list[RoundAnswer], RoundReport, tuple[str, ...]]:
    """A stored round's answers, report, and comparison with the candidate's earlier finished rounds."""
    answers = round_answers(mock_round)
    report = round_report(answers)
    return answers, report, compare_with_previous(report, previous_reports(store, mock_round.id))


def follow_up_after_recording(
    path: str | Path, *, question: str, options: AnalysisOptions | None = None
) -> str | None:
    """The follow-up for a recorded answer, decided as fast as the question allows.

    Only a behavioural question's follow-ups need the words (example, result, "we"); for any other
    only "far too long" can apply, and the recording's length answers that without transcribing.
    """
    options = options or AnalysisOptions()
    asked = find_question(question)
    if asked.expects_example:
        return follow_up_for(quick_analysis(path, question=question, options=options))
    audio = load_audio(path, min_seconds=options.min_seconds, max_seconds=options.max_seconds)
    far_too_long = audio.duration_s > FollowUpOptions().far_too_long_ratio * asked.target_seconds
    return ONE_SENTENCE if far_too_long else None


def quick_analysis(path: str | Path, *, question: str, options: AnalysisOptions | None = None) -> dict:
    """A transcript-only analysis of an answer, enough to decide its follow-up: it skips the voice
    analyses (hesitations, delivery), which the full analysis in the background adds."""
    options = options or AnalysisOptions()
    audio = load_audio(path, min_seconds=options.min_seconds, max_seconds=options.max_seconds)
    # Greedy decoding, as the live transcript, and both halves at once: the gist is enough for a
    # follow-up, and it must come within seconds of the answer's end.
    transcript, transcribe_options = transcribe_halves(
        audio, options=replace(options.transcribe, beam_size=1)
    )
    options = replace(options, transcribe=transcribe_options)
    return analyze_transcript(transcript, question=question, options=options).to_dict()
