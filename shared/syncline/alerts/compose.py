"""Alert emails: what they hold, as one multipart (plain text + HTML) UTF-8 message.

Only what a person needs to act: company group, service, window, counts, the failures grouped by
error (each with its count, what it means and what to do, from the error catalog, and a few examples:
reference, sync id, time) and links to the web console's view of the service's failures. Never a
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

from syncline import error_catalog
from syncline.models import iso

MAX_GROUPS = 20  # error groups an email lists (the rest are counted)
EXAMPLES = 3  # failures shown per group
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
    console_url: str | None = None
    unread: int = 0  # failures counted but not read (more than an email reads)

    def groups(self) -> list[FailureGroup]:
        """The failures grouped by error, the largest group first."""
        groups: dict[tuple[str, str], FailureGroup] = {}
        for f in self.failures:
            key = error_catalog.group_key(f.code, f.message, f.destination_system)
            if key not in groups:
                note = error_catalog.explain(f.code, f.message, f.destination_system)
                groups[key] = FailureGroup(f.code, f.message, str(note["meaning"]), str(note["next_step"]))
            groups[key].failures.append(f)
        return sorted(groups.values(), key=lambda g: -len(g.failures))


@dataclass
class FailureGroup:
    code: str
    message: str  # the first failure's
    meaning: str
    next_step: str
    failures: list[Failure] = field(default_factory=list)


def window_label(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day" + ("s" if days > 1 else "")
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def console_links(console: str | None, service_id: str, start: datetime, end: datetime) -> dict[str, str]:
    """The web console's views of the service's failures: its Failed entries of the window in the
    sync report, and its failures grouped by error. None without a console URL (the API's own URLs
    need a key in a header: a click on them only gets a 401)."""
    if not console:
        return {}
    root = console.split("#", 1)[0]
    query = urlencode({"service": service_id, "status": "Failed", "from": iso(start), "to": iso(end)})
    return {
        "report": f"{root}#/reports?{query}",
        "failures": f"{root}#/failures?{urlencode({'service': service_id})}",
    }


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
    links = console_links(d.console_url, d.service_id, d.start, d.end)
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
    groups = d.groups()
    shown, hidden = groups[:MAX_GROUPS], groups[MAX_GROUPS:]
    rest = sum(len(g.failures) for g in hidden) + d.unread
    more = f"and {rest} more failures" + (" of other errors" if hidden else "") if rest else ""

    text = [f"{name}: {value}" for name, value in head]
    for p in d.pull_failures:
        note = error_catalog.explain(p.code, p.message)
        text.append(f"Pull of run {p.run_id} failed at {iso(p.at)}: {p.code}: {p.message}")
        text.append(f"  What it means: {note['meaning']} What to do: {note['next_step']}")
    if groups:
        text += ["", "Failures by error:"]
    for g in shown:
        text += ["", f"{len(g.failures)} x {g.code}: {g.message}"]
        text += [f"  What it means: {g.meaning}", f"  What to do: {g.next_step}"]
        text += [
            f"  e.g. {f.reference} (sync id {f.sync_id}, {f.attempts} attempts, {iso(f.at)})"
            for f in g.failures[:EXAMPLES]
        ]
    if more:
        text += ["", more]
    text.append("")
    if links:
        text += [f"Open the failures in the console: {links['report']}", f"By error: {links['failures']}"]
    else:
        text.append("Open the console's Sync report filtered to this service and Failed to see them.")
    text += ["", "Syncline sends at most one email per service per window."]

    e = html.escape
    parts = ["<html><body>", "<table>"]
    parts += [f"<tr><th align='left'>{e(name)}</th><td>{e(value)}</td></tr>" for name, value in head]
    parts.append("</table>")
    for p in d.pull_failures:
        note = error_catalog.explain(p.code, p.message)
        parts.append(
            f"<p>Pull of run {e(p.run_id)} failed at {e(iso(p.at))}: {e(p.code)}: {e(p.message)}<br>"
            f"{e(str(note['meaning']))} {e(str(note['next_step']))}</p>"
        )
    for g in shown:
        parts.append(f"<h3>{len(g.failures)} &times; {e(g.code)}: {e(g.message)}</h3>")
        parts.append(
            f"<p><b>What it means:</b> {e(g.meaning)}<br><b>What to do:</b> {e(g.next_step)}</p><ul>"
        )
        parts += [
            f"<li>{e(f.reference)} (sync id {e(f.sync_id)}, {f.attempts} attempts, {e(iso(f.at))})</li>"
            for f in g.failures[:EXAMPLES]
        ]
        parts.append("</ul>")
    if more:
        parts.append(f"<p>{e(more)}</p>")
    if links:
        parts.append(
            f"<p><a href='{e(links['report'])}'>Open the failures in the console</a> - "
            f"<a href='{e(links['failures'])}'>by error</a></p>"
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
