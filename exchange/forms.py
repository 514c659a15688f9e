from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.models import Export


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Export.Format.choices,
        initial=Export.Format.CSV,
        widget=forms.RadioSelect,
    )
