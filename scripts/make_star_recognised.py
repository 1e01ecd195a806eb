"""The STAR corpus as the analyzer really reads it: each answer spoken by a synthetic voice and
written back by the engine's recogniser (tiny.en), with the labels carried over word by word.

    python scripts/make_star_recognised.py A B C D E [--first N] [--hard-again] [--cpu-threads 1]

Writes ``eval/star/recognised-<part>.jsonl`` in the corpus format. The training parts and C (the
untouched test) are spoken by different espeak-ng voices, so no voice is in both; ``--hard-again``
adds a second version of each answer (of the first N) in a hard training voice. Words the
recogniser changed take the label of the nearest written word it kept, so a clause of the result
keeps its label even when its first word was misheard. Dev tooling: 2-4 s per answer on one
thread of a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys

import numpy as np

from rehearse.errors import NoSpeechError
from rehearse.evaluation.star_evaluation import CORPUS_DIR
from rehearse.speech.audio import SAMPLE_RATE, Audio
from rehearse.speech.transcribe import TranscribeOptions, transcribe

# (voice, words per minute); training and test voices never overlap. The "hard" training voices
# are ones tiny.en often mishears (word error rate 0.3-0.6 on a corpus answer, against about 0.1 for
# the first six), so the model learns from run-ons and misheard words; they come from the audio sets
# already measured (fresh, unseen, final, heldout), never from a blind one.
HARD_VOICES = [
    ("en-us+belinda", 175), ("en-gb-scotland+m4", 160), ("en-029", 160),
    ("en-gb-scotland+f3", 165), ("en-us+Annie", 180), ("en-us-nyc+m2", 170),
]  # fmt: skip
VOICES = {
    "train": [
        ("en-us", 165), ("en-gb", 150), ("en-gb-x-rp+m3", 175), ("en-us+f3", 155),
        ("en-gb-scotland", 160), ("en-029+m2", 145), *HARD_VOICES,
    ],
    "test": [("en-gb-x-gbclan", 160), ("en-us+f2", 170), ("en-gb-x-gbcwmd+m4", 150), ("en-us+m7", 180)],
}  # fmt: skip


def speak(text: str, voice: str, words_per_minute: int) -> Audio:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    # espeak-ng writes 22.05 kHz 16-bit mono WAV; ffmpeg turns it into the engine's 16 kHz floats.
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            "pipe:0",
            "-f",
            "f32le",
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "pipe:1",
        ],
        input=wav,
        check=True,
        capture_output=True,
    ).stdout
    return Audio(np.frombuffer(raw, dtype=np.float32).copy())


def normal(word: str) -> str:
    return re.sub(r"[^a-z0-9']", "", word.lower())


def carried_labels(written: list[tuple[str, str]], heard: list[str]) -> list[str]:
    """A label for every heard word: the label of the written word it matches, else the nearest kept one."""
    matcher = difflib.SequenceMatcher(
        a=[normal(word) for word, _ in written], b=[normal(word) for word in heard], autojunk=False
    )
    labels: list[str | None] = [None] * len(heard)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            labels[block.b + offset] = written[block.a + offset][1]
    for opcode, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if opcode in ("replace", "insert"):
            # A misheard stretch takes the label of the written words it replaced, else of the words before.
            source = [label for _, label in written[a_start:a_end]]
            for index in range(b_start, b_end):
                if source:
                    labels[index] = source[
                        min(len(source) - 1, (index - b_start) * len(source) // max(1, b_end - b_start))
                    ]
    last = next((label for label in labels if label is not None), "none")
    for index, label in enumerate(labels):
        last = labels[index] = label or last
    return [label or "none" for label in labels]


def recognised(record: dict, voice: str, words_per_minute: int, *, cpu_threads: int = 0) -> dict | None:
    text = " ".join(clause["text"] for clause in record["clauses"])
    written = [(word, clause["label"]) for clause in record["clauses"] for word in clause["text"].split()]
    try:
        transcript, _ = transcribe(
            speak(text, voice, words_per_minute), options=TranscribeOptions(cpu_threads=cpu_threads)
        )
    except NoSpeechError:
        return None
    heard = [word.text.strip() for word in transcript.words if word.text.strip()]
    clauses: list[dict] = []
    for word, label in zip(heard, carried_labels(written, heard), strict=True):
        if clauses and clauses[-1]["label"] == label:
            clauses[-1]["text"] += " " + word
        else:
            clauses.append({"text": word, "label": label})
    labels = {clause["label"] for clause in clauses}
    return {
        **record,
        "voice": f"espeak:{voice}",
        "words_per_minute": words_per_minute,
        # A story whose only action the recogniser lost is still the story that was told.
        "example_present": record["example_present"],
        "clauses": clauses,
        "labels_heard": sorted(labels),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("parts", nargs="+", help="corpus parts, e.g. A B C")
    parser.add_argument("--first", type=int, help="only the first N answers of each part")
    parser.add_argument(
        "--hard-again",
        action="store_true",
        help="add a second version of each answer, spoken by a hard training voice",
    )
    parser.add_argument(
        "--cpu-threads", type=int, default=0, help="the recogniser's thread count (0: its default)"
    )
    args = parser.parse_args()
    for part in args.parts:
        voices = VOICES["test" if part == "C" else "train"]
        records = [
            json.loads(line) for line in (CORPUS_DIR / f"part-{part}.jsonl").read_text().splitlines() if line
        ]
        out = CORPUS_DIR / f"recognised-{part}.jsonl"
        # Answers already written are kept, so an interrupted run goes on where it stopped.
        done = (
            {(record["id"], record["voice"]) for record in map(json.loads, out.read_text().splitlines())}
            if out.is_file()
            else set()
        )
        heard = {answer_id for answer_id, _ in done}
        with out.open("a", encoding="utf-8") as file:
            for index, record in enumerate(records[: args.first]):
                voice, words_per_minute = (
                    HARD_VOICES[index % len(HARD_VOICES)] if args.hard_again else voices[index % len(voices)]
                )
                if (record["id"], f"espeak:{voice}") in done or (
                    record["id"] in heard and not args.hard_again
                ):
                    continue
                result = recognised(record, voice, words_per_minute, cpu_threads=args.cpu_threads)
                if result is not None:
                    file.write(json.dumps(result, ensure_ascii=False) + "\n")
                    file.flush()
                print(f"\r{part}: {index + 1}/{len(records)}", end="", file=sys.stderr, flush=True)
        print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
