"""Forms of the top floor's pages."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from families.models import Family
from homestart.forms import DateInput, Form, PersonChoiceField
from homestart.models import User
from office.access import DEFAULT_PERIOD_DAYS


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


class PersonInLogField(PersonChoiceField):
    """A choice of a person, shown by name and role, and marked when their account is closed."""

    def label_from_instance(self, obj: Any) -> str:
        closed = ", account closed" if not obj.is_active else ""
        return f"{super().label_from_instance(obj)} ({obj.role_label.lower()}{closed})"


class FamilyAccessFilterForm(Form):
    """Narrow who has seen a family's records to one of the people in it. A bad choice is reported and ignored."""

    person = PersonInLogField(
        label="Person",
        queryset=User.objects.none(),
        required=False,
        empty_label="Everyone",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def chosen_person(self) -> User | None:
        """The person chosen, or nobody (everyone) when nothing or something not in the list was chosen."""
        return self.cleaned_data.get("person") if self.is_bound and self.is_valid() else None


class PersonAccessForm(Form):
    """Whose reading to see, and over which days (the last 30 by default)."""

    person = PersonInLogField(
        label="Person",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose a person", "invalid_choice": "Choose a person from the list"},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        help_text="The last 30 days, unless you choose other dates.",
        error_messages={"invalid": "The ‘from’ date must be a real date"},
    )
    date_to = forms.DateField(
        label="To", required=False, widget=DateInput(), error_messages={"invalid": "The ‘to’ date must be a real date"}
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_error("date_from") or self.has_error("date_to"):
            return data
        today = timezone.localdate()
        start, end = data.get("date_from"), data.get("date_to")
        end = end or today
        start = start or end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)  # the 30 days up to the 'to' date
        if end > today:
            self.add_error("date_to", "The ‘to’ date cannot be in the future")
        elif start > today:
            self.add_error("date_from", "The ‘from’ date cannot be in the future")
        elif start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        data["date_from"], data["date_to"] = start, end
        return data
