"""Forms of the top floor's pages."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from families.models import Family
from homestart.forms import Form, PersonChoiceField
from homestart.models import User


class HandoverForm(Form):
    """Who takes over a leaving coordinator's families: one coordinator for all of them, or one for each."""

    ALL, EACH = "all", "each"

    handover = forms.ChoiceField(
        label="Who takes over the families?",
        widget=forms.RadioSelect,
        choices=[(ALL, "One coordinator takes over all of them"), (EACH, "Choose a coordinator for each family")],
    )
    coordinator = PersonChoiceField(
        label="Coordinator who takes over all the families",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a coordinator",
    )

    def __init__(self, *args: Any, families: list[Family], coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.families = families
        self.fields["coordinator"].queryset = coordinators
        for family in families:
            self.fields[self.field_name(family)] = PersonChoiceField(
                label=f"{family.reference}, the {family.family_name} family ({family.get_status_display().lower()})",
                queryset=coordinators,
                required=False,
                empty_label="Choose a coordinator",
            )
        if len(families) == 1:  # nothing to choose between: one family, one box
            del self.fields["handover"], self.fields["coordinator"]

    @staticmethod
    def field_name(family: Family) -> str:
        return f"family_{family.pk}"

    @property
    def family_fields(self) -> list[Any]:
        return [self[self.field_name(family)] for family in self.families]

    @property
    def mode(self) -> str:
        return self.cleaned_data.get("handover", self.EACH) if "handover" in self.fields else self.EACH

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "handover" in self.fields and not data.get("handover"):
            return data
        if self.mode == self.ALL:
            if not data.get("coordinator"):
                self.add_error("coordinator", "Choose the coordinator who takes over all the families")
        else:
            for family in self.families:
                if not data.get(self.field_name(family)):
                    self.add_error(self.field_name(family), f"Choose who takes over {family.reference}")
        return data

    def chosen(self) -> dict[int, User]:
        """Each family's pk, and the coordinator chosen to take it over."""
        if self.mode == self.ALL:
            return {family.pk: self.cleaned_data["coordinator"] for family in self.families}
        return {family.pk: self.cleaned_data[self.field_name(family)] for family in self.families}
