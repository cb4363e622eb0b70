"""What the list filters build once per process, and the compiled lookups of the chosen records."""

import pytest
from django.http import QueryDict
from django.utils import translation

from meetings.filters import CommitmentFilter, CompanyFilter, MeetingFilter
from meetings.models import Commitment, Organization
from tests.factories import make_meeting_with_pledges


@pytest.fixture(autouse=True)
def english():
    # The messages below are Django's English ones; an earlier test may leave another language active.
    with translation.override("en"):
        yield


@pytest.fixture
def three_companies(db):
    meeting, firms, _points = make_meeting_with_pledges(companies=3, commitments=2)
    return meeting, firms


def _filterset(query, filterset_class=CommitmentFilter):
    return filterset_class(QueryDict(query), queryset=filterset_class._meta.model.objects.all())


@pytest.mark.parametrize("filterset_class", [MeetingFilter, CompanyFilter, CommitmentFilter])
def test_the_form_class_is_built_once_and_each_form_has_its_own_fields(db, filterset_class):
    first, second = _filterset("", filterset_class), _filterset("", filterset_class)
    assert type(first.form) is type(second.form)
    for name, field in first.form.fields.items():
        assert field is not second.form.fields[name]
        assert field is not type(first.form).base_fields[name]
    # A change one request makes to its form (meetings.filters.use_slug_boxes_for_long_lists)
    # stays in that form.
    first.form.fields["q"].help_text = "changed"
    assert _filterset("", filterset_class).form.fields["q"].help_text != "changed"


def test_the_chosen_companies_are_found_in_the_lists_order(three_companies):
    _meeting, firms = three_companies
    query = "&".join(f"company={firm.slug}" for firm in reversed(firms))
    filterset = _filterset(query)
    assert filterset.is_valid()
    chosen = filterset.form.cleaned_data["company"]
    assert isinstance(chosen, list)
    assert chosen == list(Organization.objects.companies().public().filter(pk__in=[f.pk for f in firms]))


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_any_number_of_chosen_companies_is_found(three_companies, count):
    _meeting, firms = three_companies
    # Repeated slugs are one choice, as in Django's own check.
    slugs = [firm.slug for firm in firms] * 2
    filterset = _filterset("&".join(f"company={slug}" for slug in slugs[:count]))
    assert filterset.is_valid()
    assert {o.pk for o in filterset.form.cleaned_data["company"]} == {f.pk for f in firms[:count]}


def test_an_unknown_company_among_known_ones_is_the_same_error_as_djangos(three_companies):
    _meeting, (a, _b, _c) = three_companies
    filterset = _filterset(f"company={a.slug}&company=no-such-company")
    assert not filterset.is_valid()
    assert filterset.errors["company"] == [
        "Select a valid choice. no-such-company is not one of the available choices."
    ]


def test_no_company_chosen_is_an_empty_list(three_companies):
    filterset = _filterset("q=")
    assert filterset.is_valid()
    assert filterset.form.cleaned_data["company"] == []
    assert filterset.qs.count() == Commitment.objects.count()


def test_a_chosen_meeting_is_found_and_an_unknown_one_is_an_invalid_choice(three_companies):
    meeting, _firms = three_companies
    filterset = _filterset(f"meeting={meeting.slug}")
    assert filterset.is_valid()
    assert filterset.form.cleaned_data["meeting"] == meeting
    filterset = _filterset("meeting=no-such-meeting")
    assert not filterset.is_valid()
    assert filterset.errors["meeting"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_a_null_character_in_a_slug_is_the_forms_error(three_companies):
    filterset = _filterset("meeting=a%00b&company=c%00d")
    assert not filterset.is_valid()
    assert filterset.errors["meeting"] == ["Null characters are not allowed."]
    assert filterset.errors["company"] == ["Null characters are not allowed."]


def test_more_companies_than_are_looked_up_compiled_get_djangos_own_check(three_companies):
    from meetings.filters import MOST_KEPT_SLUGS

    _meeting, firms = three_companies
    unknown = [f"no-such-company-{n}" for n in range(MOST_KEPT_SLUGS)]
    filterset = _filterset("&".join(f"company={slug}" for slug in [firms[0].slug, *unknown]))
    assert not filterset.is_valid()
    (message,) = filterset.errors["company"]
    assert message.startswith("Select a valid choice. no-such-company-") and "is not one of" in message
    everyone = [firm.slug for firm in firms] * (MOST_KEPT_SLUGS // 3 + 1)  # many, all known
    filterset = _filterset("&".join(f"company={slug}" for slug in everyone))
    assert filterset.is_valid()
    assert {o.pk for o in filterset.form.cleaned_data["company"]} == {f.pk for f in firms}


def test_a_very_long_slug_is_an_invalid_choice_not_an_error(three_companies):
    long_slug = "a" * 5000
    for query in (f"company={long_slug}", f"meeting={long_slug}"):
        filterset = _filterset(query)
        assert not filterset.is_valid()
        assert "not one of the available choices" in str(filterset.errors)
