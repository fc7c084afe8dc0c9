"""What goes out with a thank-you: the mail-merge file's rows and an email draft.

Pure functions (no Qt), so the rules are tested directly: the thank-you screen
writes ``mail_merge_rows`` to CSV or XLSX and opens ``mailto_url`` in the
default mail client. Recipients of a draft go in Bcc, so patrons never see
each other's addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

from desktop import formatting

MAIL_MERGE_HEADERS = (
    "salutation",
    "first name",
    "last name",
    "email",
    "performance",
    "visit number",
    "donation",
)
#: mail clients cut (or refuse) longer mailto: links; above this, export a file instead
MAILTO_LIMIT = 2000


def salutation(first_name: str | None, last_name: str | None) -> str:
    """'Dear Ada', or 'Dear Ada Lovelace' style fallbacks; 'Dear friend' for nobody."""
    name = (first_name or "").strip() or (last_name or "").strip()
    return f"Dear {name}" if name else "Dear friend"


def performance_label(title: str | None, starts_at: str | None) -> str:
    """'Hamlet, Sat 14 Mar 2026' on the organization's clock, as its country writes dates."""
    if not title:
        return ""
    if not starts_at:
        return title
    return f"{title}, {formatting.date(starts_at, weekday=True)}"


def donation_label(row: dict) -> str:
    if row.get("amount_cents") is None:
        return ""
    return f"{formatting.money(int(row['amount_cents']))} to {row.get('fund') or 'our work'}"


def mail_merge_rows(rows: Iterable[dict]) -> list[list]:
    """One line per queue row, in ``MAIL_MERGE_HEADERS`` order."""
    return [
        [
            salutation(r.get("first_name"), r.get("last_name")),
            r.get("first_name") or "",
            r.get("last_name") or "",
            r.get("email") or "",
            performance_label(r.get("title"), r.get("starts_at")),
            r.get("visit_number") if r.get("visit_number") is not None else "",
            donation_label(r),
        ]
        for r in rows
    ]


def recipients(rows: Iterable[dict]) -> tuple[list[str], int]:
    """The distinct email addresses of these rows, and how many rows have none."""
    seen: dict[str, None] = {}
    missing = 0
    for row in rows:
        email = (row.get("email") or "").strip()
        if email:
            seen.setdefault(email, None)
        else:
            missing += 1
    return list(seen), missing


def _same(text: str) -> str:
    return text


def draft_text(
    rows: Sequence[dict], organization: str = "", tr: Callable[[str], str] = _same
) -> tuple[str, str]:
    """A subject and body for thanking these people (edit in the mail client).
    ``tr`` translates the English templates (the screen passes Qt's)."""
    titles = list(
        dict.fromkeys(r["title"] for r in rows if r.get("kind") == "attendee" and r.get("title"))
    )
    gave = any(r.get("kind") == "donor" for r in rows)
    if len(titles) == 1 and not gave:
        subject = tr("Thank you for coming to {title}").format(title=titles[0])
        reason = tr("for coming to {title}").format(title=titles[0])
    elif titles and not gave:
        subject, reason = tr("Thank you for coming"), tr("for coming to see us")
    elif gave and not titles:
        subject, reason = tr("Thank you for your gift"), tr("for your generous gift")
    else:
        subject, reason = tr("Thank you"), tr("for your support")
    body = tr(
        "Dear friend,\n\nThank you {reason}. It means a great deal to all of us, and we "
        "hope to welcome you again soon.\n\nWith warm wishes,"
    ).format(reason=reason)
    return subject, body + (f"\n{organization}\n" if organization else "\n")


def mailto_url(bcc: Sequence[str], subject: str = "", body: str = "", to: str = "") -> str:
    """A ``mailto:`` link (RFC 6068): recipients in Bcc, subject and body prefilled."""
    fields = []
    if bcc:
        fields.append("bcc=" + ",".join(quote(a, safe="@") for a in bcc))
    if subject:
        fields.append("subject=" + quote(subject, safe=""))
    if body:
        fields.append("body=" + quote(body.replace("\r\n", "\n").replace("\n", "\r\n"), safe=""))
    url = "mailto:" + quote(to, safe="@")
    return url + ("?" + "&".join(fields) if fields else "")
