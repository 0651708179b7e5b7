"""Alert emails: what they hold, as one multipart (plain text + HTML) UTF-8 message.

Only what a person needs to act: company group, service, window, counts, up to MAX_LISTED failures
(reference, sync id, destination system, reason, attempts, time) and links to the report. Never a
payload, a credential or a token: reasons come from stored (already redacted) errors and are passed
through the connectors' redactors again by the caller before they get here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlencode

from syncline.models import iso

MAX_LISTED = 50
MAX_REASON_CHARS = 300
SUBJECT_PREFIX = "[Syncline]"


@dataclass(frozen=True)
class Failure:
    reference: str
    sync_id: str
    destination_system: str
    code: str
    message: str
    attempts: int
    at: datetime


@dataclass(frozen=True)
class PullFailure:
    run_id: str
    code: str
    message: str
    at: datetime


@dataclass
class Digest:
    """A service's failures in one window."""

    tenant_id: str
    tenant_name: str
    service_id: str
    service_name: str
    start: datetime
    end: datetime
    window_minutes: int
    new: int
    still_failing: int
    recovered: int
    failures: list[Failure] = field(default_factory=list)
    pull_failures: list[PullFailure] = field(default_factory=list)
    link_base: str | None = None

    @property
    def more(self) -> int:
        return max(0, self.new - len(self.failures))


def window_label(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day" + ("s" if days > 1 else "")
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def report_links(base: str | None, service_id: str, start: datetime, end: datetime) -> dict[str, str]:
    """The report search and CSV export of the service's Failed entries in the window."""
    if not base:
        return {}
    query = urlencode({"service": service_id, "status": "Failed", "from": iso(start), "to": iso(end)})
    root = base.rstrip("/")
    return {"search": f"{root}/reports?{query}", "export": f"{root}/reports/export?{query}"}


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def digest_subject(d: Digest) -> str:
    parts = []
    if d.new:
        parts.append(f"{_plural(d.new, 'failed sync')} in {window_label(d.window_minutes)}")
    if d.pull_failures:
        parts.append(_plural(len(d.pull_failures), "failed pull"))
    return f"{SUBJECT_PREFIX} {d.service_id}: {', '.join(parts)}"


def digest_message(d: Digest, sender: str, recipients: list[str]) -> EmailMessage:
    links = report_links(d.link_base, d.service_id, d.start, d.end)
    head = [
        ("Company group", f"{d.tenant_name} ({d.tenant_id})"),
        ("Service", f"{d.service_name} ({d.service_id})"),
        ("Window", f"{iso(d.start)} to {iso(d.end)}"),
        ("New failures", str(d.new)),
        ("Still failing", str(d.still_failing)),
        ("Recovered since the last email", str(d.recovered)),
    ]
    if d.pull_failures:
        head.append(("Failed pulls", str(len(d.pull_failures))))
    columns = ("Reference", "Sync id", "Destination", "Reason", "Message", "Attempts", "Time")
    rows = [
        (f.reference, f.sync_id, f.destination_system, f.code, f.message, str(f.attempts), iso(f.at))
        for f in d.failures
    ]
    more = f"and {d.more} more" if d.more else ""

    text = [f"{name}: {value}" for name, value in head]
    for p in d.pull_failures:
        text.append(f"Pull of run {p.run_id} failed at {iso(p.at)}: {p.code}: {p.message}")
    if rows:
        text += ["", "Failures:"]
        text += ["  " + " | ".join(row) for row in rows]
        if more:
            text.append(f"  {more}")
    text.append("")
    if links:
        text += [f"Report: {links['search']}", f"CSV export: {links['export']}"]
    else:
        text.append("Report: search the service's Failed entries of the window (GET /reports).")
    text += ["", "Syncline sends at most one email per service per window."]

    e = html.escape
    parts = ["<html><body>", "<table>"]
    parts += [f"<tr><th align='left'>{e(name)}</th><td>{e(value)}</td></tr>" for name, value in head]
    parts.append("</table>")
    for p in d.pull_failures:
        parts.append(
            f"<p>Pull of run {e(p.run_id)} failed at {e(iso(p.at))}: {e(p.code)}: {e(p.message)}</p>"
        )
    if rows:
        parts.append("<table border='1' cellpadding='4'><tr>" + "".join(f"<th>{e(c)}</th>" for c in columns))
        parts.append("</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in rows]
        parts.append("</table>")
        if more:
            parts.append(f"<p>{e(more)}</p>")
    if links:
        parts.append(
            f"<p><a href='{e(links['search'])}'>Open the report</a> - "
            f"<a href='{e(links['export'])}'>CSV export</a></p>"
        )
    parts += ["<p>Syncline sends at most one email per service per window.</p>", "</body></html>"]
    return _message(digest_subject(d), "\n".join(text), "\n".join(parts), sender, recipients)


def notice_message(
    subject: str, lines: list[tuple[str, str]], note: str, sender: str, recipients: list[str]
) -> EmailMessage:
    """A short email: recovery, connector status, auto-pause warning or pause."""
    text = "\n".join([*(f"{name}: {value}" for name, value in lines), "", note])
    e = html.escape
    rows = "".join(f"<tr><th align='left'>{e(n)}</th><td>{e(v)}</td></tr>" for n, v in lines)
    body = f"<html><body><table>{rows}</table><p>{e(note)}</p></body></html>"
    return _message(f"{SUBJECT_PREFIX} {subject}", text, body, sender, recipients)


def _message(subject: str, text: str, body: str, sender: str, recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text, charset="utf-8")
    message.add_alternative(body, subtype="html", charset="utf-8")
    return message
