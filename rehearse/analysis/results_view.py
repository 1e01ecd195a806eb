"""What the results page shows, computed from a stored analysis (``Analysis.to_dict()``), without Streamlit.

Everything here is plain data or HTML so it can be tested without a browser. Transcript words are
the candidate's own speech: they are always HTML-escaped before they reach the page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

import altair as alt
import pandas as pd

from rehearse.analysis.conciseness import TARGET_TOLERANCE
from rehearse.analysis.text import clock, normalize
from rehearse.evaluation.accuracy import filler_accuracy_line
from rehearse.history.store import Attempt

STAR_LABELS = {
    "situation": "Situation: where you were and what was going on",
    "task": "Task: what you had to achieve",
    "action": "Action: what you did yourself",
    "result": "Result: what changed, ideally with a number",
}
FILLER_STYLE = "background:#ffd8a8;border-radius:3px;padding:0 2px"
HEDGE_STYLE = "background:#d0ebff;border-radius:3px;padding:0 2px"
PAUSE_STYLE = "color:#c92a2a;font-weight:600;white-space:nowrap"
# Plain symbols rather than emoji: they show in every font, emoji fonts are often missing on Linux.
FOUND_MARK = "<span style='color:#2f9e44;font-weight:700'>✓</span>"
MISSING_MARK = "<span style='color:#c92a2a;font-weight:700'>✗</span>"
# Browsers need the right type to play a recording back; keyed by the suffixes the store accepts.
AUDIO_MIME_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".webm": "audio/webm",
    ".opus": "audio/ogg",
}
# Where each engine stage starts and how much of the progress bar it fills: transcription dominates.
_STAGES = {
    "decoding": (0.0, 0.05, "Decoding the recording…"),
    "transcribing": (0.05, 0.85, "Transcribing your answer on this computer…"),
    "analysing": (0.9, 0.1, "Analysing fillers, pace, length and your example…"),
}
# Word and marker times are rounded to milliseconds by the engine; this absorbs the rounding.
_TIME_TOLERANCE_S = 0.01
# What a voice that needs no work sounds like, in the words the verdict uses.
VOICE_FINE = (
    "Fine looks like: your voice rises and falls on the words that matter, stays about as loud at the "
    "end as at the start, and finishes each sentence clearly."
)


@dataclass(frozen=True)
class Headline:
    """One headline number; ``delta`` is the change since the previous attempt at the same question.

    ``delta_color`` follows ``st.metric``: "normal" shows a rise in green, "inverse" in red,
    "off" in grey. ``note`` says in words what the number means.
    """

    label: str
    value: str
    delta: str | None
    delta_color: str
    note: str


@dataclass(frozen=True)
class StarRow:
    """``missing``: the model is sure the part is absent; a part neither found nor missing is unclear."""

    part: str
    label: str
    found: bool
    evidence: str | None
    missing: bool = True


def name_their_file(message: str, stored_name: str, their_name: str | None) -> str:
    """An error about a saved recording, naming the file the candidate knows instead of the store's copy.

    The store keeps every recording as "attempt-000010.wav"; the candidate uploaded "notes.wav" (or
    recorded in the browser, and never named the file at all).
    """
    return message.replace(stored_name, f"“{their_name}”" if their_name else "Your recording")


def audio_mime(suffix: str) -> str:
    return AUDIO_MIME_TYPES[suffix.lower()]


def overall_progress(stage: str, fraction: float) -> tuple[float, str]:
    """Map the engine's progress (stage, fraction of that stage) to one bar value in [0, 1] and its label."""
    start, span, label = _STAGES[stage]
    return min(1.0, start + span * max(0.0, min(1.0, fraction))), label


def headlines(analysis: dict, *, target_seconds: float, previous: dict | None) -> list[Headline]:
    """Fillers per minute, words per minute, length against the target and STAR parts found."""
    return [
        _fillers_headline(analysis, previous),
        _pace_headline(analysis, previous),
        _length_headline(analysis, target_seconds, previous),
        _star_headline(analysis, previous),
    ]


def _fillers_headline(analysis: dict, previous: dict | None) -> Headline:
    fillers = analysis["fillers"]
    per_minute = fillers["per_minute"]
    delta = None if previous is None else f"{per_minute - previous['fillers']['per_minute']:+.1f}"
    count = fillers["count"]
    found = "None found." if count == 0 else f"{count} in total; highlighted in the transcript."
    # One short line; the page links it to the full explanation (filler_accuracy_note).
    note = f"{found} {filler_accuracy_line()}"
    # Fewer fillers is better, so a drop is shown in green.
    return Headline("Fillers per minute", f"{per_minute:.1f}", delta, "inverse", note)


