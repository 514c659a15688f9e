"""What the system answers by SMS, in the sender's language (the caller activates it).

Short: a reply is paid per part (160 plain characters, or 70 with accents outside the GSM
alphabet)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sms.parser import MAX_TEXT_LENGTH, ParseError


def alert_created(reference: str) -> str:
    return _("Alert %(reference)s received. It goes to the Force now. Thank you.") % {
        "reference": reference
    }


def converted(reference: str) -> str:
    return _("Your message was logged as alert %(reference)s. Thank you.") % {
        "reference": reference
    }


def received_for_review() -> str:
    return _("Message received. A coordinator will read it.")


def unknown_number() -> str:
    return _("Message received. Your number is not registered: a coordinator will read it.")


def rejected(problem: str) -> str:
    return _("Not logged: %(problem)s Correct it and send again.") % {"problem": problem}


def acknowledged(reference: str) -> str:
    return _("%(reference)s acknowledged.") % {"reference": reference}


def ack_refused(reference: str, problem: str) -> str:
    return _("%(reference)s not acknowledged: %(problem)s") % {
        "reference": reference,
        "problem": problem,
    }


def unknown_reference(reference: str) -> str:
    return _("No alert %(reference)s that you may acknowledge. Check the reference.") % {
        "reference": reference
    }


def parse_problem(error: ParseError) -> str:
    """What to fix, for the sender: one sentence, with an example when it helps."""
    value = {"value": error.value}
    if error.code == "location":
        return _("Place %(value)s unknown. Write the place code of your card, or HERE.") % value
    if error.code == "category":
        if not error.value:
            return _("Write the category after the place, e.g. ALERT IPY KILL NOW ...")
        return _("Category %(value)s unknown. Write a word of your card, e.g. KILL.") % value
    if error.code == "urgency":
        if not error.value:
            return _("Write the urgency after the category: NOW, EXPECTED, FUTURE, PAST.")
        return _("Urgency %(value)s unknown. Write NOW, EXPECTED, FUTURE, PAST or UNKNOWN.") % value
    if error.code == "description":
        return _("Say what happened after the urgency, e.g. ... NOW 3 armed men at the market.")
    if error.code == "too_long":
        return _("Message too long: keep it under %(max)s characters.") % {"max": MAX_TEXT_LENGTH}
    if error.code == "binary":
        return _("Message not readable: send it as plain text.")
    if error.code == "reference":
        return _("Write ACK then the alert reference, e.g. ACK ALT-2026-000123.")
    # empty, keyword, or a place missing
    return _("Not understood. Write: ALERT place category urgency what happened.")


# --- notifications to people who opted in (User.sms_alerts) -------------------------------


def flash_alert(*, reference: str, category: str, location: str, urgency: str) -> str:
    return _(
        "FLASH %(reference)s: %(category)s, %(location)s (%(urgency)s). "
        "Reply ACK %(reference)s to acknowledge."
    ) % {"reference": reference, "category": category, "location": location, "urgency": urgency}


def escalated_to_officer(*, reference: str, category: str, location: str, minutes: int) -> str:
    return _(
        "ESCALATED %(reference)s: not acknowledged after %(minutes)s min. %(category)s, "
        "%(location)s. Reply ACK %(reference)s to acknowledge."
    ) % {"reference": reference, "category": category, "location": location, "minutes": minutes}


def escalated_to_cla(*, reference: str) -> str:
    return _("%(reference)s is not acknowledged yet: it went up to the senior officer.") % {
        "reference": reference
    }


# --- what happened to the alerts a CLA follows (OptIn.own_alerts) --------------------------


def news_acknowledged(*, reference: str) -> str:
    return _("%(reference)s acknowledged by the Force.") % {"reference": reference}


def news_outcome(*, reference: str, outcome: str) -> str:
    return _("%(reference)s checked by the Force: %(outcome)s.") % {
        "reference": reference,
        "outcome": outcome,
    }


def news_response(*, reference: str, response: str) -> str:
    return _("%(reference)s, response of the Force: %(response)s.") % {
        "reference": reference,
        "response": response,
    }


def news_closed(*, reference: str) -> str:
    return _("%(reference)s closed. Tell the community, then record it on the alert.") % {
        "reference": reference
    }
