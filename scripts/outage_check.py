#!/usr/bin/env python3
"""The database outage, for real: pages answer 503 while PostgreSQL is stopped, and work again after.

Steps, each printed with its timing:

1. a throwaway PostgreSQL cluster (initdb and pg_ctl, as the ``postgres`` user when run as
   root) in a temporary folder, on a free port;
2. the schema and the founding record (``migrate``, ``import_meetings meetings/data/*.yaml``),
   the static files, and an editor who signs in;
3. gunicorn with production settings (DEBUG off, 2 workers, persistent connections);
4. every page answers 200, ``/readyz`` 200;
5. the cluster is stopped (``pg_ctl stop -m fast``): every page, admin included, answers 503
   within 5 seconds with ``Retry-After`` (at most 5) and the short page; ``/healthz`` stays
   200 and ``/readyz`` answers 503;
6. the cluster is started again: every page answers 200 again, served by the same gunicorn
   workers, and the log holds no traceback.

Everything is removed at the end (gunicorn, the cluster, the folder), also after a failure
or Ctrl-C. Exits 1 when a check fails, 2 when the set-up fails. ``make outage-check`` runs it.

Environment: ``PG_BIN`` (folder of initdb and pg_ctl; default: pg_config's, else
/usr/lib/postgresql/15/bin).
"""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MEETING = "gallium-symposium-2023"
PAGES = [
    "/",
    "/meetings/",
    f"/meetings/{MEETING}/",
    f"/meetings/{MEETING}/changes/",
    "/companies/",
    "/companies/chalco/",
    "/organizations/cnia/",
    "/commitments/",
    "/commitments/?company=chalco",
    f"/commitments/{MEETING}/4/",
    "/meetings/export.csv",
    "/commitments/export.json",
    "/feeds/meetings/",
    "/companies/chalco/feed/",
]
ADMIN_PAGES = ["/admin/", "/admin/meetings/meeting/", "/admin/meetings/organization/"]
OUTAGE_TEXT = "Temporarily unavailable"
LONGEST_ANSWER = 5.0  # seconds, during the outage
LONGEST_RETRY_AFTER = 5
RECOVERY_SECONDS = 15  # to answer 200 again after the cluster is back


class SetupFailed(Exception):
    pass


started = time.monotonic()
failures = []


def say(message):
    print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)


@contextlib.contextmanager
def step(name):
    say(f"{name} …")
    begun = time.monotonic()
    yield
    say(f"{name}: done in {time.monotonic() - begun:.1f}s")


def check(condition, message):
    if condition:
        say(f"  ok    {message}")
    else:
        say(f"  FAIL  {message}")
        failures.append(message)
    return condition


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pg_bin():
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(found.stdout.strip())
        if found.returncode == 0 and (folder / "initdb").exists():
            return folder
    return Path("/usr/lib/postgresql/15/bin")


