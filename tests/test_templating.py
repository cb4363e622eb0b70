"""The helpers the public templates call, with and without a request (meetings.templating.Page)."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from meetings.templating import Page


def _render(source, context=None, *, language, request=True):
    """``source`` rendered by the public pages' engine in ``language``, for a request or without one."""
    template = engines["jinja2"].from_string(source)
    with translation.override(language):
        return template.render(context or {}, RequestFactory().get("/") if request else None)


@pytest.mark.parametrize("request_given", [True, False])
@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Meetings"), ("zh-hans", "会议"), ("zh-hant", "會議")]
)
def test_messages_are_in_the_page_language(language, shown, request_given):
    html = _render(
        '{{ _("Meetings") }}|{% for i in [1, 2] %}{{ _("Meetings") }}{% endfor %}|{{ current_language() }}',
        language=language,
        request=request_given,
    )
    assert html == f"{shown}|{shown}{shown}|{language}"


@pytest.mark.parametrize("request_given", [True, False])
def test_messages_are_format_strings_whose_variables_are_escaped(request_given):
    html = _render(
        '{{ _("100%% sure") }} {% trans name=who %}Hello {{ name }}{% endtrans %}'
        " {% trans counter=n %}{{ counter }} point{% pluralize %}{{ counter }} points{% endtrans %}",
        {"who": "<b>", "n": 2},
        language="en",
        request=request_given,
    )
    assert html == "100% sure Hello &lt;b&gt; 2 points"


def test_the_language_is_the_one_the_page_was_rendered_in():
    """The context processor looks the language up once per page: each render gets its own."""
    assert _render('{{ _("Meetings") }}', language="zh-hant") == "會議"
    assert _render('{{ _("Meetings") }}', language="en") == "Meetings"
    assert _render('{{ _("Meetings") }}', language="zh-hans") == "会议"


@pytest.mark.parametrize("request_given", [True, False])
def test_partial_dates_and_labels_follow_the_page_language(request_given):
    from meetings.models import Pledge

    pledge = Pledge(status="no_record")
    html = _render(
        '{{ "2024-05"|local_partial }} {{ choice_label(pledge, "status") }}',
        {"pledge": pledge},
        language="zh-hans",
        request=request_given,
    )
    assert html == "2024年5月 暂无记录"


def test_originals_are_converted_to_the_page_script_unless_the_original_is_asked_for():
    template = engines["jinja2"].from_string('{{ original("鎵產業") }}')
    with translation.override("zh-hans"):
        converted = template.render({}, RequestFactory().get("/"))
        kept = template.render({}, RequestFactory().get("/?original=1"))
    assert converted == '<span lang="zh-Hans" class="converted" title="鎵產業">镓产业</span>'
    assert kept == '<span lang="zh">鎵產業</span>'


def test_every_helper_is_a_method_of_the_page():
    page = Page("en", None)
    helpers = page.helpers()
    assert set(helpers) == {*Page.HELPERS, "_", "page_helpers"}
    assert helpers["_"] == page.gettext
    assert all(callable(getattr(page, name)) for name in Page.HELPERS)


def _point(**fields):
    from meetings.models import Commitment, Meeting

    meeting = Meeting(language=fields.pop("language", "zh-Hans"))
    values = {"number": 1, "heading": "", "body": "", "heading_en": "", "body_en": ""}
    return Commitment(meeting=meeting, **{**values, **fields}), meeting


def test_a_point_shows_its_original_beside_our_english_escaped():
    commitment, meeting = _point(
        heading="加强<自律>", body="正文", heading_en="Self-discipline & more", body_en="Body"
    )
    html = _render(
        "{{ bilingual(commitment, meeting) }}", {"commitment": commitment, "meeting": meeting}, language="en"
    )
    assert html == (
        '<div class="bilingual">\n'
        '  <div class="original" lang="zh-Hans"><p class="label" lang="en">Original</p>'
        '<p class="heading">加强&lt;自律&gt;</p><p>正文</p></div>\n'
        "  \n"
        '  <div class="translation" lang="en"><p class="label" lang="en">English (our translation)</p>'
        '<p class="heading">Self-discipline &amp; more</p><p>Body</p></div>\n'
        "</div>"
    )


@pytest.mark.parametrize("request_given", [True, False])
def test_a_point_in_the_other_script_is_converted_and_its_exact_original_kept(request_given):
    commitment, meeting = _point(language="zh-Hans", heading="镓产业", body="")
    html = _render(
        "{{ bilingual(commitment, meeting) }}",
        {"commitment": commitment, "meeting": meeting},
        language="zh-hant",
        request=request_given,
    )
    assert (
        '<div class="original converted" lang="zh-Hant">'
        '<p class="label" lang="zh-Hant">原文（已轉換為繁體）</p>' in html
    )
    assert '<p class="heading">鎵產業</p></div>' in html
    assert '<summary>檢視原文</summary><p class="heading" lang="zh-Hans">镓产业</p></details>' in html
    # No body: no empty paragraphs, in the original or the English.
    assert "<p></p>" not in html
    assert '<p class="heading">尚未翻譯。</p></div>\n</div>' in html
