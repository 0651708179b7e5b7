"""Sending an alert email: SESv2 SendEmail (raw MIME) with the stage's configuration set, and a
copy as an .eml file when a folder is configured (the local stack)."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

from syncline import aws
from syncline.models import iso, utcnow
from syncline.settings import settings

MAX_RECIPIENTS_PER_MESSAGE = 50  # SES's limit per message


class NotConfigured(RuntimeError):
    """No sender identity: nothing can be sent (state is left as is, so it is tried again)."""


def send(message: EmailMessage, recipients: list[str]) -> list[str]:
    """Send `message` to `recipients` (50 a message); the SES message ids."""
    cfg = settings()
    if not cfg.alert_sender:
        raise NotConfigured("SYNCLINE_ALERT_SENDER is not set")
    ses = aws.client("sesv2")
    ids: list[str] = []
    for start in range(0, len(recipients), MAX_RECIPIENTS_PER_MESSAGE):
        chunk = recipients[start : start + MAX_RECIPIENTS_PER_MESSAGE]
        del message["To"]
        message["To"] = ", ".join(chunk)
        request: dict[str, object] = {
            "FromEmailAddress": cfg.alert_sender,
            "Destination": {"ToAddresses": chunk},
            "Content": {"Raw": {"Data": message.as_bytes()}},
        }
        if cfg.alert_configuration_set:
            request["ConfigurationSetName"] = cfg.alert_configuration_set
        ids.append(str(ses.send_email(**request)["MessageId"]))
        if cfg.alert_eml_dir:
            write_eml(Path(cfg.alert_eml_dir), message)
    return ids


def write_eml(folder: Path, message: EmailMessage) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subject = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(message["Subject"] or "alert")).strip("-")[:80]
    stamp = iso(utcnow()).replace(":", "").replace("-", "").replace(".", "")
    for n in range(1000):
        path = folder / f"{stamp}-{n}-{subject}.eml"
        if not path.exists():
            path.write_bytes(message.as_bytes())
            return path
    raise RuntimeError(f"no free file name in {folder}")
