"""Issue 10: a credential is masked whatever happened to it before it reached a message."""

from __future__ import annotations

import pytest

from syncline.connectors.base import ConfigurationError, PermanentError, check_url
from syncline.connectors.network import is_public
from syncline.connectors.redact import MASK, Redactor, safe_message
from syncline.connectors.registry import validate_connector_config

TOKEN = "CANARYabcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize(
    "form",
    [
        repr(TOKEN + "\n")[1:-1],  # str repr: backslash-n
        repr(("Bearer " + TOKEN + "\n").encode())[2:-1],  # h11: Illegal header value b'...\n'
        TOKEN[:30],  # cut short
        TOKEN[9:40],  # a long piece from the middle
    ],
)
def test_transformed_and_partial_forms_are_masked(form: str) -> None:
    redactor = Redactor([TOKEN + "\n"])
    masked = redactor.redact(f"x {form} y")
    assert MASK in masked and TOKEN[12:28] not in masked


def test_two_spaces_survive_whitespace_collapsing() -> None:
    secret = "tok-CANARY  two-spaces"
    error = Redactor([secret]).scrub(PermanentError(f"HTTP 401: bad token\n{secret}\t!"))
    assert "CANARY" not in error.message and MASK in error.message


def test_a_long_token_is_redacted_before_the_message_is_cut() -> None:
    jwt = "eyJ" + "A" * 400 + "CANARY" + "B" * 560
    error = Redactor([jwt]).scrub(PermanentError("HTTP 401: " + "pad " * 10 + jwt))
    assert len(error.message) <= 500
    assert "CANARY" not in error.message and "AAAAAAAAAAAAAAAA" not in error.message


def test_safe_message_masks_live_connector_secrets() -> None:
    keep = Redactor(["s3cr3t-value-of-a-live-connector"])
    assert "s3cr3t" not in safe_message("failed with s3cr3t-value-of-a-live-connector")
    del keep


def test_url_encoded_forms() -> None:
    secret = "p@ss/w0rd with spaces!"
    text = "q=p%40ss%2Fw0rd%20with%20spaces%21 r=p%40ss/w0rd+with+spaces%21"
    assert "w0rd" not in Redactor([secret]).redact(text)


@pytest.mark.parametrize("value", ["zq9x\n", "zq\t9x", "zq\x009x", "zq9x\r"])
def test_control_characters_in_credentials_are_refused_without_echo(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config("rest", "https://api.example.com", {"auth": "bearer"}, {"token": value})
    assert caught.value.field == "credentials.token"
    assert "zq" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/v1?access_token=abc",
        "https://api.example.com/?key=abc",
        "https://api.example.com/?signature=abc",
        "https://api.example.com/?page=1",
    ],
)
def test_a_base_url_with_a_query_string_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_url(url, field_name="base_url", schemes=("https",))
    assert "credentials" in caught.value.message and "abc" not in caught.value.message


def test_malformed_url_and_time_zone_messages_do_not_echo() -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_url("https://h:SECRETPORT/", field_name="base_url", schemes=("https",))
    assert "SECRETPORT" not in str(caught.value)
    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config("rest", "https://h.example.com", {}, None, timezone="Mars/SECRET")
    assert "SECRET" not in str(caught.value)


@pytest.mark.parametrize("name", ["Authorization", "X-Api-Key", "X-Shop-Token", "Cookie", "X-Auth"])
def test_secret_headers_in_settings_are_refused(name: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config("rest", "https://h.example.com", {"headers": {name: "v4lue"}})
    assert caught.value.field.startswith("settings.headers") and "credentials" in caught.value.message


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("::1", False),
        ("169.254.169.254", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("fc00::1", False),
        ("0.0.0.0", False),
        ("::ffff:127.0.0.1", False),
        ("93.184.216.34", True),
    ],
)
def test_internal_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_internal_destinations_are_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCLINE_ALLOW_PRIVATE_NETWORKS", "false")
    for url in ("http://127.0.0.1:8080", "http://169.254.169.254", "http://[::1]/", "http://localhost"):
        with pytest.raises(ConfigurationError) as caught:
            validate_connector_config("rest", url, {})
        assert caught.value.field == "base_url"
    monkeypatch.setenv("SYNCLINE_ALLOW_PRIVATE_NETWORKS", "true")
    validate_connector_config("rest", "http://127.0.0.1:8080", {})
