"""How the loyalty ladder's rungs read on screen (one place for every view)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from domain import loyalty


def rung_label(rung: str) -> str:
    tr = QCoreApplication.translate
    return {
        loyalty.PROSPECT: tr("Loyalty", "New patron"),
        loyalty.TRYER: tr("Loyalty", "Tryer"),
        loyalty.BUYER: tr("Loyalty", "Buyer"),
        loyalty.ADVOCATE: tr("Loyalty", "Advocate"),
        loyalty.LAPSED: tr("Loyalty", "Lapsed"),
    }.get(rung, rung)


def kind_label(kind: str) -> str:
    """A buyer's or advocate's kind: 'repeat buyer', 'subscriber', 'donor'…"""
    tr = QCoreApplication.translate
    return {
        loyalty.REPEAT_BUYER: tr("Loyalty", "repeat buyer"),
        loyalty.MULTI_BUYER: tr("Loyalty", "multi-buyer"),
        loyalty.SUBSCRIBER_BUYER: tr("Loyalty", "subscriber"),
        loyalty.MEMBER_BUYER: tr("Loyalty", "member"),
        loyalty.RENEWS: tr("Loyalty", "renews"),
        loyalty.DONOR: tr("Loyalty", "donor"),
        loyalty.BRINGS_OTHERS: tr("Loyalty", "brings others"),
    }.get(kind, kind.replace("_", " "))


def rung_and_kind(rung: str, kind: str = "") -> str:
    """'Buyer (repeat buyer)', 'Tryer'."""
    return f"{rung_label(rung)} ({kind_label(kind)})" if kind else rung_label(rung)


def move_text(to_rung: str, kind: str = "", from_rung: str = "") -> str:
    """What a change of rung reads like on a timeline: 'Became a buyer (repeat buyer)'."""
    tr = QCoreApplication.translate
    if to_rung == loyalty.LAPSED:
        return tr("Loyalty", "Lapsed: no activity for too long")
    if from_rung == loyalty.LAPSED:
        text = tr("Loyalty", "Came back after lapsing, as {rung}")
        return text.format(rung=rung_and_kind(to_rung, kind).lower())
    text = {
        loyalty.TRYER: tr("Loyalty", "Became a tryer"),
        loyalty.BUYER: tr("Loyalty", "Became a buyer"),
        loyalty.ADVOCATE: tr("Loyalty", "Became an advocate"),
    }.get(to_rung, tr("Loyalty", "Moved to {rung}").format(rung=rung_label(to_rung)))
    return f"{text} ({kind_label(kind)})" if kind else text


def _day(moment) -> str:
    from desktop.formatting import local_date

    return local_date(moment.isoformat())


def fact_text(fact: loyalty.Fact) -> str:
    """'Tickets for Hamlet, 12 Mar 2025'."""
    tr = QCoreApplication.translate
    what = {
        loyalty.ORDER: tr("Loyalty", "Tickets for {label}"),
        loyalty.SUBSCRIPTION: tr("Loyalty", "Subscription: {label}"),
        loyalty.MEMBERSHIP: tr("Loyalty", "Membership: {label}"),
        loyalty.DONATION: tr("Loyalty", "Donation to {label}"),
        loyalty.VISIT: tr("Loyalty", "Came to {label}"),
    }.get(fact.kind, "{label}")
    return f"{what.format(label=fact.label or '—')}, {_day(fact.at)}"


def reason_title(rule: str) -> str:
    tr = QCoreApplication.translate
    return {
        loyalty.FIRST_TRANSACTION: tr("Loyalty", "First transaction"),
        loyalty.REPEAT_BUYER: tr("Loyalty", "Repeat buyer: bought again"),
        loyalty.MULTI_BUYER: tr("Loyalty", "Multi-buyer: different productions"),
        loyalty.SUBSCRIBER_BUYER: tr("Loyalty", "Subscriber"),
        loyalty.MEMBER_BUYER: tr("Loyalty", "Member"),
        loyalty.RENEWS: tr("Loyalty", "Renewed a subscription"),
        loyalty.DONOR: tr("Loyalty", "Donated, after enough orders"),
        loyalty.BRINGS_OTHERS: tr("Loyalty", "Brings others: group orders"),
        loyalty.NO_ACTIVITY: tr("Loyalty", "No activity since"),
    }.get(rule, rule)
