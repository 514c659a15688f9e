"""The joint assessment's questionnaire as a form. It only types and bounds the input: the
rules (a score from 1 to 5, the length of an answer, who answers, an assessment still open)
are reporting.assessment.services', whose errors the view puts back on the question they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.assessment.questionnaire import OPEN_ANSWER_MAX_LENGTH, SCORE_LABELS, Question


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
        """The answers as typed, for reporting.assessment.services.assessment_answer to check."""
        return {q.code: self.cleaned_data.get(q.code) for q in self.questions}

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[q.code]) for q in self.questions]
