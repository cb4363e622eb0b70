"""Security headers on every kind of answer, cookies that only HTTPS can carry, and the
MDN HTTP Observatory's score worked out from the home page's real headers.

The suite runs the production settings (DEBUG off); requests are made as HTTPS
(``secure=True``), as they reach the site behind TLS.
"""

import pytest
from django.test import Client
from django.urls import include, path

from tests.factories import make_meeting

YEAR = 365 * 24 * 60 * 60
HSTS = f"max-age={YEAR}; includeSubDomains; preload"
CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}
EXPECTED = {
    "Strict-Transport-Security": HSTS,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def broken_view(request):
    raise RuntimeError("a view that fails")


# The site's URLs plus one that fails, for the 500 page (tests only).
urlpatterns = [path("broken/", broken_view), path("", include("consensus.urls"))]


def directives(policy):
    """A Content-Security-Policy header as {directive: [sources]}."""
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_secure_headers(response, but=()):
    where = response.request["PATH_INFO"]
    for name, value in EXPECTED.items():
        if name not in but:
            assert response.get(name) == value, f"{name} on {where}"
    assert directives(response.get("Content-Security-Policy", "")) == CSP, where


@pytest.fixture
def founding(founding_record):
    return founding_record


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/meetings/",
        "/meetings/gallium-symposium-2023/",
        "/companies/chalco/",
        "/commitments/?company=chalco",
        "/commitments/export.csv?company=chalco",
        "/commitments/export.json",
        "/meetings/export.schema.json",
        "/feeds/meetings/",
        "/meetings/gallium-symposium-2023/feed/",
    ],
)
def test_public_pages_downloads_and_feeds_carry_every_header(client, founding, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.parametrize("url", ["/", "/meetings/", "/meetings/gallium-symposium-2023/", "/no-such-page/"])
def test_public_pages_set_no_cookie_and_do_not_vary_on_cookies(client, founding, url):
    # The page cache (meetings/cache.py) serves one copy to every reader.
    response = client.get(url, secure=True)
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def test_the_404_page_carries_every_header(client, db):
    response = client.get("/meetings/no-such-meeting/", secure=True)
    assert response.status_code == 404
    assert_secure_headers(response)


def test_the_500_page_carries_every_header_and_shows_no_traceback(settings, db):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", secure=True)
    assert response.status_code == 500
    assert_secure_headers(response)
    assert "Something went wrong" in response.text
    assert "RuntimeError" not in response.text and "a view that fails" not in response.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text
    assert '<main id="main" class="page">' in response.text


def test_the_admin_sign_in_page_carries_every_header(client, db):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_the_admin_change_form_carries_every_header_and_has_no_inline_script_or_style(editor_client):
    meeting = make_meeting()
    for url in ["/admin/", "/admin/meetings/meeting/", f"/admin/meetings/meeting/{meeting.pk}/change/"]:
        response = editor_client.get(url, secure=True)
        assert response.status_code == 200
        assert_secure_headers(response)
        html = response.text
        # Under script-src/style-src 'self', only files of this site may run or style the page.
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert " onclick=" not in html and " onload=" not in html and "javascript:" not in html


def test_the_autocomplete_answers_carry_every_header(editor_client):
    make_meeting()
    params = {"app_label": "meetings", "model_name": "meeting", "field_name": "organizer", "term": ""}
    response = editor_client.get("/admin/autocomplete/", params, secure=True)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_the_article_screen_has_its_style_in_a_static_file(editor_client):
    response = editor_client.get("/admin/meetings/meeting/from-article/", secure=True)
    assert response.status_code == 200
    assert "<style" not in response.text
    assert "css/admin-from-article.css" in response.text


def test_static_files_served_by_whitenoise_carry_every_header(settings, db):
    # The suite has no collected static folder; WhiteNoise can serve from the app folders.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/site.css", secure=True)
    assert response.status_code == 200
    # X-Frame-Options comes from Django's middleware below WhiteNoise; for a stylesheet the
    # CSP's frame-ancestors 'none' says the same to every browser that reads CSP.
    assert_secure_headers(response, but=["X-Frame-Options"])


def test_plain_http_is_redirected_to_https_on_the_same_host(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/meetings/?year=2023", HTTP_HOST="testserver")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/meetings/?year=2023"


def test_hsts_is_only_sent_over_https(client, db):
    # Browsers ignore it over plain HTTP, and Django leaves it off there.
    assert "Strict-Transport-Security" not in client.get("/")


# --- Cookies -------------------------------------------------------------------------------


def assert_host_only_secure_cookie(cookie):
    assert cookie.key.startswith("__Host-")
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]  # __Host- cookies name no domain


def test_the_csrf_cookie_of_the_sign_in_page_is_secure_and_host_only(client, db):
    response = client.get("/admin/login/", secure=True)
    assert list(response.cookies) == ["__Host-csrftoken"]
    assert_host_only_secure_cookie(response.cookies["__Host-csrftoken"])


def test_the_session_cookie_of_a_signed_in_editor_is_secure_and_host_only(client, editor):
    client.get("/admin/login/", secure=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "a-long-password"},
        secure=True,
    )
    assert response.status_code == 302
    assert_host_only_secure_cookie(response.cookies["__Host-sessionid"])


