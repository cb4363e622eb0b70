"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Playwright's own browser download is never used: the tests launch the system Chromium
(``apt-get install chromium``; CHROMIUM_PATH to use another). Without it the tests are
skipped with a message, unless REQUIRE_BROWSER is set (as CI sets it): then they fail.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread, and Django refuses
# database access from a thread with a running loop unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Without the network flags Chromium tries to reach Google's services at every start.
HEADLESS_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MEETING = "/meetings/gallium-symposium-2023/"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = (
            f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's package "
            "(apt-get install -y chromium), or CHROMIUM_PATH naming another build."
        )
        if os.environ.get("REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no", "off"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": HEADLESS_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture
def site(live_server, founding_record):
    """The live server's address, with the founding record loaded."""
    return live_server.url


@pytest.fixture
def choose_language(context, live_server):
    """``choose_language("zh-hant")``: the interface language, chosen as the header's switcher
    chooses it (the server sets its cookie, whatever name and flags the settings give it)."""

    def choose(language):
        response = context.request.post(
            live_server.url + "/i18n/setlang/", form={"language": language, "next": "/"}, max_redirects=0
        )
        assert response.status == 302, response.status

    return choose


@pytest.fixture
def tracked_site(site, founding_record):
    """The founding record with evidence of every verdict, an overdue item and a correction,
    so that every kind of status badge and the corrections list are on the pages."""
    import datetime

    from django.core.management import call_command

    from meetings.models import Verdict
    from tests.factories import make_action_item, make_evidence, make_source

    source = make_source(title="測試報道", publisher="測試網", url="https://news.example.org/gallium")
    points = {point.number: point for point in founding_record.commitments.all()}
    pledges = points[4].pledges.select_related("organization")
    pledges = {pledge.organization.slug: pledge for pledge in pledges}
    verdicts = {
        "chalco": Verdict.FULFILLED,
        "east-hope-group": Verdict.IN_PROGRESS,
        "hangzhou-jinjiang-group": Verdict.NOT_MET,
        "zhuhai-sez-fangyuan": Verdict.WITHDRAWN,
    }
    for slug, verdict in verdicts.items():
        make_evidence(pledge=pledges[slug], verdict=verdict, source=source)
    make_evidence(commitment=points[2], verdict=Verdict.IN_PROGRESS, source=source)
    make_action_item(
        points[3],
        text_en="Test data: an item with a deadline that has passed.",
        deadline=datetime.date(2024, 12, 31),
        deadline_precision="day",
    )
    call_command("refresh_statuses", verbosity=0)
    founding_record.place_en = "Yinchuan, Ningxia Hui Autonomous Region"
    founding_record.save()
    return site


@pytest.fixture
def admin_signed_in(page, site, django_user_model):
    """The page, signed in to the admin through its sign-in form as a new editor."""
    password = "a-long-password-for-the-browser"
    django_user_model.objects.create_superuser("browser-editor", "browser-editor@example.org", password)
    page.goto(site + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("browser-editor")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + "/admin/")
    return page


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(request):
    """Fails a test whose page broke the Content-Security-Policy (an inline style or script,
    another origin): the browser refuses those and says so on its console."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)
