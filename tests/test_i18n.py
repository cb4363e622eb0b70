"""The interface in English, 简体 and 繁體: every page, the switcher, Accept-Language, dates."""

import pytest

from tests.test_smoke import PUBLIC_URLS

LANGUAGES = ["en", "zh-hans", "zh-hant"]
MAIN_PAGES = ["/", "/meetings/", "/meetings/gallium-symposium-2023/", "/companies/", "/commitments/"]
NAV = {
    "en": ("Meetings", "Companies", "Commitments"),
    "zh-hans": ("会议", "企业", "承诺"),
    "zh-hant": ("會議", "企業", "承諾"),
}


def _nav(html):
    return html[html.index('<ul class="nav">') : html.index("</nav>")]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_page_answers_in_every_language(in_language, founding_record, url, language):
    response = in_language(language).get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("url", MAIN_PAGES)
def test_the_main_pages_are_translated(in_language, founding_record, url, language):
    html = in_language(language).get(url).content.decode()
    nav = _nav(html)
    for label in NAV[language]:
        assert f">{label}</a>" in nav
    for english in NAV["en"]:
        assert english not in nav
    assert "Consensus tracker" not in html
    assert "Editors’ sign-in" not in html


def test_the_english_page_keeps_english_labels(client, founding_record):
    nav = _nav(client.get("/meetings/").content.decode())
    assert all(f">{label}</a>" in nav for label in NAV["en"])


@pytest.mark.parametrize(
    ("language", "tag", "heading"),
    [("en", "en", "Meetings"), ("zh-hans", "zh-Hans", "会议"), ("zh-hant", "zh-Hant", "會議")],
)
def test_the_html_lang_follows_the_language(in_language, founding_record, language, tag, heading):
    html = in_language(language).get("/meetings/").content.decode()
    assert f'<html lang="{tag}">' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    ("header", "language"),
    [("zh-TW", "zh-hant"), ("zh-HK", "zh-hant"), ("zh-CN", "zh-hans"), ("zh-SG", "zh-hans"), ("fr", "en")],
)
def test_accept_language_chooses_the_script(client, founding_record, header, language):
    response = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE=f"{header},en;q=0.5")
    assert response.headers["Content-Language"] == language


def test_every_page_header_has_the_switcher(client, founding_record):
    html = client.get("/companies/?province=guangdong").content.decode()
    assert '<form class="language-switcher" action="/i18n/setlang/" method="post">' in html
    assert '<input type="hidden" name="next" value="/companies/?province=guangdong">' in html
    for name in ("English", "简体中文", "繁體中文"):
        assert name in html


def test_the_switcher_returns_to_the_same_page_with_its_filters(client, founding_record):
    url = "/commitments/?company=chalco&company=east-hope-group&industry=gallium"
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": url})
    assert response.status_code == 302
    assert response.headers["Location"] == url
    html = client.get(response.headers["Location"]).content.decode()
    assert '<html lang="zh-Hant">' in html
    assert "5 條承諾" in html


def test_the_switcher_refuses_to_send_readers_elsewhere(client, founding_record):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "https://example.org/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("language", "date"), [("en", "2023-10-12"), ("zh-hans", "2023年10月12日"), ("zh-hant", "2023年10月12日")]
)
def test_dates_are_in_the_language_form(in_language, founding_record, language, date):
    html = in_language(language).get("/meetings/gallium-symposium-2023/").content.decode()
    assert f'<time datetime="2023-10-12">{date}</time>' in html


def test_filter_labels_and_choices_are_translated(in_language, founding_record):
    html = in_language("zh-hans").get("/companies/").content.decode()
    assert ">省份</label>" in html
    assert ">广东</option>" in html
    html = in_language("zh-hant").get("/commitments/").content.decode()
    assert ">承諾企業</label>" in html
    assert ">暫無記錄</option>" in html


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", "2024-05", "2024-05"),
        ("zh-hans", "2024", "2024年"),
        ("zh-hans", "2024-05", "2024年5月"),
        ("zh-hant", "2024-05-07", "2024年5月7日"),
        ("zh-hans", "", ""),
    ],
)
def test_partial_dates_are_in_the_language_form(language, value, shown):
    from django.utils import translation

    from meetings.partial_dates import local_partial

    with translation.override(language):
        assert local_partial(value) == shown
