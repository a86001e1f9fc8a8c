"""Forms of the community pages. Error texts are constants so tests can assert them exactly."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from newsdesk.community.names import holds_hidden_character, holds_hidden_character_in_text

EMAIL_TAKEN = "An account with this email address already exists. Sign in, or reset your password."
NOT_CONFIRMED_HINT = "Signed up but cannot sign in? Confirm your email address first: follow the link we emailed you."
HONEYPOT_LABEL = "Leave this field empty"

NAME_HIDDEN_CHARACTERS = (
    "Your name may not hold invisible or control characters (line breaks, direction overrides, zero-width spaces)."
)
NAME_EMPTY = "Choose a name to show with your comments."


def display_name_checked(raw: str) -> str:
    """A member's display name as typed, trimmed; ValidationError when empty or holding a hidden character. Sign-up
    and the Member admin both check names so: a name is shown beside comments by whoever set it."""
    name = raw.strip()
    if not name:
        raise forms.ValidationError(NAME_EMPTY)
    if holds_hidden_character(name):
        raise forms.ValidationError(NAME_HIDDEN_CHARACTERS)
    return name


class HoneypotMixin(forms.Form):
    # Hidden from people by CSS (and from screen readers by aria-hidden on its wrapper); bots fill it.
    website = forms.CharField(required=False, label=HONEYPOT_LABEL)


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="We send a link to this address to confirm it.")
    display_name = forms.CharField(max_length=80, help_text="Shown with your comments.")
    website = forms.CharField(required=False, label=HONEYPOT_LABEL)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email", "display_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean_display_name(self) -> str:
        return display_name_checked(self.cleaned_data["display_name"])


class SignInForm(AuthenticationForm):
    pass


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


EMPTY_COMMENT = "Write something before posting."
NO_SUCH_PARENT = "The comment you replied to is no longer there; post yours as a new comment."
BODY_HIDDEN_CHARACTERS = (
    "Your comment may not hold invisible or control characters (direction overrides such as U+202E, zero-width "
    "spaces): they can make text read differently from how it shows. Retype the part you pasted."
)


def comment_body_checked(body: str) -> str:
    """A comment's text as typed; ValidationError when it holds a hidden character (the display names' rule, line
    breaks allowed: names.holds_hidden_character_in_text). An override would turn the text after it around wherever the comment
    is shown as plain text (the comments feed's titles)."""
    if holds_hidden_character_in_text(body):
        raise forms.ValidationError(BODY_HIDDEN_CHARACTERS)
    return body


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        error_messages={"required": EMPTY_COMMENT},
        max_length=settings.COMMUNITY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="*italic*, **bold**, `code`, [links](https://…), lists and > quotes.",
    )
    # A mangled id (a reply link cut short) is a comment that is not there: said so, not a silent 400.
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, error_messages={"invalid": NO_SUCH_PARENT})
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=HONEYPOT_LABEL)

    def clean_body(self) -> str:
        return comment_body_checked(self.cleaned_data["body"])


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label="Your comment", max_length=settings.COMMUNITY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean_body(self) -> str:
        return comment_body_checked(self.cleaned_data["body"])


class CommentReportForm(forms.Form):
    reason = forms.CharField(label="What is wrong with it? (optional)", required=False, max_length=300)
