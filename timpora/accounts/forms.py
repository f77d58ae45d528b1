from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import AccessLevel, DataCategory, Role

# The roles an agency administrator may give (team roles are the platform operator's).
AGENCY_ROLES = [(r.value, r.label) for r in Role if r not in (Role.COORDINATOR, Role.AUDITOR)]


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 12 characters, not a common password, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. 'APOA sync'.")
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=30,
    )


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[a-zA-Z0-9._-]{3,150}$",
        error_messages={
            "invalid": _("Use 3 or more letters, digits, dots, dashes or underscores.")
        },
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AGENCY_ROLES, initial=Role.OFFICER)


class UserChangeForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AGENCY_ROLES)

    def __init__(self, *args: Any, current_role: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current_role not in dict(AGENCY_ROLES):
            # A team role is shown, but stays as the platform operator set it.
            self.fields["role"] = forms.ChoiceField(
                label=_("Role"), choices=Role.choices, disabled=True
            )


class AccessProfileForm(forms.Form):
    """One choice of level per category of person data."""

    requires_two_factor = forms.BooleanField(label=_("Two-factor log-in required"), required=False)

    def __init__(self, *args: Any, levels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in DataCategory:
            self.fields[category.value] = forms.ChoiceField(
                label=category.label,
                choices=AccessLevel.choices,
                initial=levels.get(category.value, AccessLevel.NONE),
            )