def test_the_language_cookie_is_secure_and_host_only(client, db):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"}, secure=True)
    assert response.status_code == 302
    assert_host_only_secure_cookie(response.cookies["__Host-language"])
    assert client.get("/", secure=True)["Content-Language"] == "zh-hant"


# --- The MDN HTTP Observatory's score -------------------------------------------------------


def observatory_score(response, redirects_to_https_on_same_host):
    """The Observatory's tests (README, "Security"), worked out from one answer's headers.

    Round one takes the penalties off 100; round two adds the bonuses when the result is 90
    or more. 100 and above is A+.
    """
    modifiers = {}
    csp = directives(response["Content-Security-Policy"])
    unsafe = {"'unsafe-inline'", "'unsafe-eval'", "data:", "*", "http:", "https:"}
    sources = {source for values in csp.values() for source in values}
    assert not sources & unsafe
    assert csp["form-action"] in (["'self'"], ["'none'"])
    modifiers["content-security-policy"] = 10 if csp["default-src"] == ["'none'"] else 5
    modifiers["cookies"] = 0 if not response.cookies else None  # no cookies: nothing to judge
    modifiers["cross-origin-resource-sharing"] = 0 if "Access-Control-Allow-Origin" not in response else None
    modifiers["redirection"] = 0 if redirects_to_https_on_same_host else -20
    modifiers["referrer-policy"] = (
        5
        if response["Referrer-Policy"]
        in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
        else -5
    )
    max_age = int(response["Strict-Transport-Security"].split(";")[0].removeprefix("max-age="))
    modifiers["strict-transport-security"] = 0 if max_age >= 15768000 else -10  # +5 once on the list
    modifiers["subresource-integrity"] = 0 if "<script" not in response.text else None  # no scripts
    modifiers["x-content-type-options"] = 0 if response["X-Content-Type-Options"] == "nosniff" else -5
    modifiers["x-frame-options"] = 5 if csp["frame-ancestors"] == ["'none'"] else 0
    modifiers["cross-origin-resource-policy"] = (
        10 if response["Cross-Origin-Resource-Policy"] in ("same-origin", "same-site") else 0
    )
    assert None not in modifiers.values(), modifiers
    penalties = sum(value for value in modifiers.values() if value < 0)
    bonuses = sum(value for value in modifiers.values() if value > 0)
    score = 100 + penalties
    if score >= 90:
        score += bonuses
    return score, modifiers


def test_the_home_page_scores_a_plus_on_the_mdn_http_observatory(settings, founding):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    client = Client()
    redirect = client.get("/", HTTP_HOST="tracker.example.org")
    same_host = redirect.status_code == 301 and redirect["Location"] == "https://tracker.example.org/"

    score, modifiers = observatory_score(
        client.get("/", HTTP_HOST="tracker.example.org", secure=True), same_host
    )

    assert modifiers == {
        "content-security-policy": 10,
        "cookies": 0,
        "cross-origin-resource-sharing": 0,
        "redirection": 0,
        "referrer-policy": 5,
        "strict-transport-security": 0,
        "subresource-integrity": 0,
        "x-content-type-options": 0,
        "x-frame-options": 5,
        "cross-origin-resource-policy": 10,
    }
    assert score == 130  # A+ (100 and above); 135 once the domain is on the HSTS preload list
