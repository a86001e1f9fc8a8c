"""Static files under content-hashed names (site.3f2a….css), so they can be cached for a year: a changed file gets
a new name. `newsdesk serve` collects them into STATIC_ROOT before it starts (collectstatic); whitenoise, or nginx
in deploy/, serves them with far-future lifetimes."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class HashedStaticStorage(ManifestStaticFilesStorage):
    """Django's manifest storage that falls back to the plain name for a file not collected yet (before the first
    collectstatic, or added since): the page still renders and whitenoise serves it from the app's folder, with a
    short lifetime."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not in the manifest and not in STATIC_ROOT
            return name