def _pace_headline(analysis: dict, previous: dict | None) -> Headline:
    pacing = analysis["pacing"]
    wpm = pacing["words_per_minute"]
    slow, fast = pacing["options"]["slow_below_wpm"], pacing["options"]["fast_above_wpm"]
    note = {
        "slow": f"Slow: below {slow:g} words/min.",
        "ok": f"Comfortable: between {slow:g} and {fast:g}.",
        "fast": f"Fast: above {fast:g} words/min.",
    }[pacing["verdict"]]
    delta = None if previous is None else f"{wpm - previous['pacing']['words_per_minute']:+.0f}"
    # Faster is neither better nor worse in itself, so the change is shown without a colour.
    return Headline("Words per minute", f"{wpm:.0f}", delta, "off", note)


def length_band(analysis: dict, target_seconds: float) -> tuple[float, float, float]:
    """The target and the band (shortest, longest) the answer's length is judged against, in seconds.

    An analysis made with its question carries its own band (the one its verdict and tip used); an
    older one without it gets ``target_seconds`` widened by the default margin, as History always did.
    """
    conciseness = analysis["conciseness"]
    if conciseness.get("target_s") is not None:
        low, high = conciseness["band_s"]
        return conciseness["target_s"], low, high
    return (
        target_seconds,
        target_seconds * (1 - TARGET_TOLERANCE),
        target_seconds * (1 + TARGET_TOLERANCE),
    )


def length_verdict(duration_s: float, low: float, high: float) -> str:
    """The analyzer's own verdict ("short", "ok", "long"), for analyses that predate their band."""
    return "short" if duration_s < low else "long" if duration_s > high else "ok"


def _length_headline(analysis: dict, target_seconds: float, previous: dict | None) -> Headline:
    duration = analysis["conciseness"]["duration_s"]
    target, low, high = length_band(analysis, target_seconds)
    aim = f"aim for {clock(low)}–{clock(high)} (target {clock(target)})"
    verdict = length_verdict(duration, low, high)
    if verdict == "ok":
        note = f"On target: {aim}."
    elif verdict == "short":
        note = f"Too short by {_seconds(low - duration)}: {aim}."
    else:
        note = f"Too long by {_seconds(duration - high)}: {aim}."
    if previous is None:
        return Headline("Length", clock(duration), None, "off", note)
    change = duration - previous["conciseness"]["duration_s"]
    closer = abs(duration - target) < abs(previous["conciseness"]["duration_s"] - target)
    # Green when the answer moved towards the target, whichever direction that is.
    color = "normal" if (change > 0) == closer else "inverse"
    return Headline("Length", clock(duration), f"{change:+.0f} s", color, note)


def _seconds(amount: float) -> str:
    # Never "by 0 s": an answer just outside the band is outside it by at least a second.
    return f"{max(1, round(amount))} s"


def _star_headline(analysis: dict, previous: dict | None) -> Headline:
    found = sum(analysis["example"]["star"].values())
    expected = analysis["example"]["options"]["expect_example"]
    note = (
        "This question asks for one specific story."
        if expected
        else "Optional: this question needs no story."
    )
    delta = None if previous is None else f"{found - sum(previous['example']['star'].values()):+d}"
    return Headline("STAR parts found", f"{found} of 4", delta, "normal", note)


@dataclass(frozen=True)
class VoiceVerdict:
    """The voice in plain words: one headline, a line per thing heard (pitch, loudness, endings)."""

    headline: str
    lines: tuple[str, ...]
    fine: str = VOICE_FINE


def voice_verdict(analysis: dict) -> VoiceVerdict | None:
    """How the voice came across, without semitones or decibels; None when there was no audio."""
    delivery = analysis.get("delivery")
    if delivery is None:
        return None
    if delivery["pitch_std_semitones"] is None:
        pitch = "Rise and fall: too little clear voice to judge."
    elif delivery["monotone"]:
        pitch = "Rise and fall: flat. Your voice stays close to one note."
    else:
        pitch = "Rise and fall: lively. Your voice moves up and down as you speak."
    loudness = (
        "Loudness: fading. You get quieter towards the end."
        if delivery["fading"]
        else "Loudness: steady. About as loud at the end as at the start."
    )
    endings = delivery["sentence_endings"]
    trailing = sum(ending["trailing"] for ending in endings)
    if not endings:
        finish = "Sentence endings: too few sentences to judge."
    elif delivery["trailing_off"]:
        finish = f"Sentence endings: {trailing} of {len(endings)} fade away on their last words."
    else:
        finish = "Sentence endings: firm. Your sentences finish clearly."
    problems = len(delivery["findings"])
    headline = (
        "Your voice sounds fine: nothing to change."
        if problems == 0
        else "One thing to work on in your voice."
        if problems == 1
        else f"{problems} things to work on in your voice."
    )
    return VoiceVerdict(headline, (pitch, loudness, finish))


