"""A mock interview round in a real browser: Debian's Chromium answers through its fake microphone.

Needs the system package ``chromium`` (never ``playwright install``); the test fails without it.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from processes import launch_chromium, wait_for_app_idle
from test_browser import ARTIFACTS, STEP_S, app_url, microphone_wav  # noqa: F401  (fixtures)

from rehearse.history.store import open_store

# Questions that expect no story: the follow-up needs only the recording's length, so nothing
# stands between an answer and the next question but saving it.
QUESTIONS = [
    "Why do you want to work for us?",
    "What would you focus on in your first ninety days in this role?",
    "Do you have any questions for us?",
]
ANSWER_S = 8.0
# The next question must be on screen this soon after the answer is stopped: an analysis of the
# answer takes several times longer on this machine.
NEXT_QUESTION_S = 10.0
REPORT_S = 400


def test_a_three_question_round_never_waits_for_an_analysis(
    app_url: str,  # noqa: F811
    microphone_wav: tuple[Path, float],  # noqa: F811
    rehearse_home: Path,
):
    wav, _ = microphone_wav
    ARTIFACTS.mkdir(exist_ok=True)
    waits, analysing_seen = [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(
            playwright,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
        )
        try:
            context = browser.new_context(
                permissions=["microphone"], viewport={"width": 1400, "height": 1400}
            )
            page = context.new_page()
            page.set_default_timeout(STEP_S * 1000)
            expect.set_options(timeout=STEP_S * 1000)
            page.goto(f"{app_url}/mock")
            wait_for_app_idle(page)
            page.get_by_label("Your own questions, one per line").fill("\n".join(QUESTIONS))
            page.get_by_role("heading", name="A new round").click()  # leaving the box submits it
            wait_for_app_idle(page)
            page.get_by_role("button", name="Start the round").click()
            for number, question in enumerate(QUESTIONS, start=1):
                expect(page.get_by_role("heading", name=question)).to_be_visible()
                wait_for_app_idle(page)
                recorder = page.get_by_test_id("stAudioInput")
                recorder.get_by_role("button", name="Record").click()
                expect(recorder.get_by_role("button", name="Stop recording")).to_be_visible()
                page.wait_for_timeout(ANSWER_S * 1000)
                recorder.get_by_role("button", name="Stop recording").click()
                stopped = time.monotonic()
                if number < len(QUESTIONS):
                    expect(page.get_by_role("heading", name=QUESTIONS[number])).to_be_visible(
                        timeout=NEXT_QUESTION_S * 1000
                    )
                    waits.append(time.monotonic() - stopped)
                    analysing_seen.append(page.get_by_text("still being analysed").is_visible())
            expect(page.get_by_role("heading", name="Round report")).to_be_visible(timeout=REPORT_S * 1000)
            page.set_viewport_size({"width": 1400, "height": 2400})
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "browser-mock-round.png"))
        finally:
            browser.close()

    assert all(wait < NEXT_QUESTION_S for wait in waits), waits
    assert any(analysing_seen)  # a next question came while an earlier answer was still being analysed
    (mock_round,) = open_store(rehearse_home).list_rounds()
    assert mock_round.state == "finished"
    assert [attempt.round_position for attempt in mock_round.attempts] == [0, 1, 2]
    assert all(attempt.status in ("analysed", "failed") for attempt in mock_round.attempts)
