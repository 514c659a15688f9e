"""Forms of the deployment board, shared by the pages and their API twins (clas.board_api)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clas import selectors
from clas.models import CLA, Location, User

ANY = _("Any")


class _ScopedForm(forms.Form):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


def _deployable_locations(user: User) -> Any:
    return (
        selectors.location_list(user=user)
        .filter(is_active=True)
        .exclude(kind=Location.Kind.HQ)
        .order_by("name")
    )


class BoardFilterForm(_ScopedForm):
    """Filters of the board by name, sector code, prefecture, kind and gap (never by id)."""

    GAP_LABELS = {
        selectors.GAP_NO_CLA: _("Locations without CLA"),
        selectors.GAP_SOLE_CIVILIAN: _("Temporary bases with a lone CLA"),
        selectors.GAP_NO_WOMAN: _("Sectors with no woman CLA"),
        selectors.GAP_ON_LEAVE: _("CLAs on leave"),
        selectors.GAP_ENDING: _("Deployments ending within 30 days"),
    }

    # The same gaps as a location's row names them.
    ROW_GAP_LABELS = {
        selectors.GAP_NO_CLA: _("No CLA"),
        selectors.GAP_SOLE_CIVILIAN: _("Lone CLA at a temporary base"),
        selectors.GAP_NO_WOMAN: _("No woman CLA in the sector"),
        selectors.GAP_ON_LEAVE: _("CLA on leave"),
        selectors.GAP_ENDING: _("Ending within 30 days"),
    }

    name = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", ANY), *Location.Kind.choices]
    )
    gap = forms.ChoiceField(label=_("Gap"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locations = selectors.location_list(user=self.user)
        sectors = selectors.sector_list(user=self.user).order_by("name")
        self.fields["sector"].choices = [("", ANY), *[(s.code, s.name) for s in sectors]]
        prefectures = sorted(set(locations.values_list("prefecture", flat=True)))
        self.fields["prefecture"].choices = [("", ANY), *[(p, p) for p in prefectures]]
        self.fields["gap"].choices = [("", ANY), *self.GAP_LABELS.items()]


class DeploymentAssignForm(_ScopedForm):
    cla = forms.ModelChoiceField(label=_("CLA"), queryset=CLA.objects.none())
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    start_date = forms.DateField(
        label=_("First day"),
        help_text=_("For example 2026-03-15."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cla"].queryset = selectors.assignable_clas(user=self.user)
        self.fields["location"].queryset = _deployable_locations(self.user)


class _VersionedForm(_ScopedForm):
    # The version of the deployment the page showed (clas.services refuses a stale one).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DeploymentRotateForm(_VersionedForm):
    location = forms.ModelChoiceField(label=_("New location"), queryset=Location.objects.none())
    start_date = forms.DateField(
        label=_("First day at the new location"),
        help_text=_("The current deployment ends the day before."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _deployable_locations(self.user)


class DeploymentEndForm(_VersionedForm):
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    end_reason = forms.CharField(label=_("Reason"), max_length=200)


class DeploymentLeaveForm(_VersionedForm):
    on_leave = forms.BooleanField(label=_("On leave"), required=False)


class DeploymentImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One row per deployment, with the columns of the template."),
    )
