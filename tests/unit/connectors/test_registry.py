from __future__ import annotations

import json
from typing import Any

import pytest

from syncline.connectors import (
    ConfigurationError,
    build_connector,
    describe,
    systems,
    validate_connector_config,
)

ALL = ["bigcommerce", "magento2", "rest", "sftp", "shopify", "woocommerce"]
CREDENTIALS: dict[str, dict[str, str]] = {
    "rest": {"token": "t0k3n"},
    "shopify": {"access_token": "shpat_x"},
    "woocommerce": {"consumer_key": "ck_x", "consumer_secret": "cs_x"},
    "bigcommerce": {"access_token": "bc_x"},
    "magento2": {"access_token": "mg_x"},
    "sftp": {"username": "u", "password": "pw_x"},
}
URLS = dict.fromkeys(ALL, "https://shop.example.com") | {"sftp": "sftp://files.example.com:2222/drop"}


def test_every_system_is_registered() -> None:
    assert systems() == sorted([*ALL, "inbound"])  # inbound: a push-only source (tests/unit/inbound)


@pytest.mark.parametrize("system", ALL)
def test_valid_configuration_passes_and_builds(system: str) -> None:
    validate_connector_config(system, URLS[system], {}, CREDENTIALS[system], timezone="Europe/London")
    connector = build_connector(system, base_url=URLS[system], credentials=CREDENTIALS[system])
    assert connector.system == system
    connector.close()


@pytest.mark.parametrize("system", ALL)
def test_describe(system: str) -> None:
    info = describe(system)
    assert info["system"] == system
    assert info["entities"] and all(set(d) <= {"pull", "push"} for d in info["entities"].values())
    assert isinstance(info["credential_fields"], list)
    assert info["settings_schema"]["type"] == "object"
    assert info["settings_schema"].get("additionalProperties") is False
    if system != "sftp":
        assert "requests_per_second" in info["settings_schema"]["properties"]
    json.dumps(info)  # the management API returns it as is


def test_entities_declared() -> None:
    assert describe("shopify")["entities"] == {
        "customers": ["pull"],
        "fulfilments": ["push"],
        "inventory": ["pull", "push"],
        "orders": ["pull"],
        "products": ["pull", "push"],
    }
    assert describe("sftp")["asynchronous"] is True


@pytest.mark.parametrize(
    ("system", "base_url", "settings", "credentials", "field"),
    [
        ("nosuch", "https://x", {}, None, "system"),
        ("rest", None, {}, None, "base_url"),
        ("rest", "example.com/api", {}, None, "base_url"),
        ("rest", "ftp://example.com", {}, None, "base_url"),
        ("rest", "https://", {}, None, "base_url"),
        ("rest", "https://user:pw@example.com", {}, None, "base_url"),
        ("rest", "https://exa mple.com", {}, None, "base_url"),
        ("rest", "https://example.com:99999", {}, None, "base_url"),
        ("sftp", "https://files.example.com", {}, None, "base_url"),
        ("shopify", "https://s.myshopify.com", {}, {}, "credentials.access_token"),
        ("woocommerce", "https://w.example", {}, {"consumer_key": "ck"}, "credentials.consumer_secret"),
        ("rest", "https://x", {"auth": "basic"}, {"username": "u"}, "credentials.password"),
        ("sftp", "sftp://h", {}, {"username": "u"}, "credentials.password"),
        ("sftp", "sftp://h", {}, {"username": "u", "private_key": "not a key"}, "credentials.private_key"),
        ("shopify", "https://s.myshopify.com", {"api_version": "latest"}, None, "settings.api_version"),
        ("bigcommerce", "https://api.bigcommerce.com/stores/x", {"unknown": 1}, None, "settings.unknown"),
        ("magento2", "https://m.example", {"store_code": "de/../x"}, None, "settings.store_code"),
        (
            "sftp",
            "sftp://h",
            {"filename_template": "{entity}-{secret}.json"},
            None,
            "settings.filename_template",
        ),
        ("sftp", "sftp://h", {"host_key": "ssh-ed25519 nope"}, None, "settings.host_key"),
    ],
)
def test_bad_configuration_names_the_field(
    system: str,
    base_url: str | None,
    settings: dict[str, Any],
    credentials: dict[str, str] | None,
    field: str,
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config(system, base_url, settings, credentials)
    assert caught.value.field == field
    assert str(caught.value).startswith(field)


def test_credentials_are_only_checked_when_given() -> None:
    validate_connector_config("shopify", "https://s.myshopify.com", {}, None)


def test_timezone_and_date_format_are_checked() -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config("rest", "https://x", {}, None, timezone="Nowhere/City")
    assert caught.value.field == "timezone"
    with pytest.raises(ConfigurationError) as caught:
        build_connector("rest", base_url="https://x", credentials={}, date_format="YYYY")
    assert caught.value.field == "date_format"


def test_build_rejects_what_validation_rejects() -> None:
    with pytest.raises(ConfigurationError) as caught:
        build_connector("woocommerce", base_url="https://w.example", credentials={"consumer_key": "k"})
    assert caught.value.field == "credentials.consumer_secret"
    with pytest.raises(ConfigurationError) as caught:
        build_connector("rest", base_url="https://x", credentials={}, settings={"page_size_param": 5})
    assert caught.value.field == "settings.page_size_param"
