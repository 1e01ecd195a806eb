"""Reading what a child process (the app server, an analysis) prints, with bounded waits."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Playwright, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


class PrintedLines:
    """Drains a child's stdout in a thread, so it never blocks on a full pipe; ``seen`` keeps every line."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.seen: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(
            target=lambda: [self._lines.put(line) for line in process.stdout], daemon=True
        ).start()

    def wait_for(self, pattern: str, *, timeout_s: float) -> re.Match[str]:
        """The first printed line matching ``pattern``; AssertionError (with the output) when none comes."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"The child never printed {pattern!r}:\n" + "".join(self.seen))


def wait_for_health(url: str, *, timeout_s: float = 60) -> None:
    """Wait until the Streamlit server at ``url`` answers its health check."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url}/_stcore/health never answered")


CHROMIUM = Path("/usr/bin/chromium")
# Without these Chromium reaches out to Google's services at start; the tests allow loopback only.
QUIET_CHROMIUM_FLAGS = (
    "--no-sandbox",  # the tests run as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
)


def launch_chromium(playwright: Playwright, *flags: str) -> Browser:
    """Debian's Chromium (never a downloaded one), quiet on the network, with ``flags`` added."""
    assert CHROMIUM.is_file(), "Debian's Chromium is needed for this test: apt-get install chromium"
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), timeout=60_000, args=[*QUIET_CHROMIUM_FLAGS, *flags]
    )


def wait_for_app_idle(page: Page, *, timeout_s: float = 60) -> None:
    """Wait until the page is connected and its script run has finished.

    Streamlit's own end-to-end tests wait for this before they interact: until the run ends, the
    elements on the page may still be replaced by the ones the run is drawing.
    """
    idle = page.locator(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
    )
    expect(idle).to_be_attached(timeout=timeout_s * 1000)


def click_until_the_app_runs(page: Page, button: Locator, *, tries: int = 3, timeout_s: float = 20) -> None:
    """Click ``button`` and wait for the script run it starts; click again if none starts.

    Rarely (twice in full test runs, both times on the app traced by strace; cause not found) a click
    on an idle page starts no run at all and the page just sits there; a candidate would click again,
    and so does this.
    """
    running = page.locator("[data-testid='stApp'][data-test-script-state='running']")
    for _ in range(tries):
        button.click()
        try:
            expect(running).to_be_attached(timeout=timeout_s * 1000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"{tries} clicks on {button} started no run of the app")


def click_on_tab(page: Page, tab: str, button: Locator, *, tries: int = 3, timeout_s: float = 15) -> None:
    """Open the tab called ``tab`` and click ``button`` on it, opening the tab again if a run closes it.

    A script run that ends after the tab was opened can draw the tabs again with the first one open,
    and the button is then hidden (seen in full test runs only, never alone); a candidate would open the
    tab again, and so does this. Whether the click did what it should is for the caller to check.
    """
    for _ in range(tries):
        wait_for_app_idle(page)
        page.get_by_role("tab", name=tab, exact=True).click()
        try:
            button.click(timeout=timeout_s * 1000)
            return
        except PlaywrightTimeoutError:
            print(f"{button} was not clickable on the tab {tab!r}: opening the tab again")
            continue
    raise AssertionError(f"{tries} times the tab {tab!r} was opened, and {button} could not be clicked")


@contextmanager
def read_only(folder: Path) -> Iterator[list[str]]:
    """A command prefix under which ``folder`` and everything in it cannot be written.

    Root writes through file modes, so as root the folder is mounted read-only in a mount namespace
    of the child's own; another user gets the folders' write bits taken away for the duration.
    """
    if os.geteuid() == 0:
        remount = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
        yield ["unshare", "--mount", "sh", "-c", remount, str(folder)]
        return
    folders = [folder, *(path for path in folder.rglob("*") if path.is_dir())]
    modes = {path: path.stat().st_mode for path in folders}
    for path in folders:
        path.chmod(0o500)
    try:
        yield []
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
