"""The public takedown form: the elements a DMCA §512(c)(3) / DSA Art. 16 notice needs. Error texts are
constants so tests can assert them exactly."""

from django import forms

HONEYPOT_LABEL = "Leave this field empty"
HONEYPOT_FILLED = "This notice looks automated and was not accepted."
RATE_LIMITED = "Too many notices from your address in the last hour: please try again later."
GOOD_FAITH_TEXT = (
    "I have a good-faith belief that use of the material in the manner complained of is not authorised by the "
    "copyright owner, its agent, or the law."
)
ACCURATE_TEXT = (
    "The information in this notice is accurate and, under penalty of perjury, I am the owner, or authorised to "
    "act on behalf of the owner, of the right that is allegedly infringed."
)


class TakedownForm(forms.Form):
    requester_name = forms.CharField(label="Your full name", max_length=200)
    requester_email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to confirm it. An address at the publisher's own domain also proves ownership.",
    )
    organisation = forms.CharField(label="Organisation you act for (if any)", max_length=200, required=False)
    contact = forms.CharField(
        label="Postal address or telephone", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    work = forms.CharField(
        label="The work or right you say is infringed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    urls = forms.CharField(
        label="URLs of the material on the original site, one per line",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=50_000,
        help_text="Any form of the address works: we also cover its AMP, mobile, http/https and tracking variants.",
    )
    prefix = forms.CharField(
        label="…or a whole domain or path prefix",
        max_length=2000,
        required=False,
        help_text="For example https://news.example/sport/ — everything under it.",
    )
    good_faith = forms.BooleanField(label=GOOD_FAITH_TEXT)
    accurate = forms.BooleanField(label=ACCURATE_TEXT)
    signature = forms.CharField(label="Signature: type your full name", max_length=200)
    # Hidden from people by CSS (and from screen readers by aria-hidden on its wrapper); bots fill it.
    website = forms.CharField(required=False, label=HONEYPOT_LABEL)

    def url_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("urls", "").splitlines() if line.strip()]
