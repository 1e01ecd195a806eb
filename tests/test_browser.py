"""The app in a real browser: Debian's Chromium records a sample answer through its fake microphone.

Needs the system package ``chromium`` (never ``playwright install``); the test fails without it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect, sync_playwright
from processes import (
    PrintedLines,
    click_on_tab,
    click_until_the_app_runs,
    launch_chromium,
    wait_for_app_idle,
    wait_for_health,
)

from rehearse.history.store import open_store
from rehearse.speech.audio import load_audio
from rehearse.speech.record import write_wav

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_audio" / "strong_star.ogg"
SAMPLE_QUESTION = "Tell me about a time you improved a process."
SCRIPT_WORDS = ("refund", "checklist", "finance", "supplier", "invoices")
ARTIFACTS = ROOT / "test-artifacts"
SERVER_START_S = 60
STEP_S = 60  # any one browser step; the shared CI machine can be slow
ANALYSIS_S = 180
_URL = r"URL: (http://127\.0\.0\.1:\d+)"


@pytest.fixture
def microphone_wav(tmp_path: Path) -> tuple[Path, float]:
    """The sample answer as a 16-bit WAV (what Chromium's fake microphone plays) and its length in seconds."""
    audio = load_audio(SAMPLE)
    samples = np.concatenate([audio.samples, np.zeros(audio.sample_rate, dtype=np.float32)])
    path = tmp_path / "microphone.wav"
    write_wav(path, samples)
    return path, len(samples) / audio.sample_rate


@pytest.fixture
def app_url(rehearse_home: Path) -> Iterator[str]:
    """Serve app.py on a free port chosen by Streamlit; stop the server by its pid afterwards."""
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.port", "0", "--server.address", "127.0.0.1", "--server.headless", "true",
        ],
        cwd=ROOT,
        env={**os.environ, "REHEARSE_HOME": str(rehearse_home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    printed = PrintedLines(process)
    try:
        url = printed.wait_for(_URL, timeout_s=SERVER_START_S).group(1)
        wait_for_health(url, timeout_s=SERVER_START_S)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def test_answer_recorded_in_chromium_is_analysed_and_saved(
    app_url: str, microphone_wav: tuple[Path, float], rehearse_home: Path
):
    wav, seconds = microphone_wav
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(
            playwright,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop",
        )
        try:
            context = browser.new_context(
                permissions=["microphone"], viewport={"width": 1400, "height": 1000}
            )
            page = context.new_page()
            page.set_default_timeout(STEP_S * 1000)
            expect.set_options(timeout=STEP_S * 1000)
            page.goto(app_url)
            wait_for_app_idle(page)

            page.get_by_text("My own question").click()
            page.get_by_label("Type the question you want to rehearse").fill(SAMPLE_QUESTION)
            page.get_by_role("heading", name="2. Answer it aloud").click()  # leaving the box submits it
            expect(page.get_by_text("Tell one specific story")).to_be_visible()
            wait_for_app_idle(page)

            recorder = page.get_by_test_id("stAudioInput")
            recorder.get_by_role("button", name="Record").click()
            expect(recorder.get_by_role("button", name="Stop recording")).to_be_visible()
            page.wait_for_timeout(seconds * 1000)
            recorder.get_by_role("button", name="Stop recording").click()

            analyze = page.get_by_role("button", name="Analyze my answer")
            expect(analyze).to_be_enabled()
            wait_for_app_idle(page)
            click_until_the_app_runs(page, analyze)
            expect(page.get_by_text("Your results")).to_be_visible(timeout=ANALYSIS_S * 1000)
            # Pitch and loudness in the voice section, then pace over time.
            expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)
            expect(page.get_by_test_id("stVegaLiteChart").last).to_be_visible()
            # Streamlit scrolls inside its own container, so a tall window is what shows the whole page.
            page.set_viewport_size({"width": 1400, "height": 2400})
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "browser-results.png"))

            metrics = page.get_by_test_id("stMetric")
            expect(metrics).to_have_count(4)
            for label in ("Fillers per minute", "Words per minute", "Length", "STAR parts found"):
                expect(metrics.filter(has_text=label)).to_have_count(1)
            page_text = page.inner_text("body").lower()
            for word in SCRIPT_WORDS:
                assert word in page_text

            # History lists the new attempt with its progress summary, and opens it.
            page.get_by_role("link", name="History").click()
            expect(page.get_by_role("heading", name="History")).to_be_visible()
            expect(page.get_by_text("One analysed attempt so far")).to_be_visible()
            wait_for_app_idle(page)
            page.get_by_text("Attempts", exact=True).click()
            opened = page.get_by_role("combobox", name="Open an attempt")
            expect(opened).to_have_value(re.compile(rf"^#1 · .* · {re.escape(SAMPLE_QUESTION)}$"))
            expect(page.get_by_text("Your results")).to_be_visible()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "browser-history.png"))
        finally:
            browser.close()

    [attempt] = open_store(rehearse_home).list_attempts()
    assert attempt.question == SAMPLE_QUESTION
    assert attempt.status == "analysed"
    assert attempt.audio_file.endswith(".wav")
    transcript = attempt.analysis["transcript"]["text"].lower()
    assert all(word in transcript for word in SCRIPT_WORDS)
    assert attempt.analysis["duration_s"] > seconds * 0.8


