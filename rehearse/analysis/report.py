"""The plain-text report a candidate reads in a terminal."""

from __future__ import annotations

from rehearse.analysis.analysis import Analysis
from rehearse.analysis.example import STAR_PARTS
from rehearse.analysis.results_view import voice_verdict
from rehearse.analysis.text import clock
from rehearse.evaluation.accuracy import filler_accuracy_note


def format_report(analysis: Analysis) -> str:
    fillers, pacing, conciseness, example = (
        analysis.fillers,
        analysis.pacing,
        analysis.conciseness,
        analysis.example,
    )
    lines = []
    if analysis.question:
        lines += [f"Question: {analysis.question}", ""]
    lines += ["Transcript", "  " + analysis.transcript.text, ""]
    filler_words = ", ".join(f"{item.text} ({clock(item.start)})" for item in fillers.items[:12])
    more = f", +{fillers.count - 12} more" if fillers.count > 12 else ""
    lines += [
        "Delivery",
        f"  Fillers      {fillers.count} ({fillers.vocal_count} um/uh, {fillers.lexical_count} like/you know...), "
        f"{fillers.per_minute:.1f} per minute",
    ]
    if filler_words:
        lines.append(f"               {filler_words}{more}")
    lines.append(f"               {filler_accuracy_note()}")
    lines += [
        f"  Pace         {pacing.words_per_minute:.0f} words/min ({pacing.verdict}); "
        f"{pacing.articulation_rate:.0f} words/min without pauses",
        f"  Pauses       {len(pacing.pauses)} of {pacing.options.pause_min_s:g} s or more, "
        f"{pacing.long_pause_count} of {pacing.options.long_pause_s:g} s or more",
        "  Pace trend   "
        + "  ".join(f"{clock(window.start)} {window.words_per_minute:.0f}" for window in pacing.windows),
        "",
        *_voice_lines(analysis),
        "Content",
        f"  Length       {clock(conciseness.duration_s)}, {conciseness.word_count} words ({conciseness.verdict}; "
        f"target {clock(conciseness.band_s[0])}-{clock(conciseness.band_s[1])})",
        f"  Sentences    {conciseness.sentence_count}, {conciseness.mean_sentence_words:g} words on average",
        f"  Hedges       {', '.join(hedge.text for hedge in conciseness.hedges) or 'none'}",
        f"  Repeated     {', '.join(f'“{phrase.text}” x{phrase.count}' for phrase in conciseness.repeated_phrases) or 'none'}",
        f"  Example      {'yes' if example.present else 'no'} specific example"
        + ("" if example.options.expect_example else " (this question does not require one)"),
    ]
    for part in STAR_PARTS:
        mark = "x" if example.star[part] else " "
        evidence = example.evidence[part]
        lines.append(f"    [{mark}] {part:<10}" + (f"“{evidence}”" if evidence else ""))
    lines += [
        f"  Numbers      {', '.join(example.quantified) or 'none'}",
        f"  Names        {', '.join(example.specifics) or 'none'}",
        f"  Ownership    “I” {example.ownership['i']} times, “we” {example.ownership['we']} times",
        "",
        "Tips",
    ]
    if analysis.tips:
        for number, tip in enumerate(analysis.tips, start=1):
            lines += [f"  {number}. {tip.message}", f"     {tip.evidence}", f"     Guide: {tip.advice}"]
    else:
        lines.append("  Nothing stands out: a concise, specific answer. Rehearse it once more for fluency.")
    return "\n".join(lines)


def _voice_lines(analysis: Analysis) -> list[str]:
    """The voice in the words the results page and the Markdown report use; nothing without audio."""
    verdict = voice_verdict(analysis.to_dict())
    if verdict is None:
        return []
    return ["Voice", f"  {verdict.headline}", *(f"  {line}" for line in verdict.lines), ""]
