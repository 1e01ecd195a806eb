"""Privacy and safety: the app only listens on this computer, nothing opens a connection to another
one, recordings are private to the user and can be deleted, uploads are bounded, and whatever the
candidate typed or said is shown as text, never run as markup.

Network checks work at two levels: in this process, the socket functions are patched (tests/network_guard.py);
in child processes, a ``sitecustomize`` installs the same guard and ``strace`` records every connect()
and sendto() the process makes, native code included (ONNX Runtime's telemetry is native).
"""

from __future__ import annotations

import html
import io
import ipaddress
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import wave
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from network_guard import replacements
from playwright.sync_api import expect, sync_playwright
from processes import (
    PrintedLines,
    click_until_the_app_runs,
    launch_chromium,
    wait_for_app_idle,
    wait_for_health,
)
from streamlit.testing.v1 import AppTest

from rehearse.analysis.analysis import analyze_transcript
from rehearse.cli import main
from rehearse.errors import AudioError, StoreError
from rehearse.history.store import (
    DATABASE_NAME,
    MAX_RECORDING_MB,
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    Store,
    open_store,
)
from rehearse.speech.audio import DEFAULT_MAX_SECONDS, load_audio
from rehearse.speech.record import write_wav
from rehearse.speech.transcript import Transcript, Word

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
APP = ROOT / "app.py"
CONFIG = ROOT / ".streamlit" / "config.toml"
SAMPLE = ROOT / "sample_audio" / "strong_star.ogg"
SAMPLE_QUESTION = "Tell me about a time you improved a process."
SCRIPT_WORDS = ("checklist", "finance", "customers")
STRACE = shutil.which("strace")
# Port 9 (discard) has no listener here: a client that obeys the proxy settings fails at once.
CLOSED_PORT_PROXY = "http://127.0.0.1:9"
TRACED_CALLS = (
    "trace=connect,sendto,sendmsg,openat,?open,?creat,mkdir,mkdirat,rename,renameat,renameat2,"
    "?link,linkat,?symlink,symlinkat,truncate"
)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
ANALYSIS_TIMEOUT_S = 300
SERVER_START_S = 90
STEP_S = 60

SCRIPT_TAG = "<script>alert(1)</script>"
IMAGE_TAG = "<img src=x onerror=alert(1)>"
MARKDOWN = "**bold** [link](http://x)"
HOSTILE_QUESTION = f"Tell me about a time {SCRIPT_TAG} {IMAGE_TAG} {MARKDOWN} happened?"
HOSTILE_ANSWER = (
    f"At my last job {SCRIPT_TAG} broke the build. I fixed {IMAGE_TAG} and wrote {MARKDOWN} for the team."
)
# Streamlit elements whose text is rendered as Markdown: hostile text must never reach them.
MARKDOWN_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
)


# --- Helpers -----------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every socket call that would leave this computer raise; returns the list of those attempted."""
    attempts: list[str] = []
    for owner, name, guarded in replacements(attempts.append):
        monkeypatch.setattr(owner, name, guarded)
    return attempts


def _wav_bytes(folder: Path) -> bytes:
    path = folder / "recording.wav"
    write_wav(path, load_audio(SAMPLE).samples)
    return path.read_bytes()


def _app(**run: object) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run(**run)
    assert not app.exception, app.exception
    return app


def _button(app: AppTest, label: str):
    [button] = [button for button in app.button if button.label == label]
    return button


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _save_hostile_attempt(store: Store) -> int:
    """An analysed attempt whose question and transcript are full of markup."""
    words = tuple(
        Word(text=token, start=0.5 + index * 0.4, end=0.8 + index * 0.4, probability=0.9)
        for index, token in enumerate(HOSTILE_ANSWER.split())
    )
    analysis = analyze_transcript(Transcript(words=words, duration_s=0.5 + len(words) * 0.4))
    attempt_id = store.save_recording(HOSTILE_QUESTION, SAMPLE.read_bytes(), ".ogg")
    store.save_analysis(attempt_id, analysis.to_dict())
    return attempt_id