def run(command, *, env=None, as_postgres=False, timeout=300):
    """Run a command; raise SetupFailed with its output when it fails."""
    if as_postgres and os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(
        [str(part) for part in command],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        raise SetupFailed(
            f"{' '.join(map(str, command))} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


class Cluster:
    """A PostgreSQL cluster in ``folder``/data on ``port``, owned by the user that runs it."""

    def __init__(self, folder, port):
        self.bin = pg_bin()
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = port
        self.running = False

    def create(self):
        if not (self.bin / "initdb").exists():
            raise SetupFailed(f"initdb is not in {self.bin}; set PG_BIN to the folder of initdb and pg_ctl")
        run(
            [
                *(self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8"),
                *("--locale=C", "--no-sync", "--no-instructions"),
            ],
            as_postgres=True,
        )

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            [self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start"],
            as_postgres=True,
        )
        self.running = True

    def stop(self, mode="fast"):
        run([self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"], as_postgres=True)
        self.running = False

    def createdb(self, name):
        run([self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name])


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """HTTP to gunicorn with a cookie jar; requests say they came through a TLS proxy.

    Production settings may send plain HTTP to HTTPS and mark cookies Secure; gunicorn is
    started with BEHIND_TLS_PROXY=1 and every request carries X-Forwarded-Proto: https.
    """

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        begun = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.monotonic() - begun
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, response.headers, content, seconds)

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        body = "&".join(f"{k}={v}" for k, v in fields.items())
        origin = f"https://127.0.0.1:{self.port}"
        return self.request(
            "POST",
            path,
            body=body.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": origin + path,
                "Origin": origin,
            },
        )

    def sign_in(self, username, password):
        form = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        if form.status != 200 or not token:
            raise SetupFailed(f"the sign-in page answered {form.status} without a form")
        answer = self.post_form(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1], "next": "/admin/"},
        )
        if answer.status != 302:
            raise SetupFailed(f"signing in answered {answer.status}, not a redirect")
        # Signing in gave a new CSRF token: the one for the next form is on the admin's pages.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get("/admin/").text)
        if not token:
            raise SetupFailed("the admin's index page has no CSRF token after signing in")
        return token[1]


class Gunicorn:
    def __init__(self, env, port, log):
        self.env, self.port, self.log = env, port, log
        self.process = None

    def start(self):
        command = [
            sys.executable, "-m", "gunicorn", "consensus.wsgi:application",
            "--workers", "2", "--worker-class", "sync", "--timeout", "30",
            "--bind", f"127.0.0.1:{self.port}", "--chdir", str(BASE_DIR),
        ]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        browser = Browser(self.port)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise SetupFailed(f"gunicorn exited with {code}:\n{self.log_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if browser.get("/healthz").status == 200:
                    return
            time.sleep(0.2)
        raise SetupFailed(f"gunicorn did not answer /healthz within 60 s:\n{self.log_text()[-3000:]}")

    def workers(self):
        """The process ids of gunicorn's workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return sorted(int(pid) for pid in children.read_text().split())
        except OSError:
            return []

    def log_text(self):
        try:
            return Path(self.log).read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def check_pages_up(browser, *, rounds=2):
    """Every page 200 (twice, so that both workers hold a connection) and /readyz 200."""
    for round_ in range(rounds):
        for path in PAGES + ADMIN_PAGES:
            answer = browser.get(path)
            if round_ == rounds - 1 or answer.status != 200:
                check(answer.status == 200, f"{path} answers {answer.status} in {answer.seconds:.2f}s")
    ready = browser.get("/readyz")
    check(ready.status == 200, f"/readyz answers {ready.status}")


def check_outage_answer(path, answer):
    retry_after = answer.headers.get("Retry-After", "")
    good = (
        answer.status == 503
        and answer.seconds < LONGEST_ANSWER
        and retry_after.isdigit()
        and 0 < int(retry_after) <= LONGEST_RETRY_AFTER
        and OUTAGE_TEXT in answer.text
        and "Traceback" not in answer.text
        and "no-store" in answer.headers.get("Cache-Control", "")
    )
    check(
        good,
        f"{path} answers {answer.status} in {answer.seconds:.2f}s, Retry-After: {retry_after or 'missing'}"
        + ("" if OUTAGE_TEXT in answer.text else ", without the short page"),
    )


def check_pages_down(browser, csrf_token, *, rounds=2):
    """Every page 503 in time with Retry-After; /healthz 200; /readyz 503; signing in 503."""
    for _ in range(rounds):
        for path in PAGES + ADMIN_PAGES:
            check_outage_answer(path, browser.get(path))
    check_outage_answer(
        "POST /admin/login/",
        browser.post_form(
            "/admin/login/", {"username": "editor", "password": "wrong", "csrfmiddlewaretoken": csrf_token}
        ),
    )
    health = browser.get("/healthz")
    check(health.status == 200, f"/healthz answers {health.status} in {health.seconds:.2f}s")
    ready = browser.get("/readyz")
    check(
        ready.status == 503 and ready.seconds < LONGEST_ANSWER,
        f"/readyz answers {ready.status} in {ready.seconds:.2f}s",
    )


def check_pages_recover(browser):
    """Every page 200 again within RECOVERY_SECONDS, with no restart of gunicorn."""
    for path in ["/readyz", *PAGES, *ADMIN_PAGES]:
        deadline = time.monotonic() + RECOVERY_SECONDS
        tries = 0
        while True:
            tries += 1
            answer = browser.get(path)
            if answer.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        check(answer.status == 200, f"{path} answers {answer.status} (after {tries} tries)")


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    folder = Path(tempfile.mkdtemp(prefix="consensus-outage-"))
    if os.geteuid() == 0:
        # The cluster runs as postgres, which must own its folder.
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder, free_port())
    server = None
    try:
        with step(f"PostgreSQL cluster in {folder} on port {cluster.port}"):
            cluster.create()
            cluster.start()
            cluster.createdb("consensus")
        password = secrets.token_urlsafe(24)
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
        }
        env |= {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/consensus",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(folder / "static"),
            "BEHIND_TLS_PROXY": "1",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SUPERUSER_PASSWORD": password,
        }
        manage = [sys.executable, "manage.py"]
        with step("Migrate, import the founding record, collect the static files, add an editor"):
            run([*manage, "migrate", "--no-input", "-v0"], env=env)
            run([*manage, "import_meetings", *sorted(BASE_DIR.glob("meetings/data/*.yaml"))], env=env)
            run([*manage, "collectstatic", "--no-input", "-v0"], env=env)
            editor = ["--username", "editor", "--email", "editor@example.org"]
            run([*manage, "createsuperuser", "--no-input", *editor], env=env)
        server = Gunicorn(env, free_port(), folder / "gunicorn.log")
        with step(f"gunicorn (2 workers, DEBUG off) on port {server.port}"):
            server.start()
        browser = Browser(server.port)
        csrf_token = browser.sign_in("editor", password)
        workers = server.workers()
        say(f"  gunicorn workers: {workers}")

        with step("With PostgreSQL up: every page 200"):
            check_pages_up(browser)
        with step("Stop PostgreSQL (pg_ctl stop -m fast)"):
            cluster.stop("fast")
        with step("With PostgreSQL stopped: every page 503 with Retry-After, /healthz 200, /readyz 503"):
            check_pages_down(browser, csrf_token)
        with step("Start PostgreSQL again"):
            cluster.start()
        with step("With PostgreSQL back: every page 200 again, same gunicorn"):
            check_pages_recover(browser)
            check(
                server.process.poll() is None and server.workers() == workers,
                f"the same gunicorn workers served throughout: {server.workers()}",
            )
            log = server.log_text()
            warnings = log.count("Database unavailable, answered 503")
            check(warnings > 0, f"the outage was logged as warnings ({warnings} lines)")
            check("Traceback" not in log, "the gunicorn log holds no traceback")
    except SetupFailed as error:
        say(f"SET-UP FAILED: {error}")
        if server is not None:
            say("gunicorn log:\n" + server.log_text()[-3000:])
        return 2
    finally:
        with step("Clean up: gunicorn, the cluster, the folder"):
            if server is not None:
                server.stop()
            if cluster.running or (cluster.data / "postmaster.pid").exists():
                with contextlib.suppress(SetupFailed, subprocess.TimeoutExpired):
                    cluster.stop("immediate")
            shutil.rmtree(folder, ignore_errors=True)
    if failures:
        say(f"{len(failures)} check(s) failed:")
        for failure in failures:
            say(f"  {failure}")
        return 1
    say("All checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
