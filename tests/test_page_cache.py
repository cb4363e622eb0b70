"""The public page cache in Redis: pages are served from it, and every write empties it.

These tests use the Redis server at REDIS_TEST_URL (default redis://127.0.0.1:6379/15)
under a key prefix of their own; without a reachable Redis they fail, they do not skip.
They use real transactions (``transactional_db``) because the cache is emptied when a
write commits.
"""

import datetime

import pytest
from django.core.management import call_command
from django.http import HttpResponse

from meetings import cache as page_cache
from meetings.models import Evidence, Industry, Meeting, Verdict
from tests.conftest import FOUNDING_FILE
from tests.factories import make_source

MEETING = "/meetings/gallium-symposium-2023/"
PUBLIC = [
    "/",
    "/meetings/",
    MEETING,
    "/companies/",
    "/companies/chalco/",
    "/commitments/?company=chalco",
    "/commitments/gallium-symposium-2023/4/",
]


@pytest.fixture
def record(transactional_db):
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    return Meeting.objects.get(slug="gallium-symposium-2023")


def _get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response


def test_a_second_request_is_served_from_the_cache(client, page_cache_on, record):
    for url in PUBLIC:
        first = _get(client, url)
        assert first["X-Page-Cache"] == "miss"
        second = _get(client, url)
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        # The headers added by the middleware above the cache are on a cached page too.
        assert second["X-Frame-Options"] == "DENY"
        assert second["Content-Language"] == "en"


def test_without_a_cache_nothing_is_stored(client, settings, record):
    settings.PAGE_CACHE_SECONDS = 0
    assert "X-Page-Cache" not in _get(client, MEETING)
    assert "X-Page-Cache" not in _get(client, MEETING)


def test_an_edit_saved_in_code_is_seen_at_once(client, page_cache_on, record):
    assert "Symposium on the high-quality" in _get(client, MEETING).content.decode()
    assert _get(client, MEETING)["X-Page-Cache"] == "hit"
    record.title_en = "A corrected English title"
    record.save()
    response = _get(client, MEETING)
    assert response["X-Page-Cache"] == "miss"
    assert "A corrected English title" in response.content.decode()


def test_new_evidence_changes_the_cached_status_at_once(client, page_cache_on, record):
    url = "/companies/chalco/"
    assert "no record yet" in _get(client, url).content.decode()
    _get(client, url)
    point = record.commitments.get(number=4)
    Evidence.objects.create(
        commitment=point,
        observed_on=datetime.date(2024, 6, 1),
        verdict=Verdict.IN_PROGRESS,
        summary_en="Export licences applied for.",
        quote="申請出口許可。",
        source=make_source(),
    )
    from meetings.status import refresh_pledge_statuses

    refresh_pledge_statuses([point.pk])
    html = _get(client, url).content.decode()
    assert "in progress" in html


