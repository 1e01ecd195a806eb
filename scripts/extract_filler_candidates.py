"""Transcribe the filler corpus and real filler-free speech once, and keep what training needs (issue 14).

    .venv/bin/python scripts/extract_filler_candidates.py [--part 1/2]   (then --merge 2)

Reads ``eval/fillers/manifest.jsonl`` and ``eval/fillers/audio/`` (from ``make_filler_corpus.py``)
and the Asterisk prompts (real speech read without a single hesitation, fetched into ``eval/cache/``
as ``python -m rehearse.evaluation.sets --real`` does). Writes ``eval/fillers/candidates.jsonl.gz``
(committed): per clip its labels, the recogniser's words, the spans today's detector (the words
Whisper wrote as fillers plus ``hesitation.py``) reports, and every candidate with its features, so
``scripts/train_fillers.py`` and ``python -m rehearse.evaluation.filler_evaluation`` run without
transcribing anything.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from rehearse.analysis.filler_model import (
    FEATURE_NAMES,
    candidate_features,
    filler_spans,
    find_candidates,
)
from rehearse.analysis.hesitation import (
    HesitationOptions,
    add_hesitations,
    frame_measures,
    steady_voiced_stretches,
)
from rehearse.evaluation.filler_evaluation import CANDIDATES_PATH, CORPUS_DIR
from rehearse.evaluation.sets import fetch_asterisk, real_clips
from rehearse.speech.audio import Audio, load_audio
from rehearse.speech.transcribe import TranscribeOptions, transcribe
from rehearse.speech.transcript import Transcript, Word


def clip_record(entry: dict, audio: Audio, transcript: Transcript | None = None) -> dict:
    """The clip's transcript (made here unless given), today's detections and its candidates."""
    started = time.perf_counter()
    if transcript is None:
        transcript, _ = transcribe(audio, options=TranscribeOptions(cpu_threads=1))
    transcribe_s = entry.get("transcribe_s", time.perf_counter() - started)
    started = time.perf_counter()
    baseline = filler_spans(add_hesitations(audio, transcript))
    measures = frame_measures(audio)
    stretches = steady_voiced_stretches(audio, options=HesitationOptions(), measures=measures)
    candidates = find_candidates(transcript, measures, stretches)
    features = candidate_features(transcript, measures, candidates)
    return entry | {
        "words": [asdict(word) for word in transcript.words],
        "silences": [list(silence) for silence in transcript.silences],
        "baseline": [[round(a, 3), round(b, 3)] for a, b in baseline],
        "candidates": [
            {
                "kind": c.kind,
                "start": round(c.start, 3),
                "end": round(c.end, 3),
                "word": c.word,
                "features": [round(float(value), 4) for value in row],
            }
            for c, row in zip(candidates, features, strict=True)
        ],
        "transcribe_s": round(transcribe_s, 3),
        "features_s": round(time.perf_counter() - started, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", default="1/1", help="k/n: this process takes every n-th clip from the k-th")
    parser.add_argument("--merge", type=int, help="join the n parts' files into candidates.jsonl.gz")
    parser.add_argument(
        "--refeature",
        action="store_true",
        help="recompute the features from the stored words (no transcribing)",
    )
    args = parser.parse_args()
    if args.merge:
        merge(args.merge)
        return
    if args.refeature:
        refeature()
        return
    part, parts = (int(number) for number in args.part.split("/"))
    entries = [json.loads(line) for line in (CORPUS_DIR / "manifest.jsonl").read_text().splitlines()]
    path = part_path(part, parts)
    # Each clip is appended as it is done, so an interrupted run resumes where it stopped.
    done = {json.loads(line)["id"] for line in path.read_text().splitlines()} if path.is_file() else set()
    real = [
        ({"id": f"real{index:02d}", "family": "real", "voice": "asterisk", "condition": "real", "text": text,
          "fillers": [], "duration_s": round(audio.duration_s, 3)}, audio)
        for index, (audio, text) in enumerate(real_clips(fetch_asterisk()))
    ]  # fmt: skip
    with path.open("a", encoding="utf-8") as out:
        for index, entry in enumerate(entries + [entry for entry, _ in real]):
            if index % parts != part - 1 or entry["id"] in done:
                continue
            if entry["family"] == "real":
                audio = dict((e["id"], a) for e, a in real)[entry["id"]]
            else:
                audio = load_audio(CORPUS_DIR / "audio" / f"{entry['id']}.wav", min_seconds=0.5)
            out.write(json.dumps(clip_record(entry, audio)) + "\n")
            out.flush()
            if index % 20 == 0:
                print(f"{index}/{len(entries) + len(real)}", file=sys.stderr, flush=True)


def refeature() -> None:
    """Candidates and features again from each clip's audio and stored words, after a feature change."""
    records = load_records_of(CANDIDATES_PATH)
    real = {f"real{index:02d}": audio for index, (audio, _) in enumerate(real_clips(fetch_asterisk()))}
    updated = []
    for record in records:
        if record["family"] == "real":
            audio = real[record["id"]]
        else:
            audio = load_audio(CORPUS_DIR / "audio" / f"{record['id']}.wav", min_seconds=0.5)
        transcript = Transcript(
            words=tuple(Word(**word) for word in record["words"]),
            duration_s=audio.duration_s,
            silences=tuple(tuple(silence) for silence in record["silences"]),
        )
        entry = {
            key: value
            for key, value in record.items()
            if key not in ("words", "silences", "baseline", "candidates", "features_s")
        }
        updated.append(clip_record(entry, audio, transcript))
    write(updated)


def load_records_of(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as source:
        source.readline()
        return [json.loads(line) for line in source]


def part_path(part: int, parts: int) -> Path:
    return CORPUS_DIR / f"candidates-{part}-of-{parts}.jsonl"


def merge(parts: int) -> None:
    records = [
        json.loads(line)
        for part in range(1, parts + 1)
        for line in part_path(part, parts).read_text(encoding="utf-8").splitlines()
    ]
    write(records)


def write(records: list[dict]) -> None:
    records = sorted(records, key=lambda record: record["id"])
    with gzip.GzipFile(CANDIDATES_PATH, "wb", mtime=0) as out:
        out.write((json.dumps({"feature_names": list(FEATURE_NAMES)}) + "\n").encode("utf-8"))
        for record in records:
            out.write((json.dumps(record) + "\n").encode("utf-8"))
    print(f"{len(records)} clips -> {CANDIDATES_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
