"""Sign-in protection: repeated failures lock out a username from an address (django-axes),
the lockout ends after its cool-off or by command, and passwords must be strong."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory

from consensus.security import client_ip

LOGIN = "/admin/login/?next=/admin/"
RIGHT = "a-long-password"
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


def sign_in(client, password, username="editor", address=HOME, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, secure=True, **headers
    )


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail_five_times(client, username="editor", address=HOME, **headers):
    for attempt in range(5):
        response = sign_in(client, f"wrong-password-{attempt}", username, address, **headers)
    return response


def test_a_wrong_password_shows_the_sign_in_form_again(client, editor):
    response = sign_in(client, "wrong-password")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


def test_five_failures_lock_the_username_out_from_that_address_with_a_clear_page(client, editor):
    response = fail_five_times(client)

    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "wrong 5 times in a row" in response.text
    assert "paused for 60 minutes" in response.text
    assert "Traceback" not in response.text
    assert response["Content-Security-Policy"]  # the site's headers are on it too


def test_the_right_password_is_refused_while_locked_out(client, editor):
    fail_five_times(client)

    response = sign_in(client, RIGHT)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/", secure=True).status_code == 302  # still sent to sign in


def test_four_failures_do_not_lock_out(client, editor):
    for attempt in range(4):
        sign_in(client, f"wrong-password-{attempt}")
    assert signed_in(sign_in(client, RIGHT))


def test_the_same_username_can_still_sign_in_from_another_address(client, editor):
    fail_five_times(client)
    assert signed_in(sign_in(client, RIGHT, address=ELSEWHERE))


def test_another_username_can_still_sign_in_from_the_same_address(client, editor, django_user_model):
    django_user_model.objects.create_user("second", password="another-long-password", is_staff=True)
    fail_five_times(client)
    assert signed_in(sign_in(client, "another-long-password", username="second"))


def test_the_lockout_ends_after_the_cool_off(client, editor):
    fail_five_times(client)
    # An hour and a minute later:
    earlier = datetime.timedelta(minutes=61)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - earlier)

    assert signed_in(sign_in(client, RIGHT))


def test_the_lockout_is_still_on_before_the_cool_off_ends(client, editor):
    fail_five_times(client)
    earlier = datetime.timedelta(minutes=59)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - earlier)

    assert sign_in(client, RIGHT).status_code == 429


def test_axes_reset_lifts_every_lockout(client, editor):
    fail_five_times(client)

    call_command("axes_reset", verbosity=0)

    assert not AccessAttempt.objects.exists()
    assert signed_in(sign_in(client, RIGHT))


def test_axes_reset_username_lifts_that_users_lockout(client, editor):
    fail_five_times(client)
    call_command("axes_reset_username", "editor", verbosity=0)
    assert signed_in(sign_in(client, RIGHT))


def test_a_success_clears_the_earlier_failures(client, editor):
    for attempt in range(4):
        sign_in(client, f"wrong-password-{attempt}")
    assert signed_in(sign_in(client, RIGHT))
    client.logout()
    for attempt in range(4):
        sign_in(client, f"wrong-again-{attempt}")
    assert signed_in(sign_in(client, RIGHT))


# --- The client's address behind proxies ---------------------------------------------------


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_proxies_the_connections_address_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "10.9.9.9")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        # What the client wrote itself is left of what our proxy appended, and is ignored.
        (1, "10.9.9.9, 198.51.100.7", "198.51.100.7"),
        (1, "not-an-address, 198.51.100.7", "198.51.100.7"),
        # Two proxies: a CDN appends the client, then our proxy appends the CDN.
        (2, "10.9.9.9, 198.51.100.7, 192.0.2.50", "198.51.100.7"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_behind_proxies_the_outermost_proxys_view_is_the_client(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from("127.0.0.1", forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.7, nonsense", "198.51.100.7\n, 1"])
def test_a_missing_or_malformed_forwarded_header_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("127.0.0.1", forwarded)) == "127.0.0.1"


def test_behind_a_proxy_the_lockout_follows_the_real_address_not_a_forged_one(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    # An attacker cycles forged addresses in front of its own; the proxy appends the real one.
    for attempt in range(5):
        sign_in(
            client,
            f"wrong-{attempt}",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}, {HOME}",
        )
    locked = sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR=f"10.0.0.99, {HOME}")
    assert locked.status_code == 429
    assert signed_in(sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE))


# --- Password strength ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", "This password is too short. It must contain at least 12 characters."),
        ("123456654321", "This password is entirely numeric."),
        ("qwerty123456", "This password is too common."),
        ("editor@example.org", "The password is too similar to the email address."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(editor, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=editor)
    assert message in refused.value.messages


def test_a_long_uncommon_password_is_accepted(editor):
    assert validate_password("gallium-recovery-quarterly", user=editor) is None


@pytest.mark.parametrize(("language", "title"), [("zh-CN", "登录已暂停"), ("zh-TW", "登入已暫停")])
def test_the_lockout_page_speaks_the_editors_language(client, editor, language, title):
    response = fail_five_times(client, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    assert title in response.text
    assert "60" in response.text
