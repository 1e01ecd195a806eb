"""Speed and memory of the whole engine against its targets: ``python -m rehearse.evaluation.bench``.

For answers of 30 s, 2 min and 5 min (spoken by espeak-ng into a temporary folder, or ``--audio`` files)
each measurement runs in a fresh process: a first analysis (imports and model loads included), a later
one, and plain faster-whisper on the same audio with the same model as the baseline. Then the web app's
cold start is timed. Timings are wall-clock seconds on this machine, so run it on an otherwise idle one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from rehearse.speech.transcript import Transcript

DEFAULT_LENGTHS_S = (30.0, 120.0, 300.0)
ROOT = Path(__file__).resolve().parents[2]
APP_TIMEOUT_S = 120.0

# Targets of the issue "Voice delivery and speed".
TARGET_REALTIME_FACTOR = 0.12  # end-to-end of a 2-minute answer, as a share of its duration
TARGET_BASELINE_RATIO = 1.3  # end-to-end against plain faster-whisper transcription
TARGET_DELIVERY_S_PER_MIN = 0.5
# The vocal-filler detector (the "hesitation" stage) on top of transcription (issue 14).
TARGET_FILLER_DETECTOR_S_PER_MIN = 0.3
TARGET_PEAK_RSS_MB = 1500.0
TARGET_FIRST_EXTRA_S = 3.0
TARGET_LENGTH_S = 120.0
# Target of the issue "Mock interview": the follow-up within 3 s of the end of a 90 s answer.
TARGET_FOLLOW_UP_S = 3.0
FOLLOW_UP_ANSWER_S = 90.0
# The microphone delivers a block every 0.1 s; the live transcript is fed the same way.
_MICROPHONE_BLOCK_S = 0.1

# Several stories so Whisper does not meet the same sentence again and again.
_STORIES = (
    "In my last role I led a team of five engineers. We had a deadline that was slipping, so I broke the "
    "project into weekly milestones and met each engineer every Monday. As a result we shipped two weeks "
    "early and cut support tickets by thirty percent.",
    "Last year our release process took two full days. My task was to make it faster. I automated the test "
    "runs, wrote a checklist for the team and moved the approvals into one meeting. Releases now take three "
    "hours, and nobody works late on release day any more.",
    "When a large customer threatened to leave, I was asked to find out why. I read six months of their "
    "tickets, called their operations manager and found that invoices were arriving late. I fixed the "
    "billing job with finance, and the customer renewed for three more years.",
    "At the start of the pandemic our office moved online in a week. I set up the video calls, wrote a short "
    "guide for everyone and ran daily question sessions. Within a month the whole team worked from home "
    "without losing a single client meeting.",
)
# espeak-ng speaks about 2.9 words per second at its default rate; a margin keeps every answer long enough.
_WORDS_PER_SECOND = 3.3


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure), python_peak=args.tracemalloc, warm_up=args.warm_up)))
        return 0
    if args.measure_follow_up:
        print(json.dumps(measure_follow_up(Path(args.measure_follow_up))))
        return 0
    if args.measure_preparation:
        print(json.dumps(measure_preparation()))
        return 0
    print(machine_summary())
    if args.preparation_only:
        print(preparation_line(_in_fresh_process("Timing the preparation", "--measure-preparation")))
        return 0
    if args.follow_up_only:
        with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as folder:
            print(follow_up_line(_follow_up_in_fresh_process(Path(folder))))
        return 0
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as folder:
        answers = [Path(path) for path in args.audio] or [
            speak_answer(Path(folder) / f"answer-{seconds:g}s.wav", seconds) for seconds in args.lengths
        ]
        results = [_measure_in_fresh_process(path, python_peak=args.tracemalloc) for path in answers]
        for path, result in zip(answers, results, strict=True):
            print()
            print(answer_table(path.name, result))
        warmed = _measure_in_fresh_process(answers[0], python_peak=False, warm_up=True)
        print()
        print(warmed_line(answers[0].name, warmed))
        follow_up = _follow_up_in_fresh_process(Path(folder))
        print()
        print(follow_up_line(follow_up))
        print()
        print(preparation_line(_in_fresh_process("Timing the preparation", "--measure-preparation")))
        app = measure_app(ROOT, Path(folder)) if (ROOT / "app.py").is_file() and not args.no_app else None
    print()
    print(targets_table(results, warmed, app, follow_up=follow_up))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rehearse.evaluation.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--audio", nargs="+", default=[], metavar="FILE", help="answers to time instead")
    parser.add_argument(
        "--lengths",
        nargs="+",
        type=float,
        default=list(DEFAULT_LENGTHS_S),
        metavar="SECONDS",
        help="lengths of the generated answers (default: 30 120 300)",
    )
    parser.add_argument("--no-app", action="store_true", help="skip the web app's cold start")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure Python's own peak allocations (slower)"
    )
    # The fresh worker process, and whether it warms the delivery analyzer up first as the app does.
    parser.add_argument(
        "--follow-up-only",
        action="store_true",
        help="only time the mock interview's follow-up after a 90 s answer",
    )
    parser.add_argument(
        "--preparation-only",
        action="store_true",
        help="only time preparing for an interview (requirements from a job description, answer links)",
    )
    parser.add_argument("--measure", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--measure-preparation", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure-follow-up", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--warm-up", action="store_true", help=argparse.SUPPRESS)
    return parser


def machine_summary() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} cores, {cpu_model()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average {load} (timings assume an idle machine)"
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def answer_text(seconds: float) -> str:
    """Enough story sentences for espeak-ng to talk for at least ``seconds``."""
    words: list[str] = []
    story = 0
    while len(words) < seconds * _WORDS_PER_SECOND:
        words.extend(_STORIES[story % len(_STORIES)].split())
        story += 1
    return " ".join(words)


def speak_answer(path: Path, seconds: float) -> Path:
    """Write a ``seconds``-long spoken answer (16 kHz WAV) to ``path`` with espeak-ng."""
    from rehearse.speech.audio import SAMPLE_RATE, load_audio
    from rehearse.speech.record import write_wav

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        sys.exit(
            "espeak-ng is needed to generate answers (apt-get install espeak-ng), or pass --audio FILE..."
        )
    spoken = path.with_suffix(".espeak.wav")
    subprocess.run([espeak, "-w", str(spoken), answer_text(seconds)], check=True)
    samples = load_audio(spoken, max_seconds=seconds * 3 + 60).samples
    spoken.unlink()
    if len(samples) < seconds * SAMPLE_RATE:
        sys.exit(f"espeak-ng spoke for only {len(samples) / SAMPLE_RATE:.1f} s of the {seconds:g} s asked.")
    samples = samples[: int(seconds * SAMPLE_RATE)]
    write_wav(path, samples)
    return path


def measure(path: Path, *, python_peak: bool = False, warm_up: bool = False) -> dict[str, object]:
    """Run in a fresh process: first and later analysis of ``path``, storing it, and the baseline.

    ``warm_up`` first runs ``rehearse.analysis.analysis.warm_up()``, as the app does in the background at start-up.
    """
    started = time.perf_counter()
    import rehearse.analysis.analysis  # noqa: F401  (timed: the imports a fresh process pays before analysing)
    from rehearse.speech.audio import load_audio

    imports_s = time.perf_counter() - started
    warm_up_s = _warm_up_seconds() if warm_up else None
    first_s, first_stages = _timed_analysis(path)
    cpu_started = time.process_time()
    later_s, later_stages = _timed_analysis(path)
    later_cpu_s = time.process_time() - cpu_started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result: dict[str, object] = {
        "duration_s": load_audio(path).duration_s,
        "imports_s": imports_s,
        "warm_up_s": warm_up_s,
        "first_s": first_s,
        "first_stages": first_stages,
        "later_s": later_s,
        "later_cpu_s": later_cpu_s,
        "stages": later_stages,
        "peak_rss_mb": peak_rss_mb,
    }
    result["baseline_s"], result["baseline_cpu_s"] = _baseline_seconds(path)
    if python_peak:
        tracemalloc.start()
        _timed_analysis(path)
        result["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def measure_follow_up(path: Path) -> dict[str, object]:
    """Run in a fresh process: seconds from the end of an answer to its follow-up question.

    The answer is fed to the live transcript in microphone-sized blocks. While the candidate speaks,
    the finished chunks are transcribed in the background; the time that takes (``chunks_s``) is
    reported to show it keeps up with speech. Then the clock runs from the answer's end: the last
    chunk, the transcript-only analysis and the decision (``after_end_s``). ``whole_s`` is the same
    decision as the app makes it with a recording it only receives when the answer is over: the whole
    recording transcribed after the end, its two halves at once.
    """
    from rehearse.analysis.analysis import analyze_transcript
    from rehearse.analysis.example import load_language_model
    from rehearse.mock.follow_up import decide_follow_up
    from rehearse.mock.live import LiveTranscript
    from rehearse.mock.runner import follow_up_after_recording
    from rehearse.speech.audio import load_audio
    from rehearse.speech.transcribe import load_model, resolve_model_path

    audio = load_audio(path)
    load_model(str(resolve_model_path()))
    load_model(str(resolve_model_path()), 1)  # the halves' model, which the Mock interview page warms
    load_language_model()
    question = "Tell me about a time you improved a process."
    live = LiveTranscript()
    block = int(_MICROPHONE_BLOCK_S * audio.sample_rate)
    started = time.perf_counter()
    for first in range(0, len(audio.samples), block):
        live.add(audio.samples[first : first + block])
    while live.chunks_waiting:
        time.sleep(0.01)
    chunks_s = time.perf_counter() - started
    started = time.perf_counter()
    transcript = live.finish()
    tail_s = time.perf_counter() - started
    follow_up = decide_follow_up(analyze_transcript(transcript, question=question).to_dict())
    after_end_s = time.perf_counter() - started
    started = time.perf_counter()
    follow_up_after_recording(path, question=question)
    whole_s = time.perf_counter() - started
    return {
        "duration_s": audio.duration_s,
        "chunks_s": chunks_s,
        "tail_s": tail_s,
        "after_end_s": after_end_s,
        "whole_s": whole_s,
        "follow_up": follow_up,
        "load_average": os.getloadavg()[0],
    }


def _follow_up_in_fresh_process(folder: Path) -> dict[str, object]:
    path = speak_answer(folder / f"answer-{FOLLOW_UP_ANSWER_S:g}s.wav", FOLLOW_UP_ANSWER_S)
    return _in_fresh_process("Timing the follow-up", "--measure-follow-up", str(path))


def follow_up_line(result: dict[str, object]) -> str:
    return (
        f"Mock interview follow-up after a {float(result['duration_s']):.0f} s answer:"
        f" {float(result['after_end_s']):.2f} s after its end (last chunk {float(result['tail_s']):.2f} s;"
        f" the earlier chunks took {float(result['chunks_s']):.2f} s while it was spoken); from the whole"
        f" recording after its end, both halves at once, as the app does: {float(result['whole_s']):.2f} s"
        f" (load average {float(result['load_average']):.1f})"
    )


def measure_preparation(job_id: str = "nursing", other_job_id: str = "software") -> dict[str, object]:
    """Run in a fresh process: the Prepare page's work on a labelled job description of eval/jobs/:
    loading the models and finding its requirements, then another's (whose sentences were not parsed
    yet), and linking the first one's labelled answers to its requirements (each answer once, as the
    coverage matrix does before it remembers the embeddings)."""
    from rehearse.evaluation.preparation_evaluation import JOBS_DIR, load_labels
    from rehearse.preparation.coverage import link_answer
    from rehearse.preparation.requirements import extract_requirements

    text = (JOBS_DIR / f"{job_id}.txt").read_text(encoding="utf-8")
    answers = [answer["text"] for answer in load_labels()["answers"] if answer["job"] == job_id]
    started = time.perf_counter()
    requirements = extract_requirements(text)
    first_extraction_s = time.perf_counter() - started
    started = time.perf_counter()
    extract_requirements((JOBS_DIR / f"{other_job_id}.txt").read_text(encoding="utf-8"))
    extraction_s = time.perf_counter() - started
    started = time.perf_counter()
    link_answer(answers[0], requirements, [])
    first_link_s = time.perf_counter() - started
    started = time.perf_counter()
    for answer in answers[1:]:
        link_answer(answer, requirements, [])
    link_s = (time.perf_counter() - started) / (len(answers) - 1)
    return {
        "job": job_id,
        "requirements": len(requirements),
        "first_extraction_s": first_extraction_s,
        "extraction_s": extraction_s,
        "first_link_s": first_link_s,
        "link_s": link_s,
        "words_per_answer": sum(len(answer.split()) for answer in answers) / len(answers),
    }


def preparation_line(result: dict[str, object]) -> str:
    return (
        f"Prepare ({result['job']} job description, {result['requirements']} requirements): the first"
        f" extraction {float(result['first_extraction_s']):.2f} s (models loaded), another posting's"
        f" {float(result['extraction_s']):.2f} s; the first answer linked {float(result['first_link_s']):.2f} s"
        f" (sentence model loaded), a later one {float(result['link_s']):.2f} s"
        f" ({float(result['words_per_answer']):.0f} words an answer)"
    )


def _in_fresh_process(what: str, *arguments: str) -> dict[str, object]:
    """The JSON a hidden ``--measure…`` option of this module prints, run in a fresh process."""
    command = [sys.executable, "-m", "rehearse.evaluation.bench", *arguments]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"{what} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _warm_up_seconds() -> float:
    from rehearse.analysis.analysis import warm_up

    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


def _timed_analysis(path: Path) -> tuple[float, dict[str, float]]:
    """Wall time of one whole analysis and of its stages; stages the engine does not run yet are added."""
    from rehearse.analysis.analysis import analyze_file

    started = time.perf_counter()
    analysis = analyze_file(path)
    elapsed = time.perf_counter() - started
    stages = dict(analysis.timings_s)
    if "delivery" not in stages:
        stages["delivery"] = _delivery_seconds(path, analysis.transcript)
        elapsed += stages["delivery"]
    store_s = _store_seconds(path, analysis.to_dict())
    if store_s is not None:
        stages["store"] = store_s
        elapsed += store_s
    return elapsed, stages


def _delivery_seconds(path: Path, transcript: Transcript) -> float:
    from rehearse.analysis.delivery import analyze_delivery
    from rehearse.speech.audio import load_audio

    audio = load_audio(path)
    started = time.perf_counter()
    analyze_delivery(audio, transcript)
    return time.perf_counter() - started


def _store_seconds(path: Path, analysis: dict[str, object]) -> float | None:
    try:
        from rehearse.history.store import open_store
    except ImportError:
        return None
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-store-") as home:
        started = time.perf_counter()
        store = open_store(home)
        attempt_id = store.save_recording(
            "Tell me about a time you improved a process.", path.read_bytes(), path.suffix
        )
        store.save_analysis(attempt_id, analysis)
        return time.perf_counter() - started


def _baseline_seconds(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of plain faster-whisper (default settings) on the same samples and model."""
    from faster_whisper import WhisperModel

    from rehearse.speech.audio import load_audio
    from rehearse.speech.transcribe import resolve_model_path

    model = WhisperModel(str(resolve_model_path()), device="cpu", compute_type="int8")
    samples = load_audio(path).samples
    started, cpu_started = time.perf_counter(), time.process_time()
    segments, _info = model.transcribe(samples, word_timestamps=False)
    for _segment in segments:  # transcription happens while the segments are read
        pass
    return time.perf_counter() - started, time.process_time() - cpu_started


