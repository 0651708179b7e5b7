from __future__ import annotations

import logging

import pytest

from syncline.connectors.base import PermanentError
from syncline.connectors.redact import MASK, Redactor, basic_token, logger, redact_patterns


def test_masks_known_values_in_every_encoding() -> None:
    redactor = Redactor(["s3cr3t/p@ss word"])
    text = "raw s3cr3t/p@ss word, quoted s3cr3t%2Fp%40ss%20word, plus s3cr3t%2Fp%40ss+word"
    assert "s3cr3t" not in redactor.redact(text)
    assert redactor.redact(text).count(MASK) == 3


def test_masks_basic_auth_values() -> None:
    redactor = Redactor()
    redactor.add_basic("ck_key", "cs_secret")
    header = f"Authorization: Basic {basic_token('ck_key', 'cs_secret')}"
    assert basic_token("ck_key", "cs_secret") not in redactor.redact(f"sent {header}")


def test_short_values_are_not_masked_by_value_but_identifiers_are_skipped() -> None:
    redactor = Redactor.for_credentials({"username": "admin", "password": "abc", "token": "tok_12345"})
    assert redactor.redact("admin used abc with tok_12345") == f"admin used abc with {MASK}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET /x?consumer_key=ck_1&consumer_secret=cs_2&page=2",
            f"GET /x?consumer_key={MASK}&consumer_secret={MASK}&page=2",
        ),
        ("https://h/p?access_token=abc#frag", f"https://h/p?access_token={MASK}#frag"),
        ("https://h/p?page=1&api_key=zzz", f"https://h/p?page=1&api_key={MASK}"),
        ("Authorization: Bearer eyJhbGci.x.y", f"Authorization: Bearer {MASK}"),
        ("X-Shopify-Access-Token: shpat_1", f"X-Shopify-Access-Token: {MASK}"),
        ('{"client_secret": "abc", "scope": "read"}', f'{{"client_secret": "{MASK}", "scope": "read"}}'),
        ("https://h/p?page=2&per_page=10", "https://h/p?page=2&per_page=10"),
    ],
)
def test_masks_sensitive_names_whatever_the_value(text: str, expected: str) -> None:
    assert redact_patterns(text) == expected


def test_scrub_rewrites_message_and_args() -> None:
    redactor = Redactor(["tok_12345"])
    error = redactor.scrub(PermanentError("rejected tok_12345"))
    assert str(error) == f"rejected {MASK}"
    assert error.message == f"rejected {MASK}"


def test_log_filter_masks_secrets_of_live_connectors(caplog: pytest.LogCaptureFixture) -> None:
    redactor = Redactor(["tok_live_99"])
    caplog.set_level(logging.DEBUG)
    logger().info("calling with %s", "tok_live_99")
    logging.getLogger("httpx").info("HTTP Request: GET https://h/x?token=tok_live_99 200")
    assert "tok_live_99" not in caplog.text
    assert caplog.text.count(MASK) >= 2
    del redactor
