"""``rehearse``: analyse or record a spoken interview answer from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from rehearse.analysis.analysis import Analysis, AnalysisOptions, analyze_file, analyze_transcript
from rehearse.errors import NoSpeechError, ParameterError, RehearseError, StoreError
from rehearse.history import progress
from rehearse.history.store import Store, open_store
from rehearse.mock.live import LIVE_TRANSCRIBE_OPTIONS, LiveTranscript
from rehearse.mock.report import RoundAnswer, RoundReport, compare_with_previous, round_report
from rehearse.mock.round import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    STAGE_NAMES,
    STAGES,
    RoundOptions,
    choose_round,
    questions_from_lines,
)
from rehearse.mock.runner import (
    analyse_stored_answer,
    follow_up_for,
    format_round,
    previous_reports,
    round_json,
    stored_round_report,
)
from rehearse.preparation.questions import Question
from rehearse.speech.audio import DEFAULT_MAX_SECONDS
from rehearse.speech.transcribe import TranscribeOptions, resolve_model_path

EXIT_USER_ERROR = 2
# What an attempt saved with --save but without --question is listed under.
NO_QUESTION = "(no question given)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except RehearseError as error:
        print(f"rehearse: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("rehearse: stopped.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rehearse",
        description="Rehearse job-interview answers: local, private feedback on a spoken answer.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser(
        "analyze", help="analyse a recorded answer (WAV, MP3, M4A, OGG, FLAC, WebM)"
    )
    analyze.add_argument("file", type=Path, help="the recording")
    _add_analysis_arguments(analyze)
    analyze.add_argument("--save", action="store_true", help="keep the recording and its analysis in History")
    analyze.set_defaults(run=_run_analyze)

    record = commands.add_parser("record", help="record an answer from the microphone, then analyse it")
    record.add_argument("--seconds", type=float, help="stop after this many seconds (default: press Enter)")
    record.add_argument("--out", type=Path, help="WAV file to write (default: answer-<date>-<time>.wav here)")
    _add_analysis_arguments(record)
    record.set_defaults(run=_run_record)

    data = commands.add_parser("data", help="show where attempts are stored, or delete them all")
    data.add_argument(
        "--delete-all", action="store_true", help="delete every recording and the attempt history"
    )
    data.add_argument("--yes", action="store_true", help="with --delete-all: do not ask for confirmation")
    data.set_defaults(run=_run_data)

    past = commands.add_parser("history", help="list saved attempts by question, with your progress")
    past.add_argument("--question", help="only the attempts at this question")
    past.add_argument(
        "--json", action="store_true", help="print the attempts and progress as one JSON object"
    )
    past.set_defaults(run=_run_history)

    compare = commands.add_parser("compare", help="compare two saved attempts: numbers and wording")
    compare.add_argument("first", type=int, help="attempt number (see rehearse history)")
    compare.add_argument("second", type=int, help="attempt number to compare with the first")
    compare.add_argument("--json", action="store_true", help="print the comparison as one JSON object")
    compare.set_defaults(run=_run_compare)

    export = commands.add_parser("export", help="export one attempt (JSON, Markdown) or every attempt (CSV)")
    export.add_argument("--format", choices=("csv", "json", "md"), required=True, help="what to write")
    export.add_argument("--id", type=int, help="the attempt to export (needed for json and md)")
    export.add_argument("--out", type=Path, help="file to write (default: print it)")
    export.set_defaults(run=_run_export)

    prepare = commands.add_parser(
        "prepare", help="list a job's requirements and the questions to rehearse for that interview"
    )
    prepare.add_argument(
        "--job-description", type=Path, required=True, help="the job description (.txt, .md, .pdf, .docx)"
    )
    prepare.add_argument("--values", type=Path, help="the company's values or mission, one a line")
    prepare.add_argument("--company", default="", help="the company's name (used in value questions)")
    prepare.add_argument("--role", default="", help="the role you are interviewing for")
    prepare.add_argument("--json", action="store_true", help="print everything as one JSON object")
    prepare.set_defaults(run=_run_prepare)

    mock = commands.add_parser(
        "mock", help="a mock interview: a round of questions in a row, with follow-ups and a round report"
    )
    mock.add_argument(
        "--answers", nargs="+", type=Path, help="recorded answers, one per question in order (no microphone)"
    )
    mock.add_argument(
        "--questions-file", type=Path, help="the round's questions, one per line (default: the bank's choice)"
    )
    mock.add_argument(
        "--questions", type=int, default=5, help=f"how many questions ({MIN_QUESTIONS}-{MAX_QUESTIONS})"
    )
    mock.add_argument("--stage", choices=STAGES, default="second_round", help="second_round or final")
    mock.add_argument("--seconds", type=float, help="with the microphone: time limit per answer (seconds)")
    mock.add_argument("--new", action="store_true", help="start a new round even if one was left unfinished")
    mock.add_argument("--save", action="store_true", help="with --answers: keep the round in History")
    mock.add_argument("--model", help="folder of a CTranslate2 Whisper model (default: bundled tiny.en)")
    mock.add_argument(
        "--max-minutes",
        type=float,
        default=DEFAULT_MAX_SECONDS / 60,
        help="longest answer accepted (minutes)",
    )
    mock.add_argument("--json", action="store_true", help="print the round as one JSON object")
    mock.set_defaults(run=_run_mock)
    return parser


def _add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--question", help="the interview question you answered")
    parser.add_argument("--model", help="folder of a CTranslate2 Whisper model (default: bundled tiny.en)")
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=DEFAULT_MAX_SECONDS / 60,
        help="longest recording accepted (minutes)",
    )
    parser.add_argument("--json", action="store_true", help="print the analysis as one JSON object")


def _run_analyze(args: argparse.Namespace) -> int:
    store = _open_store() if args.save else None  # a damaged history is reported before the analysis
    analysis = _analyze(args.file, args)
    # Printed before saving: a failed save must not cost the candidate the analysis they waited for.
    _print_analysis(analysis, as_json=args.json)
    if store is None:
        return 0
    try:
        attempt_id = store.save_recording(
            args.question or NO_QUESTION, args.file.read_bytes(), args.file.suffix
        )
        store.save_analysis(attempt_id, analysis.to_dict())
    except (StoreError, OSError) as error:
        reason = error if isinstance(error, StoreError) else f"{args.file} cannot be read: {error.strerror}."
        print(f"rehearse: the analysis above was not saved. {reason}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(f"Saved as attempt #{attempt_id} in {store.home}.", file=sys.stderr)
    return 0


def _open_store() -> Store:
    """The store, after telling the user what opening it found (recordings without a history)."""
    store = open_store()
    if store.notice is not None:
        print(f"rehearse: {store.notice}", file=sys.stderr)
    return store


def _run_history(args: argparse.Namespace) -> int:
    store = _open_store()
    attempts = store.list_attempts(args.question)
    if args.json:
        rounds = store.list_rounds() if args.question is None else []
        print(json.dumps(progress.history_dict(attempts, rounds), ensure_ascii=False))
    else:
        print(progress.format_history(attempts))
    return 0


def _run_compare(args: argparse.Namespace) -> int:
    store = _open_store()
    comparison = progress.compare(store.get_attempt(args.first), store.get_attempt(args.second))
    if args.json:
        print(json.dumps(comparison.to_dict(), ensure_ascii=False))
    else:
        print(progress.format_comparison(comparison))
    return 0


def _run_export(args: argparse.Namespace) -> int:
    store = _open_store()
    if args.format == "csv":
        attempts = [store.get_attempt(args.id)] if args.id is not None else store.list_attempts()[::-1]
        text = progress.attempts_csv(attempts)
    elif args.id is None:
        raise ParameterError(
            f"Exporting as {args.format} needs --id: the attempt number (see rehearse history)."
        )
    elif args.format == "json":
        text = progress.attempt_json(store.get_attempt(args.id)) + "\n"
    else:
        text = progress.attempt_markdown(store.get_attempt(args.id))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ParameterError(f"{args.out} cannot be written: {error.strerror}.") from error
    print(f"Wrote {args.out}", file=sys.stderr)
    return 0


def _run_prepare(args: argparse.Namespace) -> int:
    from rehearse.preparation.documents import read_document_file
    from rehearse.preparation.interview import Interview
    from rehearse.preparation.plan import prepare

    job_description = read_document_file(args.job_description)
    values_text = read_document_file(args.values, what="list of values") if args.values else ""
    interview = Interview(
        company=args.company or "the company",
        role=args.role,
        job_description=job_description,
        values_text=values_text,
    )
    preparation = prepare(interview)
    if args.json:
        print(json.dumps(preparation.to_dict(), ensure_ascii=False))
        return 0
    print(f"Requirements ({len(preparation.requirements)}):")
    for requirement in preparation.requirements:
        print(f"  - {requirement.text}\n      from: {requirement.evidence}")
    if preparation.values:
        print("\nValues:")
        for value in preparation.values:
            print(f"  - {value.name}")
    print("\nQuestions to rehearse:")
    for question in preparation.questions:
        aim = question.requirement or question.value
        print(f"  [{question.kind}] {question.text}" + (f"  ({aim})" if aim else ""))
    return 0


def _run_record(args: argparse.Namespace) -> int:
    from rehearse.speech.record import record

    out = args.out or Path(time.strftime("answer-%Y%m%d-%H%M%S.wav"))
    stop = threading.Event()
    if args.seconds is None:
        print("Recording: answer now, press Enter to stop.", file=sys.stderr)
        threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    else:
        print(f"Recording for {args.seconds:g} s (press Ctrl+C to cancel).", file=sys.stderr)
    record(out, seconds=args.seconds, stop=stop, on_level=_show_level)
    print(f"\nSaved {out}", file=sys.stderr)
    analysis = _analyze(out, args)
    _print_analysis(analysis, as_json=args.json)
    return 0


def _run_data(args: argparse.Namespace) -> int:
    store = _open_store()
    count = len(store.list_attempts())
    if not args.delete_all:
        print(f"{count} attempts in {store.home}")
        print(f"  recordings: {store.audio_dir}\n  history:    {store.database_path}")
        return 0
    question = (
        f"Delete all {count} attempts and their recordings in {store.home}? This cannot be undone."
        " Type yes to confirm: "
    )
    if not args.yes and not _confirmed(question):
        print("rehearse: nothing was deleted.", file=sys.stderr)
        return 1
    deleted = store.delete_all()
    print(f"Deleted {deleted} attempts, their recordings and the history from {store.home}.")
    return 0


def _confirmed(question: str) -> bool:
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def _show_level(elapsed_s: float, level_dbfs: float) -> None:
    bars = max(0, min(30, int((level_dbfs + 60) / 2)))
    sys.stderr.write(f"\r  {int(elapsed_s) // 60}:{int(elapsed_s) % 60:02d}  [{'#' * bars:<30}] ")
    sys.stderr.flush()


def _analyze(path: Path, args: argparse.Namespace) -> Analysis:
    return analyze_file(path, question=args.question, options=_options(args), progress=_show_progress)


def _options(args: argparse.Namespace) -> AnalysisOptions:
    model_path = str(resolve_model_path(args.model))
    return AnalysisOptions(
        transcribe=replace(TranscribeOptions(), model_path=model_path), max_seconds=args.max_minutes * 60
    )


def _run_mock(args: argparse.Namespace) -> int:
    if args.answers:
        return _run_mock_files(args)
    return _run_mock_interactive(args)


def _round_questions(args: argparse.Namespace, count: int) -> tuple[Question, ...]:
    if args.questions_file is None:
        return choose_round(RoundOptions(stage=args.stage, question_count=count))
    try:
        lines = args.questions_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not a text file"
        raise ParameterError(f"The questions file {args.questions_file} cannot be read: {reason}.") from error
    questions = questions_from_lines(lines)
    if not questions:
        raise ParameterError(
            f"The questions file {args.questions_file} is empty: write one question per line."
        )
    return questions


def _run_mock_files(args: argparse.Namespace) -> int:
    if len(args.answers) > MAX_QUESTIONS:
        raise ParameterError(
            f"A round has at most {MAX_QUESTIONS} questions; {len(args.answers)} answers were given."
        )
    questions = _round_questions(args, max(MIN_QUESTIONS, len(args.answers)))
    if len(args.answers) > len(questions):
        raise ParameterError(
            f"{len(args.answers)} answers were given but {args.questions_file} holds {len(questions)} questions:"
            " give one question per answer."
        )
    options = _options(args)
    store = _open_store() if args.save else None
    round_id = None if store is None else store.start_round(args.stage, [q.text for q in questions])
    answers = []
    for position, (path, question) in enumerate(zip(args.answers, questions, strict=False)):
        attempt_id = None
        if store is not None and round_id is not None:
            attempt_id = store.save_round_recording(round_id, position, _read(path), path.suffix)
        try:
            analysis = analyze_file(path, question=question.text, options=options).to_dict()
        except RehearseError as error:
            if store is not None and attempt_id is not None:
                store.save_failure(attempt_id, str(error))
            raise
        follow_up = follow_up_for(analysis)
        if store is not None and round_id is not None and attempt_id is not None:
            store.save_analysis(attempt_id, analysis)
            store.set_follow_up(round_id, position, follow_up)
        answers.append(RoundAnswer(question.text, analysis, follow_up))
    report = round_report(answers)
    compared: tuple[str, ...] = ()
    if store is not None and round_id is not None:
        if len(answers) == len(questions):
            store.finish_round(round_id)
        compared = compare_with_previous(report, previous_reports(store, round_id))
    _print_round(args, answers, report, round_id=round_id, compared=compared)
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ParameterError(f"The answer {path} cannot be read: {error.strerror}.") from error


def _run_mock_interactive(args: argparse.Namespace) -> int:
    from rehearse.speech.record import record

    store = _open_store()
    options = _options(args)
    mock_round = None if args.new else store.unfinished_round()
    if mock_round is None:
        questions = _round_questions(args, args.questions)
        mock_round = store.get_round(store.start_round(args.stage, [q.text for q in questions]))
    elif mock_round.next_position is not None:
        print(
            f"Resuming round #{mock_round.id} at question {mock_round.next_position + 1} of"
            f" {len(mock_round.questions)} (start a new one with --new).",
            file=sys.stderr,
        )
    with ThreadPoolExecutor(max_workers=1) as analyses, tempfile.TemporaryDirectory() as folder:
        # Analyses cut off last time (a closed terminal) run again first.
        pending = [
            analyses.submit(analyse_stored_answer, store, attempt.id, options=options)
            for attempt in mock_round.attempts
            if attempt.status == "recorded"
        ]
        while (position := mock_round.next_position) is not None:
            follow_up = mock_round.follow_ups[position] if mock_round.answer(position) else None
            question = follow_up or mock_round.questions[position]
            label = "Follow-up" if follow_up else f"Question {position + 1} of {len(mock_round.questions)}"
            print(f"\n{label}: {question}", file=sys.stderr)
            if args.seconds is None:
                print("Answer now; press Enter when you have finished.", file=sys.stderr)
            else:
                print(
                    f"Answer now: you have {args.seconds:g} s (press Enter to finish early).", file=sys.stderr
                )
            stop = threading.Event()
            # Enter stops the answer; a closed input (no terminal) leaves it to the time limit.
            threading.Thread(
                target=lambda stop=stop: sys.stdin.readline() and stop.set(), daemon=True
            ).start()
            live = LiveTranscript(
                options=replace(LIVE_TRANSCRIBE_OPTIONS, model_path=options.transcribe.model_path)
            )
            path = record(
                Path(folder) / f"answer-{position}.wav",
                seconds=args.seconds,
                stop=stop,
                on_level=_show_level,
                on_samples=live.add,
            )
            attempt_id = store.save_round_recording(
                mock_round.id, position, path.read_bytes(), ".wav", follow_up=follow_up
            )
            if follow_up is None:
                store.set_follow_up(mock_round.id, position, _live_follow_up(live, question, options))
            pending.append(analyses.submit(analyse_stored_answer, store, attempt_id, options=options))
            waiting = sum(not future.done() for future in pending)
            print(f"\n{waiting} answer{'s' if waiting != 1 else ''} still being analysed.", file=sys.stderr)
            mock_round = store.get_round(mock_round.id)
        for future in pending:
            future.result()
    store.finish_round(mock_round.id)
    mock_round = store.get_round(mock_round.id)
    answers, report, compared = stored_round_report(store, mock_round)
    _print_round(args, answers, report, round_id=mock_round.id, compared=compared, stage=mock_round.stage)
    return 0


def _live_follow_up(live: LiveTranscript, question: str, options: AnalysisOptions) -> str | None:
    """The follow-up decided from the answer transcribed while it was spoken; none without words
    (the full analysis then says why)."""
    try:
        transcript = live.finish()
    except NoSpeechError:
        return None
    return follow_up_for(analyze_transcript(transcript, question=question, options=options).to_dict())


def _print_round(
    args: argparse.Namespace,
    answers: list[RoundAnswer],
    report: RoundReport,
    *,
    round_id: int | None,
    compared: tuple[str, ...],
    stage: str | None = None,
) -> None:
    stage = stage or args.stage
    if args.json:
        print(
            json.dumps(
                round_json(stage, answers, report, round_id=round_id, compared=compared), ensure_ascii=False
            )
        )
    else:
        print(format_round(STAGE_NAMES[stage], report, compared))


def _show_progress(stage: str, fraction: float) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{stage.capitalize():<13} {fraction:4.0%}")
        if stage == "analysing" and fraction >= 1.0:
            sys.stderr.write("\r" + " " * 20 + "\r")
        sys.stderr.flush()


def _print_analysis(analysis: Analysis, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(analysis.to_dict(), ensure_ascii=False))
        return
    from rehearse.analysis.report import format_report

    print(format_report(analysis))


if __name__ == "__main__":
    sys.exit(main())
