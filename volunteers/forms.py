from django import forms

from homestart.forms import DateInput, Form


class VolunteerProfileForm(Form):
    dbs_certificate_number = forms.RegexField(
        label="DBS certificate number",
        regex=r"^[0-9]{12}$",
        required=False,
        help_text="12 digits, from the top right of the certificate.",
        error_messages={"invalid": "Enter the 12-digit DBS certificate number"},
    )
    dbs_issued_on = forms.DateField(label="DBS certificate issue date", required=False, widget=DateInput())
    dbs_renewal_due = forms.DateField(label="DBS renewal due", required=False, widget=DateInput())
    preparation_course_completed_on = forms.DateField(
        label="Preparation course completed", required=False, widget=DateInput()
    )