def _measure_in_fresh_process(path: Path, *, python_peak: bool, warm_up: bool = False) -> dict[str, object]:
    flags = ["--tracemalloc"] * python_peak + ["--warm-up"] * warm_up
    return _in_fresh_process(f"Measuring {path.name}", "--measure", str(path), *flags)


def measure_app(root: Path, home: Path) -> dict[str, float]:
    """Seconds from ``streamlit run app.py`` until its health check answers and its page is served."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    environment = {**os.environ, "REHEARSE_HOME": str(home / "app-home")}
    started = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        health_s = _wait_for(f"http://127.0.0.1:{port}/_stcore/health", started, server)
        page_s = _wait_for(f"http://127.0.0.1:{port}/", started, server, must_contain="<html")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"health_s": health_s, "page_s": page_s}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, started: float, server: subprocess.Popen, *, must_contain: str = "") -> float:
    while time.perf_counter() - started < APP_TIMEOUT_S:
        if server.poll() is not None:
            sys.exit(f"The app exited with status {server.returncode} before serving {url}.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and must_contain in response.read().decode("utf-8", "replace"):
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    sys.exit(f"The app did not serve {url} within {APP_TIMEOUT_S:g} s.")


def answer_table(name: str, result: dict[str, object]) -> str:
    duration_s = float(result["duration_s"])
    minutes = duration_s / 60
    stages: dict[str, float] = result["stages"]  # type: ignore[assignment]
    first_stages: dict[str, float] = result["first_stages"]  # type: ignore[assignment]
    later_s, first_s, baseline_s = (
        float(result["later_s"]),
        float(result["first_s"]),
        float(result["baseline_s"]),
    )
    lines = [
        f"{name}: {duration_s:.1f} s of audio",
        f"  {'stage':<22}{'later (s)':>10}{'s per min':>11}{'first (s)':>11}",
    ]
    lines += [
        f"  {stage:<22}{seconds:>10.3f}{seconds / minutes:>11.3f}{first_stages.get(stage, float('nan')):>11.3f}"
        for stage, seconds in stages.items()
    ]
    lines += [
        f"  {'end to end':<22}{later_s:>10.3f}{later_s / minutes:>11.3f}{first_s:>11.3f}"
        f"   later = {later_s / duration_s:.3f} x duration",
        f"  {'faster-whisper alone':<22}{baseline_s:>10.3f}{baseline_s / minutes:>11.3f}{'':>11}"
        f"   project / baseline = {later_s / baseline_s:.2f}",
        f"  first analysis in a fresh process is {first_s - later_s:+.2f} s slower "
        f"(the imports before it took {float(result['imports_s']):.2f} s more)",
        f"  CPU seconds (all threads): project {float(result['later_cpu_s']):.1f}, "
        f"faster-whisper alone {float(result['baseline_cpu_s']):.1f}",
        f"  peak memory (RSS high-water mark): {float(result['peak_rss_mb']):.0f} MB",
    ]
    if "python_peak_mb" in result:
        lines.append(f"  peak Python allocations (tracemalloc): {float(result['python_peak_mb']):.0f} MB")
    return "\n".join(lines)


def warmed_line(name: str, result: dict[str, object]) -> str:
    return (
        f"{name} again in a fresh process that first ran analysis.warm_up() ({float(result['warm_up_s']):.2f} s, "
        f"as the app does at start-up): first analysis {float(result['first_s']) - float(result['later_s']):+.2f} s "
        "slower than a later one"
    )


def targets_table(
    results: list[dict[str, object]],
    warmed: dict[str, object],
    app: dict[str, float] | None,
    *,
    follow_up: dict[str, object] | None = None,
) -> str:
    target = min(results, key=lambda result: abs(float(result["duration_s"]) - TARGET_LENGTH_S))
    length = f"{float(target['duration_s']):.0f} s answer"
    realtime = float(target["later_s"]) / float(target["duration_s"])
    baseline_ratio = float(target["later_s"]) / float(target["baseline_s"])
    delivery = max(_delivery_per_minute(result) for result in results)
    detector = max(_stage_per_minute(result, "hesitation") for result in results)
    peak = max(float(result["peak_rss_mb"]) for result in results)
    first_extra = max(float(result["first_s"]) - float(result["later_s"]) for result in results)
    warmed_extra = float(warmed["first_s"]) - float(warmed["later_s"])
    rows = [
        (f"end to end, {length}", f"{realtime:.3f} x duration", f"<= {TARGET_REALTIME_FACTOR} x",
         realtime <= TARGET_REALTIME_FACTOR),
        (f"project / faster-whisper, {length}", f"{baseline_ratio:.2f}", f"<= {TARGET_BASELINE_RATIO}",
         baseline_ratio <= TARGET_BASELINE_RATIO),
        ("delivery, worst answer", f"{delivery:.3f} s/min", f"<= {TARGET_DELIVERY_S_PER_MIN} s/min",
         delivery <= TARGET_DELIVERY_S_PER_MIN),
        ("filler detector, worst answer", f"{detector:.3f} s/min", f"<= {TARGET_FILLER_DETECTOR_S_PER_MIN} s/min",
         detector <= TARGET_FILLER_DETECTOR_S_PER_MIN),
        ("peak memory, worst answer", f"{peak:.0f} MB", f"< {TARGET_PEAK_RSS_MB:.0f} MB", peak < TARGET_PEAK_RSS_MB),
        ("first minus later analysis", f"{first_extra:+.2f} s", f"<= {TARGET_FIRST_EXTRA_S} s",
         first_extra <= TARGET_FIRST_EXTRA_S),
        ("the same after warm_up()", f"{warmed_extra:+.2f} s", f"<= {TARGET_FIRST_EXTRA_S} s",
         warmed_extra <= TARGET_FIRST_EXTRA_S),
    ]  # fmt: skip
    if follow_up is not None:
        after_end = float(follow_up["after_end_s"])
        rows.append(
            (f"follow-up after a {float(follow_up['duration_s']):.0f} s answer", f"{after_end:.2f} s",
             f"< {TARGET_FOLLOW_UP_S:g} s", after_end < TARGET_FOLLOW_UP_S)
        )  # fmt: skip
    lines = ["Targets", f"  {'measure':<40}{'value':>18}  {'target':<16}result"]
    lines += [
        f"  {name:<40}{value:>18}  {goal:<16}{'met' if met else 'MISSED'}" for name, value, goal, met in rows
    ]
    if app is not None:
        lines.append(
            f"  app cold start: health check after {app['health_s']:.2f} s, page HTML after {app['page_s']:.2f} s"
        )
    return "\n".join(lines)


def _delivery_per_minute(result: dict[str, object]) -> float:
    return _stage_per_minute(result, "delivery")


def _stage_per_minute(result: dict[str, object], stage: str) -> float:
    stages: dict[str, float] = result["stages"]  # type: ignore[assignment]
    return stages.get(stage, 0.0) / (float(result["duration_s"]) / 60)


if __name__ == "__main__":
    raise SystemExit(main())