def test_prepare_an_interview_in_chromium_rehearse_two_questions_and_export(
    app_url: str, rehearse_home: Path, tmp_path: Path
):
    """The Prepare flow: set up, rehearse two tailored questions with the samples, coverage, PDF, note."""
    from test_app import SUPPORT_JOB, SUPPORT_VALUES

    from rehearse.preparation.interview import Interview
    from rehearse.preparation.plan import prepare

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.set_default_timeout(STEP_S * 1000)
            expect.set_options(timeout=STEP_S * 1000)
            page.goto(app_url)
            wait_for_app_idle(page)
            page.get_by_role("link", name="Prepare").click()
            expect(page.get_by_role("heading", name="Prepare for an interview")).to_be_visible()
            wait_for_app_idle(page)
            for label, text in (
                ("Company", "Acme Support"),
                ("Role", "Support team lead"),
                ("Interviewers, one a line: name, role, notes", "Dana Smith, Head of Support"),
                ("Job description (paste it, or upload it below)", SUPPORT_JOB),
                ("The company's values or mission, one a line", SUPPORT_VALUES),
                ("Feedback from the earlier round", "Your answers lacked numbers."),
            ):
                page.get_by_label(label, exact=True).fill(text)
                page.get_by_role("heading", name="Prepare for an interview").click()  # submits the box
                wait_for_app_idle(page)
            click_until_the_app_runs(page, page.get_by_role("button", name="Save the interview"))
            expect(page.get_by_text("Saved. The requirements and questions")).to_be_visible()
            wait_for_app_idle(page)

            [stored] = open_store(rehearse_home).list_interviews()
            questions = prepare(Interview.from_dict(stored.data)).questions
            refund = next(i for i, q in enumerate(questions) if "refund" in (q.requirement or ""))
            value = next(i for i, q in enumerate(questions) if q.value == "Customer obsession")
            for done, (index, sample) in enumerate(
                ((refund, "strong_star.ogg"), (value, "vague_fillers.ogg"))
            ):
                click_on_tab(page, "Questions", page.get_by_role("button", name="Rehearse it").nth(index))
                expect(page.get_by_role("heading", name="Rehearse an answer")).to_be_visible()
                wait_for_app_idle(page)
                expect(page.get_by_label("Type the question you want to rehearse")).to_have_value(
                    questions[index].text
                )
                page.get_by_text("Upload a recording", exact=True).click()
                wait_for_app_idle(page)
                page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                    ROOT / "sample_audio" / sample
                )
                wait_for_app_idle(page)
                analyze = page.get_by_role("button", name="Analyze my answer")
                expect(analyze).to_be_enabled()
                click_until_the_app_runs(page, analyze)
                expect(page.get_by_text(f"Attempt #{done + 1} ·")).to_be_visible(timeout=ANALYSIS_S * 1000)
                if sample == "strong_star.ogg":
                    expect(page.get_by_text("This answer speaks to:")).to_be_visible()
                    page.screenshot(path=str(ARTIFACTS / "browser-prepare-results.png"))
                page.get_by_role("link", name="Prepare").click()
                expect(page.get_by_role("heading", name="Prepare for an interview")).to_be_visible()
                wait_for_app_idle(page)

            page.get_by_role("tab", name="Coverage").click()
            expect(page.get_by_text("have a rehearsed story")).to_be_visible()
            assert "0 of" not in page.get_by_text("have a rehearsed story").inner_text()
            page.screenshot(path=str(ARTIFACTS / "browser-prepare-coverage.png"))

            page.get_by_role("tab", name="Prep sheet").click()
            with page.expect_download() as download:
                page.get_by_role("button", name="Download the prep sheet (PDF)").click()
            pdf = tmp_path / "prep-sheet.pdf"
            download.value.save_as(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "prep-sheet")], check=True
            )

            page.get_by_role("tab", name="Thank-you note").click()
            click_until_the_app_runs(page, page.get_by_role("button", name="Draft the note"))
            note = page.get_by_label("Your thank-you note (nothing is sent: copy it into your email)")
            expect(note).to_have_value(re.compile(r"^Dear Dana,"))
        finally:
            browser.close()

    assert pdf.read_bytes().startswith(b"%PDF")
    assert (ARTIFACTS / "prep-sheet-1.png").is_file()
    attempts = open_store(rehearse_home).list_attempts(interview_id=stored.id)
    assert len(attempts) == 2 and all(attempt.status == "analysed" for attempt in attempts)


