"""The joint assessment's questionnaire: the statements scored from 1 to 5 and the open
question, who is asked each one, and how a user answers (as a CLA or as a Force officer).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clas.models import Role, User
from core.exceptions import PermissionRefused
from reporting.models import AssessmentResponse
from reporting.permissions import may_answer_assessment

SCORE_LABELS = (
    (1, gettext_lazy("1 — not at all")),
    (2, gettext_lazy("2 — a little")),
    (3, gettext_lazy("3 — partly")),
    (4, gettext_lazy("4 — mostly")),
    (5, gettext_lazy("5 — fully")),
)
SCORE_CHOICES = tuple(value for value, _label in SCORE_LABELS)
OPEN_ANSWER_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Question:
    code: str
    text: Promise
    audience: tuple[str, ...]  # respondent kinds who answer it
    scored: bool = True  # a 1-5 score; otherwise free text


QUESTIONS: tuple[Question, ...] = (
    Question(
        "alerts_acted_on",
        gettext_lazy("Alerts passed between CLAs and the Force are acted on."),
        ("cla", "force"),
    ),
    Question(
        "feedback", gettext_lazy("The CLA is told what happened after an alert."), ("cla", "force")
    ),
    Question(
        "joint_patrols",
        gettext_lazy("CLAs take part in planning patrols and community visits."),
        ("cla", "force"),
    ),
    Question(
        "briefings",
        gettext_lazy("The CLA briefs new contingents on the local context."),
        ("cla", "force"),
    ),
    Question("safety", gettext_lazy("The CLA can work safely from the base."), ("cla",)),
    Question(
        "equipment",
        gettext_lazy("The CLA has the equipment needed (phone, radio, credit)."),
        ("cla",),
    ),
    Question(
        "understanding", gettext_lazy("Officers understand the role of the CLA."), ("cla", "force")
    ),
    Question(
        "can_value",
        gettext_lazy("Community Alert Networks give timely and useful alerts."),
        ("cla", "force"),
    ),
    Question(
        "improve",
        gettext_lazy("What would most improve how CLAs and the Force work together?"),
        ("cla", "force"),
        False,
    ),
)


def questions_for(kind: str) -> list[Question]:
    return [q for q in QUESTIONS if kind in q.audience]


def respondent_kind(user: User) -> str:
    """How the user answers: as a CLA or as a Force officer; nobody else answers."""
    if not may_answer_assessment(user):
        raise PermissionRefused(_("Only CLAs and Force officers answer the joint assessment."))
    if user.role == Role.CLA:
        return AssessmentResponse.RespondentKind.CLA
    return AssessmentResponse.RespondentKind.FORCE
