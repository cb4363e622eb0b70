import pytest
from django.conf import settings
from django.core.management import call_command

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
