"""Forms of the monitoring and evaluation page and of the joint assessment questionnaire.

They only type and bound the input. The questionnaire's rules (a score from 1 to 5, the
length of an answer, who answers, an assessment still open) are reporting.assessment's: the
views put the errors it raises back on the question they name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.assessment import Question
from reporting.filters import DateInput, validate_plausible_year
from reporting.selectors import mission_today

# The default period of the monitoring tables: the last 30 days, today included.
DEFAULT_PERIOD_DAYS = 30
OPEN_ANSWER_MAX_LENGTH = 2000

SCORE_LABELS = (
    (1, _("1 — not at all")),
    (2, _("2 — a little")),
    (3, _("3 — partly")),
    (4, _("4 — mostly")),
    (5, _("5 — fully")),
)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or mission_today()
    return today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


class MonitoringPeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
        help_text=_("First day of the period (mission time). Default: 30 days ago."),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
        help_text=_("Last day of the period (mission time). Default: today."),
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or mission_today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("start", "end"):
            value = data.get(name)
            if value and value > self.today:
                self.add_error(name, _("This day is still to come: choose today or earlier."))
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The end of the period is before its start."), code="period_order"
            )
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The period asked for; the default one when nothing valid was asked.

        Only a start: from then to today. Only an end: the 30 days up to it."""
        default_start, default_end = default_period(self.today)
        if not self.is_bound or not self.is_valid():
            return default_start, default_end
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and not end:
            end = default_end
        elif end and not start:
            start = end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        elif not start:
            start, end = default_start, default_end
        return start, end


class AssessmentAnswerForm(forms.Form):
    """One field per question of the respondent's kind, named after the question's code."""

    assessment = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("The form is damaged: reload the page and answer again."),
            "invalid": _("The form is damaged: reload the page and answer again."),
            "min_value": _("The form is damaged: reload the page and answer again."),
        },
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            if question.scored:
                field = forms.CharField(
                    label=question.text,
                    required=False,
                    widget=forms.RadioSelect(choices=SCORE_LABELS, attrs={"required": True}),
                )
            else:
                field = forms.CharField(
                    label=question.text,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4, "maxlength": OPEN_ANSWER_MAX_LENGTH}),
                )
            self.fields[question.code] = field

    def answers(self) -> dict[str, Any]:
        """The answers as typed, for reporting.assessment.assessment_answer to check."""
        return {q.code: self.cleaned_data.get(q.code) for q in self.questions}

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[q.code]) for q in self.questions]
