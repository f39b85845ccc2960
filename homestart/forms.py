"""Form conventions shared by every app: labels above inputs, hints, errors linked from a summary."""

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator

from homestart import services
from homestart.middleware import client_ip
from homestart.models import Role, User


class Form(forms.Form):
    """A form rendered with the project's field template (_components/field.html)."""

    template_name = "_components/form_fields.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django links each input to its hint ("<id>_helptext") and error ("<id>_error") and marks it
        # aria-invalid; the field template uses the same ids.
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 5)
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = _required_message(field)

    def add_service_error(self, message: str) -> None:
        """Show a refusal from a service at the top of the form, like any other error."""
        self.add_error(None, message)


def _required_message(field: forms.Field) -> str:
    """A plain-English message for an empty field, from its label: "Enter the postcode", "Choose a volunteer"."""
    label = str(field.label or "this").removesuffix(" (optional)")
    if label.endswith("?"):
        return f"Answer the question: {label}"
    label = label[0].lower() + label[1:]
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"Choose {label}" if label.startswith(("a ", "an ", "the ")) else f"Choose the {label}"
    return f"Enter {label}" if label.startswith(("a ", "an ", "the ", "how ")) else f"Enter the {label}"


class CodeForm(Form):
    """A 6-digit code from an authenticator app or, where allowed, a recovery code instead."""

    code = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input--width-10"}
        ),
        help_text="The 6-digit code your authenticator app shows now.",
    )

    def __init__(self, *args: Any, label: str, recovery_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        if recovery_allowed:
            self.fields["recovery_code"] = forms.CharField(
                label="Recovery code",
                max_length=40,
                required=False,
                help_text="One of the codes you kept when you set up the app. Each works once.",
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "autocapitalize": "characters",
                        "spellcheck": "false",
                        "class": "input--width-10",
                    }
                ),
            )

    @property
    def token_field(self) -> str:
        """The box the person used, where a refusal is shown."""
        used_recovery = self.data.get("recovery_code", "").strip() and not self.data.get("code", "").strip()
        return "recovery_code" if used_recovery else "code"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code, recovery = data.get("code", "").strip(), data.get("recovery_code", "").strip()
        if not code and not recovery:
            self.add_error("code", "Enter the code from your app")
        data["token"] = code or recovery
        return data

    def clear_codes(self) -> None:
        """After a refused code, show empty boxes: the old code is no use and would have to be deleted first."""
        self.data = self.data.copy()
        self.data["code"] = ""
        self.data["recovery_code"] = ""


class ReauthenticationForm(Form):
    password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Or a code from your authenticator app",
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input--width-10"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("password") and not data.get("code"):
            raise forms.ValidationError("Enter your password, or a code from your app")
        return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str, required_message: str, help_text: str = "") -> forms.DateField:
    """A date as a native date input, with plain-English messages for an empty or impossible date."""
    return forms.DateField(
        label=label,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": required_message, "invalid": f"{label} must be a real date"},
    )


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of a person, shown by their full name."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class AccountForm(Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email address", max_length=254)
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="Letters, numbers and . @ + - _ only. The person signs in with this.",
        error_messages={"invalid": "Enter a username using only letters, numbers and . @ + - _"},
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, choices=Role.choices)
    is_safeguarding_lead = forms.BooleanField(label="Designated safeguarding lead (coordinators only)", required=False)
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        min_length=12,
        max_length=200,
        help_text="At least 12 characters. A few unrelated words make a good one. Tell the person in person.",
        strip=False,
    )


class AccountEditForm(AccountForm):
    """An administrator's corrections to an account: name, email, role, safeguarding lead (the username and the
    password are the person's own)."""

    username = None
    password = None


# Passwords: Django's own forms (and so its tokens and checks), with the product's labels, hints and messages.

# (Words shown on the page, not passwords: hence the noqa for ruff's hard-coded password rule.)
NEW_PASSWORD_HINT = "At least 12 characters. A few unrelated words you will remember make a good one."  # noqa: S105
PASSWORD_MISMATCH = "The two new passwords are not the same. Enter the same new password twice."  # noqa: S105


def _new_password_fields(form: forms.Form) -> None:
    first, second = form.fields["new_password1"], form.fields["new_password2"]
    first.label, first.help_text = "New password", NEW_PASSWORD_HINT
    second.label, second.help_text = "Confirm your new password", ""
    for field in (first, second):
        field.validators.append(MaxLengthValidator(200))
    first.error_messages["required"] = "Enter a new password"
    second.error_messages["required"] = "Enter your new password again to confirm it"


class PasswordChangeForm(Form, auth_forms.PasswordChangeForm):
    """A signed-in person's current password and their new one, twice; ``save`` goes through the service."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": "Your current password is not right. Enter it again.",
    }

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        current = self.fields["old_password"]
        current.label = "Current password"
        current.validators.append(MaxLengthValidator(200))
        current.widget.attrs.pop("autofocus", None)  # the page's heading comes first for screen readers
        current.error_messages["required"] = "Enter your current password"
        _new_password_fields(self)

    def save(self, commit: bool = True) -> User:
        # Django's PasswordChangeView calls save(), then keeps this session by its new hash.
        return services.user_password_change(
            user=self.user, password=self.cleaned_data["new_password1"], actor=self.user
        )


class SetPasswordForm(Form, auth_forms.SetPasswordForm):
    """The new password, twice, on the page a reset link opens; ``save`` goes through the service."""

    error_messages = {**auth_forms.SetPasswordForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        _new_password_fields(self)

    def save(self, commit: bool = True) -> User:
        # Django's PasswordResetConfirmView calls save() once the link's token has been checked.
        return services.user_password_reset(user=self.user, password=self.cleaned_data["new_password1"])


class PasswordResetRequestForm(Form, auth_forms.PasswordResetForm):
    """An email address to send a reset link to. Django's ``save`` writes and sends each email; the service decides
    whether any may be sent (the rate limit) and to which accounts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The email address your scheme has for you. We will send a link to reset your password."
        email.error_messages["required"] = "Enter your email address"
        email.error_messages["invalid"] = "Enter an email address in the right form, like name@example.org"
        email.widget.attrs.update({"spellcheck": "false", "autocapitalize": "none"})
        self._accounts: list[User] = []

    def get_users(self, email: str) -> Any:
        """The accounts the service chose (Django's ``save`` sends one email to each)."""
        return iter(self._accounts)

    def save(self, request: Any = None, **options: Any) -> None:
        """Called by Django's PasswordResetView; refused (``ActionNotAllowed``) over the rate limit."""

        def send_links(accounts: list[User]) -> None:
            self._accounts = accounts
            auth_forms.PasswordResetForm.save(self, request=request, **options)

        services.password_reset_request(
            email=self.cleaned_data["email"], client_address=client_ip(request), send_links=send_links
        )
