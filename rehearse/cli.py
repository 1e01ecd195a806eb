"""``rehearse``: analyse or record a spoken interview answer from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rehearse.analysis.analysis import Analysis, AnalysisOptions, analyze_file
from rehearse.errors import ParameterError, RehearseError, StoreError
from rehearse.history import progress
from rehearse.history.store import Store, open_store
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
    model_path = str(resolve_model_path(args.model))
    options = AnalysisOptions(
        transcribe=replace(TranscribeOptions(), model_path=model_path), max_seconds=args.max_minutes * 60
    )
    return analyze_file(path, question=args.question, options=options, progress=_show_progress)


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
