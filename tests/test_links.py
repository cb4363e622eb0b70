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
