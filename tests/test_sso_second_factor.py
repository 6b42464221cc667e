"""The second factor at log-in (django-allauth's TOTP and recovery codes behind the tracker's
log-in form), its lockout (django-axes counts wrong codes), enrolment, and the operator's
setting that requires one."""

import base64
import datetime
import hashlib
import hmac
import struct

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from bs4 import BeautifulSoup
from django.core.cache import cache

from milestones.models import Person, ProgrammeOfficer
from tests.conftest import PASSWORD
from tests.helpers import texts
from tests.test_views_accounts import invitation_path

LOGIN = "/accounts/login/"
SECOND_STEP = "/accounts/2fa/authenticate/"
NOW = datetime.datetime(2024, 3, 1, 9, 0, 10, tzinfo=datetime.UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret, moment):
    """RFC 6238: HMAC-SHA1 of the 30-second step, dynamically truncated to six digits."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(moment.timestamp()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@pytest.fixture(autouse=True)
def clean_cache():
    # allauth remembers used codes in the cache; every test starts without any.
    cache.clear()


@pytest.fixture
def member_with_totp(member):
    TOTP.activate(member, SECRET)
    return member


def log_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR="192.0.2.10")


def send_code(client, code):
    return client.post(SECOND_STEP, {"code": code}, REMOTE_ADDR="192.0.2.10")


def errors(response):
    return texts(response, "form .errorlist li, form [role=alert], form small")


def is_logged_in(client):
    return "_auth_user_id" in client.session


@time_machine.travel(NOW, tick=False)
def test_second_factor_asked_after_password_then_code_logs_in(client, member_with_totp):
    after_password = log_in(client, member_with_totp.email)
    logged_in_before_code = is_logged_in(client)

    after_code = send_code(client, totp_code(SECRET, NOW))

    assert (after_password.status_code, after_password["Location"]) == (302, SECOND_STEP)
    assert logged_in_before_code is False
    assert (after_code.status_code, after_code["Location"]) == (302, "/")
    assert is_logged_in(client) is True


@time_machine.travel(NOW, tick=False)
def test_second_factor_wrong_code_refused(client, member_with_totp):
    log_in(client, member_with_totp.email)
    wrong = f"{(int(totp_code(SECRET, NOW)) + 1) % 1_000_000:06d}"

    response = send_code(client, wrong)

    assert response.status_code == 200
    assert "Incorrect code." in errors(response)
    assert is_logged_in(client) is False


@time_machine.travel(NOW, tick=False)
def test_second_factor_code_used_twice_refused(client, member_with_totp):
    code = totp_code(SECRET, NOW)
    log_in(client, member_with_totp.email)
    send_code(client, code)
    client.post("/accounts/logout/")

    log_in(client, member_with_totp.email)
    response = send_code(client, code)

    assert response.status_code == 200
    assert "Incorrect code." in errors(response)
    assert is_logged_in(client) is False


@time_machine.travel(NOW, tick=False)
def test_second_factor_recovery_code_works_once(client, member_with_totp):
    code = RecoveryCodes.activate(member_with_totp).get_unused_codes()[0]
    log_in(client, member_with_totp.email)
    first = send_code(client, code)
    client.post("/accounts/logout/")

    log_in(client, member_with_totp.email)
    second = send_code(client, code)

    assert (first.status_code, first["Location"]) == (302, "/")
    assert "Incorrect code." in errors(second)


@time_machine.travel(NOW, tick=False)
def test_second_factor_five_wrong_codes_pause_log_in(client, member_with_totp):
    wrong = f"{(int(totp_code(SECRET, NOW)) + 1) % 1_000_000:06d}"
    log_in(client, member_with_totp.email)
    statuses = [send_code(client, wrong).status_code for _ in range(5)]

    right_code = send_code(client, totp_code(SECRET, NOW))
    password_again = log_in(client, member_with_totp.email)

    assert statuses == [200, 200, 200, 200, 429]
    assert right_code.status_code == 429
    assert BeautifulSoup(password_again.content, "html.parser").h1.get_text() == "Log-in paused"
    assert is_logged_in(client) is False


@time_machine.travel(NOW, tick=False)
def test_second_factor_wrong_passwords_and_codes_count_together(client, member_with_totp):
    wrong = f"{(int(totp_code(SECRET, NOW)) + 1) % 1_000_000:06d}"
    password_statuses = [
        log_in(client, member_with_totp.email, "wrong").status_code for _ in range(3)
    ]
    log_in(client, member_with_totp.email)
    code_statuses = [send_code(client, wrong).status_code for _ in range(2)]

    assert (password_statuses, code_statuses) == ([200, 200, 200], [200, 429])


@time_machine.travel(NOW, tick=False)
def test_second_factor_enrolled_from_the_account_page(client, member):
    log_in(client, member.email)
    page = client.get("/accounts/2fa/totp/activate/")
    secret = BeautifulSoup(page.content, "html.parser").select_one("#authenticator_secret")["value"]

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret, NOW)})

    assert response.status_code == 302
    assert list(
        Authenticator.objects.filter(user=member).values_list("type", flat=True).order_by("type")
    ) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]


@time_machine.travel(NOW, tick=False)
def test_second_factor_required_sends_officer_to_enrol(client, settings, programme, officer):
    settings.MFA_REQUIRED_FOR = "officers"
    log_in(client, officer.email)

    dashboard = client.get("/", follow=True)
    account = client.get("/account/")

    assert dashboard.redirect_chain == [("/accounts/2fa/", 302)]
    assert texts(dashboard, "p[role=status]") == [
        "Your programme requires a second factor: set up an authenticator app or a security "
        "key before you go on."
    ]
    assert (account.status_code, account["Location"]) == (302, "/accounts/2fa/")


@time_machine.travel(NOW, tick=False)
def test_second_factor_required_for_officers_leaves_members_alone(client, settings, member):
    settings.MFA_REQUIRED_FOR = "officers"
    log_in(client, member.email)

    response = client.get("/")

    assert response.status_code == 200


@time_machine.travel(NOW, tick=False)
def test_second_factor_required_lets_enrolled_officer_through(client, settings, programme, officer):
    settings.MFA_REQUIRED_FOR = "everyone"
    TOTP.activate(officer, SECRET)
    log_in(client, officer.email)
    send_code(client, totp_code(SECRET, NOW))

    response = client.get("/")

    assert ProgrammeOfficer.objects.filter(person=officer).exists()
    assert response.status_code == 200


@time_machine.travel(NOW, tick=False)
def test_second_factor_kept_through_password_reset(client, member_with_totp, mailoutbox):
    client.post("/accounts/password_reset/", {"email": member_with_totp.email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "://" in line)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh Pass-phrase 42", "new_password2": "a fresh Pass-phrase 42"},
    )

    response = log_in(client, member_with_totp.email, "a fresh Pass-phrase 42")

    assert (response.status_code, response["Location"]) == (302, SECOND_STEP)
    assert list(
        Authenticator.objects.filter(user=member_with_totp).values_list("type", flat=True)
    ) == [Authenticator.Type.TOTP]


@time_machine.travel(NOW, tick=False)
def test_second_factor_not_skipped_by_an_invitation_link(client, coordinator, cluster):
    path = invitation_path(client, coordinator)
    TOTP.activate(Person.objects.get(email="nina@saxocell.test"), SECRET)
    form_page = client.get(path, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
    )
    logged_in_by_link = is_logged_in(client)
    response = log_in(client, "nina@saxocell.test", "a-long-new-pass-42")

    assert logged_in_by_link is False
    assert (response.status_code, response["Location"]) == (302, SECOND_STEP)
