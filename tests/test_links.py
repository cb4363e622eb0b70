"""meetings.links.link() gives exactly what reverse() gives."""

import pytest
from django.urls import reverse, set_script_prefix

from meetings.links import link


@pytest.mark.parametrize(
    ("viewname", "args"),
    [
        ("meetings:meeting-detail", ["gallium-symposium-2023"]),
        ("meetings:company-detail", ["chalco"]),
        ("meetings:organization-detail", ["cnia"]),
        ("meetings:commitment-detail", ["gallium-symposium-2023", 3]),
        ("meetings:commitment-detail", ["syn-m000001-2024-arg0-0arg1", 12]),  # a slug like the placeholder
        ("meetings:meeting-changes", ["m"]),
        ("meetings:home", []),
        ("meetings:commitment-list", []),
    ],
)
def test_link_equals_reverse(viewname, args):
    assert link(viewname, *args) == reverse(viewname, args=args)


def test_link_follows_the_script_prefix():
    try:
        set_script_prefix("/tracker/")
        assert link("meetings:company-detail", "chalco") == "/tracker/companies/chalco/"
    finally:
        set_script_prefix("/")
    assert link("meetings:company-detail", "chalco") == "/companies/chalco/"


def test_the_pages_links_made_once_per_request_follow_the_script_prefix(client, founding_record):
    """The meeting page makes each company's and point's address once (templating.absolute_url)."""
    plain = client.get("/meetings/gallium-symposium-2023/").content.decode()
    try:  # as the WSGI handler sets it for a site served under /tracker/
        set_script_prefix("/tracker/")
        prefixed = client.get("/meetings/gallium-symposium-2023/").content.decode()
    finally:
        set_script_prefix("/")
    company_links = plain.count('href="/companies/')
    point_links = plain.count('href="/commitments/gallium-symposium-2023/')
    assert company_links > 7 and point_links > 35  # seven companies, five points, in the matrix and lists
    assert prefixed.count('href="/tracker/companies/') == company_links
    assert prefixed.count('href="/tracker/commitments/gallium-symposium-2023/') == point_links
    assert 'href="/companies/' not in prefixed
    # The header's links too (templating.url: each name reversed once per prefix).
    assert 'href="/meetings/"' in plain and 'href="/meetings/"' not in prefixed
    assert 'href="/tracker/meetings/"' in prefixed


def test_absolute_url_without_a_request_is_the_records_own(founding_record):
    from meetings.templating import absolute_url

    point = founding_record.commitments.get(number=2)
    assert absolute_url(None, point) == point.get_absolute_url() == "/commitments/gallium-symposium-2023/2/"


@pytest.mark.parametrize(
    ("viewname", "args", "kwargs"),
    [
        ("meetings:meeting-changes", ["gallium-symposium-2023"], {}),
        ("meetings:feed-company", ["chalco"], {}),
        ("meetings:commitment-detail", ["gallium-symposium-2023", 3], {}),
        ("meetings:company-detail", [], {"slug": "chalco"}),
        ("meetings:home", [], {}),
    ],
)
def test_the_templates_url_equals_reverse(viewname, args, kwargs):
    from meetings.templating import url

    assert url(viewname, *args, **kwargs) == reverse(viewname, args=args or None, kwargs=kwargs or None)


def test_the_templates_url_refuses_what_reverse_refuses():
    from django.urls import NoReverseMatch

    from meetings.templating import url

    for args in (["not a slug/ü"], ["gallium-symposium-2023", -1], ["gallium-symposium-2023", True]):
        with pytest.raises(NoReverseMatch):
            reverse("meetings:commitment-detail" if len(args) == 2 else "meetings:company-detail", args=args)
        with pytest.raises(NoReverseMatch):
            url("meetings:commitment-detail" if len(args) == 2 else "meetings:company-detail", *args)
