import os
import uuid
from collections import Counter

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property-based tests (hypothesis). "ci", the default, is fast and the same on every run:
# a fixed number of examples, derived from each test's name (derandomize) rather than
# random, with no example database. HYPOTHESIS_PROFILE=long tries many more, at random.
hypothesis_settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # The examples share the test's database fixture: they only read, or roll back what they write.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "long", parent=hypothesis_settings.get_profile("ci"), max_examples=3000, derandomize=False
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True, scope="session")
def _record_jinja2_renders():
    """``response.context`` and ``response.templates`` for the Jinja2 pages, as Django gives for its own.

    The test client collects them from the ``template_rendered`` signal, which only Django's
    template language sends while testing.
    """
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def render_and_record(self, context=None, request=None):
        self.name = self.origin.template_name
        template_rendered.send(sender=self, template=self, context={**(context or {}), "request": request})
        return render(self, context, request)

    backend.Template.render = render_and_record
    yield
    backend.Template.render = render


# Examples tried by each property-based test, reported at the end of the run.
CASES_TRIED = Counter()


def tried(name):
    """Count one example of the property-based test ``name``."""
    CASES_TRIED[name] += 1


def pytest_sessionfinish(session):
    # A worker process of pytest-xdist hands its counts to the process that reports.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hypothesis_cases_tried"] = dict(CASES_TRIED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: adds up the examples a worker tried (the hook exists only with xdist)."""
    CASES_TRIED.update(getattr(node, "workeroutput", {}).get("hypothesis_cases_tried", {}))


def pytest_terminal_summary(terminalreporter):
    if not CASES_TRIED:
        return
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    terminalreporter.write_sep("-", f"hypothesis ({profile} profile): {CASES_TRIED.total():,} cases tried")
    for name, count in sorted(CASES_TRIED.items()):
        terminalreporter.write_line(f"{count:>7,}  {name}")


FOUNDING_FILE = settings.BASE_DIR / "meetings" / "data" / "gallium-symposium-2023.yaml"
# The seven companies of the founding record, by slug, in the source's order.
FOUNDING_COMPANIES = [
    "chalco",
    "hangzhou-jinjiang-group",
    "guangdong-xiandao-rare-materials",
    "zhuhai-sez-fangyuan",
    "east-hope-group",
    "zhuzhou-keneng-new-materials",
    "shanxi-senze-energy-technology-group",
]


@pytest.fixture
def founding_record(db):
    """The founding meeting, imported from the file the product ships."""
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    from meetings.models import Meeting

    return Meeting.objects.get(slug="gallium-symposium-2023")


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def in_language(client, settings):
    """``in_language("zh-hant")``: the test client, choosing that interface language."""

    def choose(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return choose


# The page cache tests use the real Redis; each test gets its own key prefix.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def page_cache_on(settings):
    """The page cache on, in Redis (database 15 unless REDIS_TEST_URL says otherwise)."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    settings.PAGE_CACHE_SECONDS = 60
    cache = caches["pages"]
    cache.set("reachable", 1)  # fails loudly when Redis is not there
    yield cache
    # Keys expire on their own; other runs use other prefixes.
