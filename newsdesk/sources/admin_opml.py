"""Admin page "OPML import / export": upload an OPML file to follow its feeds, download ours.

Registered on the proxy model `sources.OpmlTransfer` (imported by newsdesk/sources/admin.py), which gives the
admin index an entry of its own. Import needs add permission on publishers and feeds; export
needs view permission on feeds.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newsdesk.common.read_only_admin import ReadOnlyAdminMixin
from newsdesk.reader.feeds.opml import MAX_OPML_BYTES, OPML_TOO_LARGE, OpmlError
from newsdesk.sources.models import OpmlTransfer, Publisher
from newsdesk.sources.opml_services import opml_export, opml_import

IMPORT_PERMISSIONS = ("sources.add_publisher", "sources.add_feed")
EXPORT_PERMISSION = "sources.view_feed"


class OpmlUploadForm(forms.Form):
    file = forms.FileField(label="OPML file", help_text="An export from any feed reader (.opml or .xml).")
    policy = forms.ChoiceField(
        label="Display policy for new publishers",
        choices=Publisher.DisplayPolicy.choices,
        initial=Publisher.DisplayPolicy.EXCERPT,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_OPML_BYTES:
            raise forms.ValidationError(OPML_TOO_LARGE)
        return upload


@admin.register(OpmlTransfer)
class OpmlTransferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_urls(self):
        return [
            path("", self.admin_site.admin_view(self.transfer_view), name="sources_opmltransfer_changelist"),
            path("export/", self.admin_site.admin_view(self.export_view), name="sources_opmltransfer_export"),
        ]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION) or self._can_import(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @staticmethod
    def _can_import(request: HttpRequest) -> bool:
        return request.user.has_perms(IMPORT_PERMISSIONS)

    def transfer_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        can_import = self._can_import(request)
        form = OpmlUploadForm()
        if request.method == "POST":
            if not can_import:
                return HttpResponse(status=403)
            form = OpmlUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = opml_import(
                        data=form.cleaned_data["file"].read(), default_policy=form.cleaned_data["policy"]
                    )
                except (OpmlError, ValueError) as exc:
                    form.add_error("file", str(exc))
                else:
                    self.message_user(
                        request,
                        f"Imported {result.feeds} feed{pluralize(result.feeds)}: {result.feeds_created} new, "
                        f"{result.feeds_existing} already followed; {result.publishers_created} new "
                        f"publisher{pluralize(result.publishers_created)}.",
                        messages.SUCCESS,
                    )
                    for line in result.skipped[:20]:
                        self.message_user(request, f"Skipped {line}", messages.WARNING)
                    return HttpResponseRedirect(reverse("admin:sources_opmltransfer_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "OPML import / export",
            "form": form,
            "can_import": can_import,
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
        }
        return TemplateResponse(request, "admin/sources/opml_transfer.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(EXPORT_PERMISSION):
            return HttpResponse(status=403)

        response = HttpResponse(opml_export(), content_type="text/x-opml; charset=utf-8")
        filename = f"newsdesk-{timezone.now():%Y%m%d}.opml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
