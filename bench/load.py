"""The load side of the benchmark: gunicorn started and stopped, wrk run, every URL requested once."""

import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LUA = BASE_DIR / "bench" / "wrk" / "spread.lua"
WORKERS = 2
CONNECTIONS = 16
THREADS = 2
FORTUNES = "/bench/fortunes/"  # the page gunicorn must answer before the load starts


class BenchError(Exception):
    """A reason the run cannot go on, said in one sentence."""


def ensure_wrk():
    """The path of wrk, installing the Debian package first when it is missing."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    print("wrk is missing; installing it with apt-get.", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "install", "-y", "wrk"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "wrk"],
    ):
        subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=False)
        if shutil.which("wrk"):
            return shutil.which("wrk")
    raise BenchError("wrk is not installed and `apt-get install -y wrk` did not install it.")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_command(db, *commands, port=6379):
    """Send inline commands to the local Redis on database ``db``; returns the replies' first lines."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall("".join(f"{c}\r\n" for c in (f"SELECT {db}", *commands)).encode())
        replies, buffer = [], b""
        while len(replies) < len(commands) + 1:
            chunk = conn.recv(4096)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\r\n")
            replies.extend(line.decode() for line in lines)
    return replies[1:]


class Server:
    """gunicorn on a free local port, stopped on leaving the ``with`` block whatever happened."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        # Every server of a run appends to the same log: this one's lines start here. The
        # servers before it leave their workers' shutdown tracebacks (SIGQUIT) at its end.
        self.log_start = 0

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", "consensus.wsgi:application",
            "--workers", str(WORKERS), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}", "--chdir", str(BASE_DIR),
            "--error-logfile", str(self.log_path), "--log-level", "warning",
        ]  # fmt: skip
        try:
            self.log_start = Path(self.log_path).stat().st_size
        except OSError:
            self.log_start = 0
        # A session of its own: Ctrl-C reaches the driver, which then stops gunicorn in order.
        self.process = subprocess.Popen(
            command, env=self.env, start_new_session=True, stdin=subprocess.DEVNULL
        )
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_until_it_answers(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + FORTUNES, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        """The last ``lines`` lines this server wrote to the log."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self.log_start)
                text = log.read().decode(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        """Quick shutdown (SIGQUIT): requests still queued from the load are dropped, not served."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def cancel_queries(database_url):
    """Cancel the queries still running on the bench database for workers that were stopped.

    A stopped worker's PostgreSQL backend finishes its query before it notices; on the
    large scale that can be seconds of work that would slow the next measurement.
    """
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'active'",
            [name],
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported as a failure, not followed


def request_every_url(base, urls, seconds=None):
    """GET each path once, 4 at a time; returns ``({page type: [(path, status), …]} of failures, requested)``.

    With ``seconds``, each page type stops being requested after that long (a list page that
    takes seconds would otherwise make the pass last for hours); ``requested`` counts the
    paths requested for each page type.
    """
    opener = urllib.request.build_opener(_NoRedirects)

    def fetch(path):
        try:
            with opener.open(base + path, timeout=120) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, OSError) as error:
            return repr(error)

    failures, requested = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for page, paths in urls.items():
            deadline = None if seconds is None else time.monotonic() + seconds

            def fetch_in_time(path, deadline=deadline):
                return None if deadline and time.monotonic() > deadline else fetch(path)

            statuses = list(pool.map(fetch_in_time, paths))
            requested[page] = sum(status is not None for status in statuses)
            for path, status in zip(paths, statuses, strict=True):
                if status not in (200, None):
                    failures.setdefault(page, []).append((path, status))
    return failures, requested


def run_wrk(wrk, base, url_file, duration):
    """wrk on one URL list; returns the numbers the Lua script printed."""
    command = [
        wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(LUA), base, "--", str(url_file),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise BenchError(f"wrk gave no result (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