# --- Network: configuration ----------------------------------------------------------------------


def test_streamlit_config_keeps_the_app_on_this_computer():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["showEmailPrompt"] is False
    assert config["browser"]["gatherUsageStats"] is False


# --- Network: nothing leaves the computer during an analysis ------------------------------------


def test_network_guard_refuses_other_hosts_and_allows_loopback(no_network: list[str]):
    with pytest.raises(RuntimeError, match="would leave this computer"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(RuntimeError, match="would leave this computer"):
        socket.getaddrinfo("example.com", 443)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=5).close()
    assert no_network == ["create_connection ('192.0.2.1', 80)", "getaddrinfo ('example.com', 0)"]


def test_cli_analysis_opens_no_outbound_connection(no_network: list[str], capsys: pytest.CaptureFixture[str]):
    assert main(["analyze", str(SAMPLE), "--question", SAMPLE_QUESTION, "--json"]) == 0
    out = capsys.readouterr().out.lower()
    assert all(word in out for word in SCRIPT_WORDS)
    assert no_network == []


def test_app_analysis_opens_no_outbound_connection_and_never_uses_the_upload_name(
    no_network: list[str], rehearse_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    workdir = tmp_path / "cwd" / "a" / "b"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    wav = _wav_bytes(tmp_path)
    app = _app()
    app.radio(key="answer_source").set_value("Upload a recording").run()
    app.file_uploader(key="upload").set_value(("../../etc/passwd.wav", wav, "audio/wav")).run()
    _button(app, "Analyze my answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception and not app.error

    assert no_network == []
    [attempt] = open_store(rehearse_home).list_attempts()
    assert (attempt.status, attempt.audio_file) == ("analysed", "attempt-000001.wav")
    assert [path.name for path in (rehearse_home / "audio").iterdir()] == ["attempt-000001.wav"]
    assert (rehearse_home / "audio" / "attempt-000001.wav").read_bytes() == wav
    assert not Path("/etc/passwd.wav").exists()
    assert [path for path in (tmp_path / "cwd").rglob("*") if path.is_file()] == []


# --- Child processes with a fresh home, working directory and temp folder -----------------------


@dataclass(frozen=True)
class Sandbox:
    """Folders standing in for the user's home, working directory and temp folder, and the data directory."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def cwd(self) -> Path:
        return self.root / "cwd"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def tools(self) -> Path:
        """sitecustomize.py, a stand-in xdg-open and the logs: not part of what is checked."""
        return self.root / "tools"

    @property
    def guard_log(self) -> Path:
        return self.tools / "python-connections.log"

    @property
    def strace_log(self) -> Path:
        return self.tools / "strace.log"

    @property
    def opened_urls(self) -> Path:
        return self.tools / "opened-urls.log"

    def env(self) -> dict[str, str]:
        """A clean environment: HF_HUB_OFFLINE and every other offline switch unset, proxies on a closed port."""
        return {
            "PATH": os.pathsep.join([str(self.tools), str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "REHEARSE_HOME": str(self.data),
            "PYTHONPATH": str(self.tools),
            "GUARD_LOG": str(self.guard_log),
            "LANG": "C.UTF-8",
            **dict.fromkeys(PROXY_VARIABLES, CLOSED_PORT_PROXY),
        }

    def traced(self, *command: str) -> list[str]:
        """``command`` under strace, which logs every connection attempt and file write, native code included."""
        assert STRACE, "strace is needed to see native network calls and file writes: apt-get install strace"
        return [
            STRACE, "-f", "-qq", "-y", "-s", "4096", "--seccomp-bpf", "-e", TRACED_CALLS,
            "-o", str(self.strace_log), *command,
        ]  # fmt: skip

    def python_connections(self) -> list[str]:
        return self.guard_log.read_text().splitlines() if self.guard_log.exists() else []

    def native_connections(self) -> list[str]:
        return outbound_calls(self.strace_log.read_text())

    def written_outside_data(self) -> list[Path]:
        """What the traced process created or opened for writing outside the data directory."""
        written = written_paths(self.strace_log.read_text(), cwd=self.cwd)
        return sorted(
            path
            for path in written
            if not (path.is_relative_to(self.data) or _harmless(path, harness=self.tools))
        )


def make_sandbox(root: Path) -> Sandbox:
    sandbox = Sandbox(root)
    for folder in (sandbox.home, sandbox.cwd, sandbox.tmp, sandbox.tools):
        folder.mkdir(parents=True)
    (sandbox.tools / "sitecustomize.py").write_text(
        f"import os, sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "import network_guard\nnetwork_guard.install(os.environ['GUARD_LOG'])\n"
    )
    # Streamlit opens the browser with xdg-open when it thinks a desktop is there; this one only notes the URL.
    xdg_open = sandbox.tools / "xdg-open"
    xdg_open.write_text(f'#!/bin/sh\necho "$1" >> {sandbox.opened_urls}\n')
    xdg_open.chmod(0o755)
    return sandbox


_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"')


def outbound_calls(strace_log: str) -> list[str]:
    """strace lines of connect/sendto/sendmsg calls to another host, or to a DNS server anywhere."""
    found = []
    for line in strace_log.splitlines():
        port, address = _PORT.search(line), _ADDRESS.search(line)
        if "sa_family=AF_INET" not in line or port is None or address is None:
            continue
        ip = ipaddress.ip_address(address.group(1) or address.group(2))
        ip = getattr(ip, "ipv4_mapped", None) or ip
        if int(port.group(1)) == 53 or not (ip.is_loopback or ip.is_unspecified):
            found.append(line)
    return found


def test_outbound_calls_are_found_in_strace_output():
    log = "\n".join(
        [
            '7 connect(8, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
            '7 connect(9, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("13.107.5.93")}, 16)',
            "7 connect(9, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
            'inet_pton(AF_INET6, "2603:1030::1", &sin6_addr), sin6_scope_id=0}, 28)',
            '7 connect(5, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            "7 connect(5, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), "
            'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
            '7 connect(4, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0',
            '7 sendto(3, "x", 1, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 1',
        ]
    )
    assert [line.split("(")[1].split(",")[0] for line in outbound_calls(log)] == ["8", "9", "9"]


def _strace_calls(strace_log: str) -> Iterator[str]:
    """One string per system call, with the calls strace split across threads joined back together."""
    pending: dict[str, str] = {}
    for line in strace_log.splitlines():
        pid, _, call = line.partition(" ")
        call = call.strip()
        if call.endswith("<unfinished ...>"):
            pending[pid] = call.removesuffix("<unfinished ...>")
        elif call.startswith("<... "):
            yield pending.pop(pid, "") + call.split(">", 1)[1]
        else:
            yield call


_CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)\s*= (?P<result>-?\d+)(?:<(?P<resolved>[^>]*)>)?")
_PATH_ARGUMENT = re.compile(r'(?:(?:AT_FDCWD|\d+)<(?P<folder>[^>]*)>, )?"(?P<path>(?:[^"\\]|\\.)*)"')
_WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC")
_PATH_WRITING_CALLS = frozenset(
    {
        "mkdir",
        "mkdirat",
        "rename",
        "renameat",
        "renameat2",
        "link",
        "linkat",
        "symlink",
        "symlinkat",
        "truncate",
    }
)


def written_paths(strace_log: str, *, cwd: Path) -> set[Path]:
    """Files opened for writing or created, and folders and links made, by successful calls in the log."""
    written = set()
    for call in _strace_calls(strace_log):
        match = _CALL.match(call)
        if match is None or int(match["result"]) < 0:
            continue
        name, args = match["name"], match["args"]
        if name in {"open", "openat", "creat"}:
            if name != "creat" and not _WRITE_FLAGS.search(args):
                continue
            if match["resolved"]:
                written.add(Path(match["resolved"]))
                continue
        paths = list(_PATH_ARGUMENT.finditer(args))
        if paths and name in _PATH_WRITING_CALLS:
            # rename, link and symlink write their last path; mkdir, truncate and open their first.
            target = paths[-1] if name.startswith(("rename", "link", "symlink")) else paths[0]
            written.add(Path(target["folder"] or cwd, target["path"]))
    return written


def test_written_paths_are_found_in_strace_output(tmp_path: Path):
    log = "\n".join(
        [
            '5 mkdir("d1", 0777) = 0',
            '5 openat(AT_FDCWD</w>, "d1/f", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3</w/d1/f>',
            '5 openat(AT_FDCWD</w>, "/usr/lib/x.py", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x.py>',
            '5 openat(AT_FDCWD</w>, "/etc/shadow", O_RDWR|O_CREAT, 0644) = -1 EACCES (Permission denied)',
            '6 openat(AT_FDCWD</w>, "/data/db-wal", O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC <unfinished ...>',
            '5 rename("d1/f", "d1/g") = 0',
            '5 sendto(8<socket:[7]>, "GET / HTTP/1.1", 14, MSG_NOSIGNAL, NULL, 0) = 14',
            "6 <... openat resumed>, 0644) = 4</data/db-wal>",
            '5 renameat2(AT_FDCWD</w>, "a.part", 7</home/u>, "b", RENAME_NOREPLACE) = 0',
        ]
    )
    assert written_paths(log, cwd=tmp_path) == {
        tmp_path / "d1",
        Path("/w/d1/f"),
        tmp_path / "d1/g",
        Path("/data/db-wal"),
        Path("/home/u/b"),
    }


def _harmless(path: Path, *, harness: Path) -> bool:
    """Writes that keep nothing of the user's: the null device, POSIX semaphores (Python's multiprocessing
    locks, in memory), compiled-code caches in the program's own folders, and the test harness's logs."""
    if path == Path("/dev/null") or path.match("/dev/shm/sem.*") or path.is_relative_to(harness):
        return True
    in_cache = "__pycache__" in (path.name, path.parent.name)
    return in_cache and any(
        path.is_relative_to(folder) for folder in (ROOT, Path(sys.prefix), Path(sys.base_prefix))
    )


@dataclass(frozen=True)
class CliRun:
    sandbox: Sandbox
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def isolated_cli_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """``rehearse analyze`` in a fresh process: no HF_HUB_OFFLINE, proxies on a closed port, a brand-new home."""
    sandbox = make_sandbox(tmp_path_factory.mktemp("isolated-cli"))
    command = [
        sys.executable,
        "-m",
        "rehearse.cli",
        "analyze",
        str(SAMPLE),
        "--question",
        SAMPLE_QUESTION,
        "--json",
    ]
    result = subprocess.run(
        sandbox.traced(*command),
        cwd=sandbox.cwd,
        env=sandbox.env(),
        capture_output=True,
        text=True,
        timeout=ANALYSIS_TIMEOUT_S,
    )
    return CliRun(sandbox, result.returncode, result.stdout, result.stderr)


def test_cli_in_a_fresh_process_opens_no_connection_even_without_offline_switches(isolated_cli_run: CliRun):
    assert isolated_cli_run.returncode == 0, isolated_cli_run.stderr
    assert all(word in isolated_cli_run.stdout.lower() for word in SCRIPT_WORDS)
    assert isolated_cli_run.sandbox.python_connections() == []
    assert isolated_cli_run.sandbox.native_connections() == []


def test_cli_analysis_writes_no_file_at_all(isolated_cli_run: CliRun):
    assert isolated_cli_run.returncode == 0, isolated_cli_run.stderr
    assert isolated_cli_run.sandbox.written_outside_data() == []
    assert not isolated_cli_run.sandbox.data.exists()


# --- The app server: loopback only, XSRF on, hostile text inert, nothing leaves -----------------


@dataclass
class AppServer:
    sandbox: Sandbox
    url: str
    port: int
    strace: subprocess.Popen
    server_pid: int
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.strace.poll() is None:
            with suppress(ProcessLookupError):
                os.kill(self.server_pid, signal.SIGTERM)
            try:
                self.strace.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.strace.kill()
                self.strace.wait(timeout=15)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The README's ``streamlit run app.py``, started from another folder on a desktop-like machine.

    No address is given on the command line: the project's config file has to keep it on loopback.
    DISPLAY is set so Streamlit behaves as on a desktop (first-run prompt, opening a browser).
    """
    sandbox = make_sandbox(tmp_path_factory.mktemp("app-server"))
    _save_hostile_attempt(open_store(sandbox.data))
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", "0"]
    process = subprocess.Popen(
        sandbox.traced(*command),
        cwd=sandbox.cwd,
        env={**sandbox.env(), "DISPLAY": ":99"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed = PrintedLines(process)
    server = None
    try:
        port = int(printed.wait_for(r"URL: http://[^\s]+:(\d+)", timeout_s=SERVER_START_S).group(1))
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, timeout_s=SERVER_START_S)
        server = AppServer(sandbox, url, port, process, _traced_child(process.pid), printed.seen)
        yield server
    finally:
        if server is not None:
            server.stop()
        elif process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _traced_child(strace_pid: int) -> int:
    """The pid of the process strace started (the Streamlit server)."""
    children = Path(f"/proc/{strace_pid}/task/{strace_pid}/children").read_text().split()
    return int(children[0])


def _listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket the process listens on, read from /proc (Linux)."""
    inodes = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):  # a descriptor may close while the folder is read
            target = os.readlink(descriptor)
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    listening = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = Path(f"/proc/{pid}/net/{table}")  # tcp6 is missing where IPv6 is switched off
        for row in path.read_text().splitlines()[1:] if path.exists() else []:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                address_hex, port_hex = local.split(":")
                packed = bytes.fromhex(address_hex)
                # /proc prints each 32-bit word of the address in host (little-endian) order.
                packed = b"".join(packed[index : index + 4][::-1] for index in range(0, len(packed), 4))
                listening.add((socket.inet_ntop(family, packed), int(port_hex, 16)))
    return listening


def _other_local_addresses() -> list[str]:
    """This machine's addresses that are not loopback (from /proc: IPv4 from fib_trie, IPv6 from if_inet6)."""
    addresses = set()
    trie = Path("/proc/net/fib_trie").read_text().splitlines()
    for previous, line in pairwise(trie):
        if "/32 host LOCAL" in line:
            addresses.add(previous.split()[-1])
    inet6 = Path("/proc/net/if_inet6")
    for row in inet6.read_text().splitlines() if inet6.exists() else []:
        raw = row.split()[0]
        addresses.add(str(ipaddress.ip_address(bytes.fromhex(raw))))
    # Link-local IPv6 addresses need an interface to connect to; they are left out.
    return sorted(
        address
        for address in addresses
        if not (ipaddress.ip_address(address).is_loopback or ipaddress.ip_address(address).is_link_local)
    )


def test_app_server_listens_on_loopback_only(app_server: AppServer):
    listening = _listening_addresses(app_server.server_pid)
    assert listening == {("127.0.0.1", app_server.port)}
    for address in _other_local_addresses():
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            assert client.connect_ex((address, app_server.port)) != 0, f"the app answers on {address}"


def test_app_server_opens_a_loopback_address_and_asks_for_no_email(app_server: AppServer):
    deadline = time.monotonic() + STEP_S
    while not app_server.sandbox.opened_urls.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert app_server.sandbox.opened_urls.read_text().split() == [app_server.url]
    printed = "".join(app_server.output)
    assert "Email" not in printed and "Network URL" not in printed
    assert not (app_server.sandbox.home / ".streamlit").exists()


def test_app_server_refuses_an_upload_without_the_xsrf_token(app_server: AppServer):
    request = urllib.request.Request(
        f"{app_server.url}/_stcore/upload_file/some-session/some-file", data=b"audio", method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_browser_shows_hostile_text_as_text_and_analyses_without_other_hosts(app_server: AppServer):
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.set_default_timeout(STEP_S * 1000)
            page.add_init_script("window.__alerts = []; window.alert = (text) => window.__alerts.push(text);")
            page.on("request", lambda request: requests.append(request.url))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            page.goto(f"{app_server.url}/history")
            wait_for_app_idle(page)
            page.get_by_role("radio", name="Attempts", exact=True).click()
            expect(page.get_by_text("Your results")).to_be_visible()
            expect(page.get_by_text(SCRIPT_TAG).first).to_be_visible()
            expect(page.get_by_text(IMAGE_TAG).first).to_be_visible()
            expect(page.get_by_text(MARKDOWN).first).to_be_visible()
            assert page.locator("a[href^='http://x']").count() == 0
            assert page.locator("img[src='x']").count() == 0
            assert not page.evaluate("[...document.scripts].some((s) => s.textContent.includes('alert(1)'))")

            page.goto(app_server.url)
            wait_for_app_idle(page)
            page.get_by_text("No microphone at hand? Try a sample answer").click()
            click_until_the_app_runs(page, page.get_by_role("button", name="Try a sample answer"))
            results, failure = page.get_by_text("Your results"), page.get_by_test_id("stAlertContentError")
            expect(results.or_(failure).first).to_be_visible(timeout=ANALYSIS_TIMEOUT_S * 1000)
            assert failure.count() == 0, failure.first.inner_text()
            expect(results).to_be_visible()
            for word in SCRIPT_WORDS:
                expect(page.get_by_text(re.compile(word, re.IGNORECASE)).first).to_be_visible()
            assert page.evaluate("window.__alerts") == []
        finally:
            browser.close()
    assert dialogs == []
    hosts = {
        urllib.parse.urlsplit(url).hostname for url in requests if not url.startswith(("data:", "blob:"))
    }
    assert hosts == {"127.0.0.1"}


def test_app_server_opened_no_connection_and_wrote_only_its_data_directory(app_server: AppServer):
    app_server.stop()
    sandbox = app_server.sandbox
    assert sandbox.python_connections() == []
    assert sandbox.native_connections() == []
    assert sandbox.written_outside_data() == []
    attempts = open_store(sandbox.data).list_attempts()
    assert [attempt.status for attempt in attempts] == ["analysed", "analysed"]


# --- Data at rest ---------------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most common umask, under which new files are readable by everyone unless made private."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_data_directory_database_and_recordings_are_private(tmp_path: Path, open_umask: None):
    store = open_store(tmp_path / "new" / "rehearse")
    attempt_id = store.save_recording(SAMPLE_QUESTION, b"RIFF audio", ".wav")
    assert _mode(store.home) == _mode(store.audio_dir) == PRIVATE_DIR_MODE == 0o700
    assert _mode(store.database_path) == _mode(store.audio_path(attempt_id)) == PRIVATE_FILE_MODE == 0o600


def test_sqlite_side_files_written_during_a_save_are_private(tmp_path: Path, open_umask: None):
    store = open_store(tmp_path / "rehearse")
    connection = sqlite3.connect(store.database_path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO attempts (question, created_at, audio_file, status) VALUES ('q', 't', 'f', 'recorded')"
        )
        side_files = [path for path in store.home.iterdir() if path.name.startswith(DATABASE_NAME + "-")]
        assert side_files, "SQLite wrote no journal or WAL file"
        assert {path.name: _mode(path) for path in side_files} == dict.fromkeys(
            (path.name for path in side_files), 0o600
        )
    finally:
        connection.close()


def test_opening_tightens_a_data_directory_left_readable(tmp_path: Path):
    store = open_store(tmp_path / "rehearse")
    store.home.chmod(0o755)
    store.audio_dir.chmod(0o755)
    store.database_path.chmod(0o644)
    open_store(store.home)
    assert (_mode(store.home), _mode(store.audio_dir), _mode(store.database_path)) == (0o700, 0o700, 0o600)


def test_deleting_an_attempt_removes_its_recording_and_its_words(tmp_path: Path):
    store = open_store(tmp_path / "rehearse")
    secret = store.save_recording("A question nobody else may read", b"secret audio", ".wav")
    store.save_analysis(secret, {"transcript": {"text": "words nobody else may read"}})
    kept = store.save_recording(SAMPLE_QUESTION, b"kept audio", ".ogg")
    store.delete_attempt(secret)

    assert [attempt.id for attempt in store.list_attempts()] == [kept]
    assert [path.name for path in store.audio_dir.iterdir()] == ["attempt-000002.ogg"]
    stored = b"".join(path.read_bytes() for path in store.home.iterdir() if path.is_file())
    assert b"nobody else may read" not in stored
    with pytest.raises(StoreError, match="no attempt number 1"):
        store.delete_attempt(secret)


def _store_with_two_attempts(home: Path) -> Store:
    store = open_store(home)
    for suffix in (".wav", ".ogg"):
        store.save_recording(SAMPLE_QUESTION, b"audio", suffix)
    return store


def test_delete_all_removes_every_recording_and_the_database(tmp_path: Path):
    store = _store_with_two_attempts(tmp_path / "rehearse")
    assert store.delete_all() == 2
    assert not store.home.exists()
    assert open_store(store.home).list_attempts() == []


def test_delete_all_leaves_files_it_did_not_write(tmp_path: Path):
    store = _store_with_two_attempts(tmp_path / "rehearse")
    (store.home / "my notes.txt").write_text("mine")
    store.delete_all()
    assert [path.name for path in store.home.iterdir()] == ["my notes.txt"]


@pytest.mark.parametrize("answer", ["", "no\n", "n\n", "delete\n"])
def test_cli_delete_all_asks_first_and_keeps_everything_unless_told_yes(
    rehearse_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], answer: str
):
    _store_with_two_attempts(rehearse_home)
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    assert main(["data", "--delete-all"]) == 1
    error = capsys.readouterr().err
    assert "Delete all 2 attempts" in error and "nothing was deleted" in error
    assert len(open_store(rehearse_home).list_attempts()) == 2


@pytest.mark.parametrize(
    ("arguments", "answer"), [(["--delete-all"], "yes\n"), (["--delete-all", "--yes"], "")]
)
def test_cli_delete_all_removes_everything_once_confirmed(
    rehearse_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    answer: str,
):
    _store_with_two_attempts(rehearse_home)
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    assert main(["data", *arguments]) == 0
    assert "Deleted 2 attempts" in capsys.readouterr().out
    assert not rehearse_home.exists()


def test_cli_data_says_where_the_data_is(rehearse_home: Path, capsys: pytest.CaptureFixture[str]):
    _store_with_two_attempts(rehearse_home)
    assert main(["data"]) == 0
    out = capsys.readouterr().out
    assert f"2 attempts in {rehearse_home}" in out
    assert str(rehearse_home / DATABASE_NAME) in out


def test_settings_button_deletes_everything_only_after_confirmation(rehearse_home: Path):
    _store_with_two_attempts(rehearse_home)
    app = _app()
    app.switch_page("app_pages/settings.py").run()
    _button(app, "Delete all my recordings…").click().run()
    assert "Delete all 2 attempts" in app.warning[0].value
    _button(app, "Cancel").click().run()
    assert not app.warning
    assert len(open_store(rehearse_home).list_attempts()) == 2

    _button(app, "Delete all my recordings…").click().run()
    _button(app, "Yes, delete everything").click().run()
    assert not app.exception
    assert "Deleted 2 attempts" in app.success[0].value
    assert open_store(rehearse_home).list_attempts() == []
    assert list((rehearse_home / "audio").iterdir()) == []


# --- Input bounds ----------------------------------------------------------------------------------


def test_upload_limit_matches_the_store_and_fits_the_longest_answer():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_RECORDING_MB
    longest_wav_bytes = DEFAULT_MAX_SECONDS * 48_000 * 2  # 16-bit mono at 48 kHz
    assert longest_wav_bytes < MAX_RECORDING_MB * 1024 * 1024


def test_store_refuses_a_recording_over_the_limit(rehearse_home: Path):
    store = open_store(rehearse_home)
    with pytest.raises(StoreError, match=f"largest accepted is {MAX_RECORDING_MB} MB"):
        store.save_recording(SAMPLE_QUESTION, bytes(MAX_RECORDING_MB * 1024 * 1024 + 1), ".wav")
    assert store.list_attempts() == []
    assert list(store.audio_dir.iterdir()) == []


def test_app_refuses_an_oversized_upload_with_a_clear_message(rehearse_home: Path):
    app = _app()
    app.radio(key="answer_source").set_value("Upload a recording").run()
    too_big = bytes(MAX_RECORDING_MB * 1024 * 1024 + 1)
    app.file_uploader(key="upload").set_value(("long answer.wav", too_big, "audio/wav")).run()
    _button(app, "Analyze my answer").click().run()
    [error] = app.error
    assert f"largest accepted is {MAX_RECORDING_MB} MB" in error.value
    assert open_store(rehearse_home).list_attempts() == []


def test_decoder_refuses_a_recording_longer_than_the_limit_without_reading_it_all(tmp_path: Path):
    path = tmp_path / "twenty minutes.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(8000)
        writer.writeframes(bytes([128]) * (20 * 60 * 8000))
    started = time.perf_counter()
    with pytest.raises(AudioError, match="longer than the 15 min limit"):
        load_audio(path)
    assert time.perf_counter() - started < 30


# --- Rendering --------------------------------------------------------------------------------------


def _assert_shown_as_text(app: AppTest) -> None:
    for kind in MARKDOWN_ELEMENTS:
        for element in app.get(kind):
            for hostile in (SCRIPT_TAG, IMAGE_TAG, MARKDOWN, "alert(1)"):
                assert hostile not in str(element.value), f"{kind} renders {hostile!r} as Markdown"
    page = "\n".join(element.value for element in app.html)
    for hostile in (SCRIPT_TAG, IMAGE_TAG, "<img", "<script"):
        assert hostile not in page
    assert html.escape(SCRIPT_TAG) in page
    assert html.escape(HOSTILE_QUESTION) in page


def test_hostile_question_and_transcript_are_shown_as_text(rehearse_home: Path):
    attempt_id = _save_hostile_attempt(open_store(rehearse_home))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["attempt_id"] = attempt_id
    app.run()
    app.radio(key="question_source").set_value("My own question").run()
    app.text_area(key="own_question").set_value(HOSTILE_QUESTION).run()
    assert not app.exception
    assert app.metric, "the hostile attempt's results are not shown"
    _assert_shown_as_text(app)

    app.switch_page("app_pages/history.py").run()
    assert not app.exception
    _assert_shown_as_text(app)
    app.segmented_control(key="history_view").set_value("Attempts").run()
    assert not app.exception
    assert app.metric, "the hostile attempt's results are not shown in the history"
    _assert_shown_as_text(app)


def test_deleting_an_interview_and_delete_all_remove_what_was_typed_into_it(tmp_path: Path):
    store = open_store(tmp_path / "rehearse")
    secret = store.create_interview(
        {"company": "Secret Co", "earlier_feedback": "notes nobody else may read"}
    )
    kept = store.create_interview({"company": "Kept Co"})
    store.save_recording(SAMPLE_QUESTION, b"audio", ".wav", interview_id=kept)
    store.delete_interview(secret)
    stored = b"".join(path.read_bytes() for path in store.home.iterdir() if path.is_file())
    assert b"nobody else may read" not in stored and b"Secret Co" not in stored
    assert store.delete_all() == 1
    assert not store.home.exists()
    assert open_store(store.home).list_interviews() == []