# The page's key elements: a card, a headline number, a chart, and any table still drawn as a grid.
_KEY_ELEMENTS = (
    ".rehearse-card, [data-testid='stMetric'], [data-testid='stVegaLiteChart'], "
    "[data-testid='stDataFrame'], [data-testid='stTable']"
)
_OVERFLOW = """(selector) => {
    const wide = [];
    const main = document.querySelector("[data-testid='stMain']");
    if (main.scrollWidth > main.clientWidth + 1) wide.push(`page ${main.scrollWidth} > ${main.clientWidth}`);
    for (const element of document.querySelectorAll(selector)) {
        const box = element.getBoundingClientRect();
        if (element.scrollWidth > element.clientWidth + 1 || box.right > window.innerWidth + 1) {
            wide.push(`${element.dataset.testid || element.className}: ${element.scrollWidth} px in ${element.clientWidth}, right edge ${Math.round(box.right)}`);
        }
    }
    return wide;
}"""
HISTORY_VIEWS = ("Progress", "Attempts", "Compare two attempts", "Practice sessions")
WIDTHS = (1280, 390)


def _full_page(page, path: Path) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside stMain, so the window grows to its height."""
    wait_for_app_idle(page)
    page.wait_for_timeout(1500)  # charts draw after the run ends
    width = page.viewport_size["width"]
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(height, 800), 16000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


def _too_wide(page) -> list[str]:
    return page.evaluate(_OVERFLOW, _KEY_ELEMENTS)


def test_every_page_reads_on_a_phone_without_a_sideways_scroll(app_url: str, rehearse_home: Path):
    """Full-page screenshots at 1280 and 390 px of the results, each History view and Settings.

    At 390 px no key number may need a sideways scroll: History's attempts, sessions and compare are
    cards (a table there showed only its first four columns), and no card, number or chart is wider
    than the screen. The screenshots are kept in test-artifacts/screens/ to look at.
    """
    from test_progress import STAR, STAR_ANSWER, WHY, WHY_ANSWERS, seed

    store = open_store(rehearse_home)
    for answer in WHY_ANSWERS:
        seed(store, WHY, answer * 3)
    seed(store, STAR, STAR_ANSWER)
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for width in WIDTHS:
                page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
                page.set_default_timeout(STEP_S * 1000)
                expect.set_options(timeout=STEP_S * 1000)

                page.goto(app_url)
                wait_for_app_idle(page)
                page.get_by_text("No microphone at hand? Try a sample answer").click()
                click_until_the_app_runs(page, page.get_by_role("button", name="Try a sample answer"))
                expect(page.get_by_text("Your results")).to_be_visible(timeout=ANALYSIS_S * 1000)
                expect(page.get_by_role("heading", name="Your voice")).to_be_visible()
                _full_page(page, screens / f"rehearse-results-{width}.png")
                found[f"results at {width}"] = _too_wide(page)

                for view in HISTORY_VIEWS:
                    page.goto(f"{app_url}/history")
                    wait_for_app_idle(page)
                    page.get_by_test_id("stButtonGroup").get_by_text(view, exact=True).click()
                    wait_for_app_idle(page)
                    name = view.split()[0].lower()
                    _full_page(page, screens / f"history-{name}-{width}.png")
                    found[f"History {view} at {width}"] = _too_wide(page)
                    if width < 600:
                        # The key numbers are cards, never a grid that scrolls sideways on a phone.
                        assert page.get_by_test_id("stDataFrame").count() == 0, view
                    if view in ("Attempts", "Compare two attempts", "Practice sessions"):
                        assert page.locator(".rehearse-card").count() > 0, view

                page.goto(f"{app_url}/settings")
                wait_for_app_idle(page)
                expect(page.get_by_role("heading", name="Settings")).to_be_visible()
                _full_page(page, screens / f"settings-{width}.png")
                found[f"Settings at {width}"] = _too_wide(page)
                page.context.close()
        finally:
            browser.close()
    assert {where: wide for where, wide in found.items() if wide} == {}