def test_an_admin_edit_is_seen_at_once(client, page_cache_on, record, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "a-long-password")
    _get(client, "/companies/")
    assert _get(client, "/companies/")["X-Page-Cache"] == "hit"
    chalco = record.participations.get(organization__slug="chalco").organization
    editor_client = type(client)()
    editor_client.force_login(editor)
    url = f"/admin/meetings/organization/{chalco.pk}/change/"
    # The version of the record the page was opened at (see meetings/admin/versions.py).
    opened = editor_client.get(url).context["adminform"].form["loaded_version"].value()
    response = editor_client.post(
        url,
        {
            "loaded_version": opened,
            "name": chalco.name,
            "name_en": "Chalco (edited)",
            "slug": chalco.slug,
            "kind": chalco.kind,
            "province": "",
            "notes": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Chalco (edited)" in _get(client, "/companies/").content.decode()


def test_an_admin_action_is_seen_at_once(client, page_cache_on, record, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "a-long-password")
    assert _get(client, "/meetings/").context["page"].paginator.count == 1
    editor_client = type(client)()
    editor_client.force_login(editor)
    response = editor_client.post(
        "/admin/meetings/meeting/",
        {"action": "return_to_draft", "_selected_action": [record.pk]},
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=record.pk).status == Meeting.Status.DRAFT
    response = client.get("/meetings/")
    assert response["X-Page-Cache"] == "miss"
    assert "gallium-symposium-2023" not in response.content.decode()
    assert client.get(MEETING).status_code == 404


def test_a_request_that_writes_without_signals_still_empties_the_cache(page_cache_on, record, rf):
    """queryset.update() sends no signal: the POST that ran it empties the cache when answered."""

    def view(request):
        Meeting.objects.filter(pk=record.pk).update(title_en="Updated in bulk")
        return HttpResponse("done")

    middleware = page_cache.PageCacheMiddleware(view)
    before = page_cache.version()
    request = rf.get("/meetings/")
    request.LANGUAGE_CODE = "en"
    middleware(request)
    assert page_cache.version() == before  # reading changes nothing
    post = rf.post("/admin/meetings/meeting/")
    post.LANGUAGE_CODE = "en"
    middleware(post)
    assert page_cache.version() == before + 1


def test_a_link_change_is_seen_at_once(client, page_cache_on, record):
    _get(client, "/meetings/?industry=gallium")
    record.industries.clear()
    response = client.get("/meetings/?industry=gallium")
    assert "gallium-symposium-2023" not in response.content.decode()
    Industry.objects.get(slug="gallium").meetings.add(record)
    assert "gallium-symposium-2023" in _get(client, "/meetings/?industry=gallium").content.decode()


def test_a_rolled_back_write_leaves_the_cache_alone(client, page_cache_on, record):
    from django.db import transaction

    _get(client, MEETING)
    with pytest.raises(RuntimeError), transaction.atomic():
        record.title_en = "Never committed"
        record.save()
        raise RuntimeError
    response = _get(client, MEETING)
    assert response["X-Page-Cache"] == "hit"
    assert "Never committed" not in response.content.decode()


def test_each_language_and_address_has_its_own_page(client, page_cache_on, record, settings):
    english = _get(client, "/meetings/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = _get(client, "/meetings/")
    assert chinese["X-Page-Cache"] == "miss"
    assert chinese["Content-Language"] == "zh-hans"
    assert chinese.content != english.content
    assert _get(client, "/meetings/?q=鎵")["X-Page-Cache"] == "miss"
    assert _get(client, "/meetings/?q=鎵")["X-Page-Cache"] == "hit"


def test_signed_in_editors_admin_pages_and_downloads_are_never_cached(
    client, page_cache_on, record, django_user_model
):
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "a-long-password")
    client.force_login(editor)
    assert "X-Page-Cache" not in _get(client, MEETING)
    assert "X-Page-Cache" not in _get(client, "/admin/meetings/meeting/")
    client.logout()
    client.cookies.clear()
    assert "X-Page-Cache" not in client.get("/commitments/export.csv")
    assert "X-Page-Cache" not in client.get("/meetings/no-such-meeting/")


def test_public_pages_set_no_cookie(client, record):
    """A cookie on a public page would be shared by every reader of the cached copy."""
    for url in PUBLIC:
        assert not client.get(url).cookies, url


def test_the_language_switcher_works_without_a_cookie_first(client, record):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": MEETING})
    assert response.status_code == 302
    assert client.get(MEETING)["Content-Language"] == "zh-hant"


def test_bulk_commands_empty_the_cache(client, page_cache_on, record):
    _get(client, "/meetings/")
    before = page_cache.version()
    call_command("refresh_statuses", verbosity=0)  # nothing to change: no need to empty
    assert page_cache.version() == before
    call_command("generate_synthetic", scale="tiny", seed=3, verbosity=0)
    assert page_cache.version() > before
    assert _get(client, "/meetings/")["X-Page-Cache"] == "miss"


def test_an_unreachable_cache_serves_pages_without_it(client, settings, record, caplog):
    """Losing Redis costs speed, not pages: nothing listens on port 1."""
    settings.CACHES = {
        **settings.CACHES,
        "gone": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.PAGE_CACHE_ALIAS = "gone"
    settings.PAGE_CACHE_SECONDS = 60
    response = client.get(MEETING)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "Symposium on the high-quality" in response.content.decode()
    record.title_en = "Saved while the cache is away"
    record.save()  # the write stands; emptying the cache is logged, not raised
    assert "Saved while the cache is away" in client.get(MEETING).content.decode()
    assert "page cache" in caplog.text


def test_a_transaction_of_many_writes_empties_the_cache_once(page_cache_on, record):
    from django.db import transaction

    before = page_cache.version()
    with transaction.atomic():
        for number in range(1, 6):
            point = record.commitments.get(number=number)
            point.heading_en += " (edited)"
            point.save()
    assert page_cache.version() == before + 1


def test_a_write_after_a_rolled_back_savepoint_still_empties_the_cache(page_cache_on, record):
    from django.db import transaction

    before = page_cache.version()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            record.save()  # registers the bump inside the savepoint
            raise RuntimeError
        record.title_en = "Saved after the rollback"
        record.save()
    assert page_cache.version() == before + 1