def voice_frame(analysis: dict) -> pd.DataFrame:
    """Loudness and pitch per stretch of the answer, against the answer's own typical level (0)."""
    windows = (analysis.get("delivery") or {}).get("windows", [])
    return pd.DataFrame(
        {
            "time_s": [(window["start"] + window["end"]) / 2 for window in windows],
            "loudness": [window["level_db"] for window in windows],
            "pitch": [window["pitch_semitones"] for window in windows],
        },
        columns=["time_s", "loudness", "pitch"],
    )


VOICE_CHARTS = {
    "pitch": ("Pitch: higher ↑ lower ↓", "#7048e8"),
    "loudness": ("Loudness: louder ↑ quieter ↓", "#1c7ed6"),
}


def voice_chart(analysis: dict, measure: str) -> alt.LayerChart:
    """Pitch or loudness over the answer as a line, with the answer's typical level as a dashed line.

    The axis carries no numbers: the shape (does it move, does it sink at the end) is the point.
    """
    title, color = VOICE_CHARTS[measure]
    frame = voice_frame(analysis).dropna(subset=[measure])
    x = alt.X("time_s:Q", title="Seconds into the answer", scale=alt.Scale(domainMin=0))
    line = (
        alt.Chart(frame)
        .mark_line(point=True, color=color)
        .encode(x=x, y=alt.Y(f"{measure}:Q", title=None, axis=alt.Axis(labels=False, ticks=False)))
    )
    typical = (
        alt.Chart(pd.DataFrame({"level": [0.0]}))
        .mark_rule(color="#868e96", strokeDash=[4, 4])
        .encode(y="level:Q")
    )
    # fit-x: the height is the plot's own; under Streamlit's default "fit" the title and the axis took
    # almost all of it and the line was drawn flat (seen in the 390 px and 1280 px screenshots).
    autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    return alt.layer(typical, line).properties(height=90, title=title, autosize=autosize)


def star_rows(analysis: dict) -> list[StarRow]:
    example = analysis["example"]
    # Analyses saved before the learned model have no "missing": every part not found was missing.
    missing = example.get("missing", [part for part, found in example["star"].items() if not found])
    return [
        StarRow(part, label, bool(example["star"][part]), example["evidence"][part], part in missing)
        for part, label in STAR_LABELS.items()
    ]


def transcript_html(analysis: dict) -> str:
    """The transcript with fillers and hedges highlighted and long pauses marked where they happened.

    The words of one filler or hedge ("you know") share one highlight.
    """
    marks = [
        (item["start"], item["end"], style, title, frozenset(item["text"].split()))
        for items, style, title in (
            (analysis["fillers"]["items"], FILLER_STYLE, "Filler"),
            (analysis["conciseness"]["hedges"], HEDGE_STYLE, "Hedge"),
        )
        for item in items
    ]
    pauses = sorted(
        (pause for pause in analysis["pacing"]["pauses"] if pause["long"]), key=lambda pause: pause["end"]
    )
    parts: list[str] = []
    open_mark: tuple | None = None
    next_pause = 0
    for word in analysis["transcript"]["words"]:
        pause_here = (
            next_pause < len(pauses) and pauses[next_pause]["end"] <= word["start"] + _TIME_TOLERANCE_S
        )
        mark = _mark_of(word, marks)
        if open_mark is not None and (mark != open_mark or pause_here):
            parts[-1] += "</mark>"
            open_mark = None
        while next_pause < len(pauses) and pauses[next_pause]["end"] <= word["start"] + _TIME_TOLERANCE_S:
            seconds = pauses[next_pause]["duration_s"]
            parts.append(f'<span style="{PAUSE_STYLE}" title="Long pause">[pause {seconds:.1f} s]</span>')
            next_pause += 1
        text = html.escape(word["text"])
        if mark is not None and mark != open_mark:
            text = f'<mark style="{mark[2]}" title="{mark[3]}">{text}'
            open_mark = mark
        parts.append(text)
    if open_mark is not None:
        parts[-1] += "</mark>"
    return '<div style="line-height:1.9;font-size:1.05rem">' + " ".join(parts) + "</div>"


def _mark_of(word: dict, marks: list[tuple]) -> tuple | None:
    """The first filler or hedge the word belongs to (fillers win over hedges), if any.

    The word must be one of the filler's own words as well as lie in its time: Whisper sometimes
    stamps a hesitation and the next word with the same instant ("Uh," and "I" both at 6.18 s).
    """
    middle = (word["start"] + word["end"]) / 2
    text = normalize(word["text"])
    for mark in marks:
        if mark[0] - _TIME_TOLERANCE_S <= middle <= mark[1] + _TIME_TOLERANCE_S and text in mark[4]:
            return mark
    return None


def transcript_legend(analysis: dict) -> str:
    long_pause_s = analysis["pacing"]["options"]["long_pause_s"]
    return (
        '<span style="color:#6c757d;font-size:0.9rem">'
        f'<mark style="{FILLER_STYLE}">filler</mark> (um, uh, like) &nbsp; '
        f'<mark style="{HEDGE_STYLE}">hedge</mark> (I think, maybe, kind of) &nbsp; '
        f'<span style="{PAUSE_STYLE}">[pause]</span> a silence of {long_pause_s:g} s or more</span>'
    )


def pace_frame(analysis: dict) -> pd.DataFrame:
    """Words per minute per window, placed at the window's middle (seconds from the start)."""
    windows = analysis["pacing"]["windows"]
    return pd.DataFrame(
        {
            "time_s": [(window["start"] + window["end"]) / 2 for window in windows],
            "words_per_minute": [window["words_per_minute"] for window in windows],
        }
    )


def pauses_frame(analysis: dict) -> pd.DataFrame:
    pauses = analysis["pacing"]["pauses"]
    return pd.DataFrame(
        {
            "start_s": [pause["start"] for pause in pauses],
            "end_s": [pause["end"] for pause in pauses],
            "duration_s": [pause["duration_s"] for pause in pauses],
            "kind": ["long pause" if pause["long"] else "pause" for pause in pauses],
        },
        columns=["start_s", "end_s", "duration_s", "kind"],
    )


def pace_chart(analysis: dict) -> alt.LayerChart:
    """Pace over time as a line, the comfortable band shaded, and pauses as bars where they happened."""
    options = analysis["pacing"]["options"]
    band = pd.DataFrame({"low": [options["slow_below_wpm"]], "high": [options["fast_above_wpm"]]})
    x_axis = alt.X("time_s:Q", title="Seconds into the answer", scale=alt.Scale(domainMin=0))
    comfortable = (
        alt.Chart(band)
        .mark_rect(color="#2f9e44", opacity=0.12)
        .encode(
            y=alt.Y("low:Q"),
            y2="high:Q",
            tooltip=[alt.Tooltip("low:Q", title="slow below"), alt.Tooltip("high:Q", title="fast above")],
        )
    )
    pauses = (
        alt.Chart(pauses_frame(analysis))
        .mark_rect(opacity=0.45)
        .encode(
            x=alt.X("start_s:Q"),
            x2="end_s:Q",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["pause", "long pause"], range=["#adb5bd", "#e03131"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[alt.Tooltip("start_s:Q", title="at (s)"), alt.Tooltip("duration_s:Q", title="seconds")],
        )
    )
    pace = (
        alt.Chart(pace_frame(analysis))
        .mark_line(point=True, color="#1c7ed6")
        .encode(
            x=x_axis,
            y=alt.Y("words_per_minute:Q", title="Words per minute", scale=alt.Scale(domainMin=0)),
            tooltip=[
                alt.Tooltip("time_s:Q", title="around second", format=".0f"),
                alt.Tooltip("words_per_minute:Q", title="words/min", format=".0f"),
            ],
        )
    )
    return alt.layer(comfortable, pauses, pace).properties(height=260)


NO_TIPS_HTML = "<p>Nothing stands out to change: rehearse another question.</p>"


def tips_html(analysis: dict) -> str:
    """The tips, most important first: what to change, the evidence from the answer, and the guide's advice."""
    if not analysis["tips"]:
        return NO_TIPS_HTML
    return "".join(tip_html(number, tip) for number, tip in enumerate(analysis["tips"], start=1))


def tip_html(number: int, tip: dict) -> str:
    """One tip: the page puts a button that plays the answer from ``tip["start"]`` beside it."""
    when = "" if tip["start"] is None else f" <small>(at {clock(tip['start'])})</small>"
    return (
        f"<div style='margin-bottom:0.4rem'><strong>{number}. {html.escape(tip['message'])}</strong>{when}"
        f"<br><span style='color:#495057'>{html.escape(tip['evidence'])}</span>"
        f"<br><em style='color:#495057'>Guide: “{html.escape(tip['advice'])}”</em></div>"
    )


def star_html(analysis: dict) -> str:
    """The STAR checklist: each part found or missing, with the sentence that shows it."""
    items = []
    for row in star_rows(analysis):
        mark = FOUND_MARK if row.found else MISSING_MARK
        if row.evidence:
            shown = f"“{html.escape(row.evidence)}”"
        else:
            shown = (
                "<em>not found</em>"
                if row.missing
                else "<em>not clearly heard: give it a sentence of its own</em>"
            )
        items.append(
            f"<li style='list-style:none;margin-bottom:0.4rem'>{mark} <strong>{html.escape(row.label)}</strong>"
            f"<br><span style='color:#495057;margin-left:1.6rem'>{shown}</span></li>"
        )
    return "<ul style='padding-left:0'>" + "".join(items) + "</ul>"


CARD_STYLE = (
    "border:1px solid #dee2e6;border-radius:8px;padding:0.45rem 0.75rem;margin-bottom:0.5rem;"
    "max-width:100%;box-sizing:border-box;overflow-wrap:anywhere"
)


def cards_html(
    frame: pd.DataFrame, *, title_columns: tuple[str, ...], styles: dict[str, str] | None = None
) -> str:
    """A table as one card per row, its numbers wrapping inside the card: readable on a phone.

    A wide table needs a sideways scroll at 390 px, which hid every number but the first columns. The
    ``title_columns`` make the card's heading; every other non-empty cell becomes a labelled value.
    ``styles`` maps a cell's value ("better") to the CSS it is shown with.
    """
    styles = styles or {}
    cards = []
    for _, row in frame.iterrows():
        title = " · ".join(html.escape(str(row[column])) for column in title_columns if str(row[column]))
        values = [
            f"<span style='display:inline-block;margin-right:1.1rem'><small style='color:#6c757d'>"
            f"{html.escape(str(column))}</small><br><span style='font-weight:600;{styles.get(str(row[column]), '')}'>"
            f"{html.escape(_cell(row[column]))}</span></span>"
            for column in frame.columns
            if column not in title_columns and str(row[column]) not in ("", "None", "nan")
        ]
        cards.append(
            f"<div class='rehearse-card' style='{CARD_STYLE}'><div>{title}</div>"
            f"<div style='display:flex;flex-wrap:wrap;row-gap:0.25rem'>{''.join(values)}</div></div>"
        )
    return "".join(cards)


def _cell(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def attempts_frame(attempts: list[Attempt]) -> pd.DataFrame:
    """One row per attempt with its headline numbers (empty where the analysis is missing)."""
    rows = []
    for attempt in attempts:
        analysis = attempt.analysis
        rows.append(
            {
                "Attempt": attempt.id,
                "When (UTC)": attempt.created_at.replace("T", " ")[:16],
                "Question": attempt.question,
                "Status": {"analysed": "analysed", "failed": "failed", "recorded": "not analysed"}[
                    attempt.status
                ],
                "Fillers/min": analysis["fillers"]["per_minute"] if analysis else None,
                "Words/min": analysis["pacing"]["words_per_minute"] if analysis else None,
                "Length": clock(analysis["conciseness"]["duration_s"]) if analysis else None,
                "STAR parts": sum(analysis["example"]["star"].values()) if analysis else None,
            }
        )
    return pd.DataFrame(rows)


def attempt_heading_html(attempt: Attempt, *, previous_id: int | None) -> str:
    """The question answered, when, and what the changes are measured against."""
    if attempt.analysis is not None and attempt.analysis.get("sample") is True:
        comparison = (
            "This is the app's sample answer, not yours: it is kept out of your progress and best attempt."
        )
    elif previous_id is not None:
        comparison = f"Changes are against your previous attempt at this question (#{previous_id})."
    else:
        comparison = "First analysed attempt at this question: the next one will show your progress."
    return (
        f"<p style='margin:0'><strong>{html.escape(attempt.question)}</strong></p>"
        f"<p style='margin:0;color:#6c757d;font-size:0.9rem'>Attempt #{attempt.id} · {when(attempt.created_at)} · {comparison}</p>"
    )


def when(created_at: str) -> str:
    """An attempt's time in this computer's time zone, the way a candidate reads a date."""
    return datetime.fromisoformat(created_at).astimezone().strftime("%a %d %b %Y, %H:%M")
