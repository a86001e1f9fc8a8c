"""Posting, editing and reporting comments. A refused comment comes back on a page of its own with the reason
and everything typed, so nothing is lost."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views import View

from newsdesk.common.url_patterns import moved_permanently
from newsdesk.community import services, spam
from newsdesk.community.forms import NO_SUCH_PARENT, CommentEditForm, CommentForm, CommentReportForm
from newsdesk.community.models import Comment
from newsdesk.community.targets import UnknownTarget, target_get, target_gone, target_successor, target_type

POSTED = "Your comment is posted."
POSTED_PENDING = "Thanks! Your comment will appear once a moderator has approved it (only you see it until then)."
EDITED = "Your comment is updated."
REPORTED = "Thanks: a moderator will look at this comment."


def _no_target(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """What the comment form of a target no surface shows answers: 410 Gone with the reason when it was removed for
    good (a takedown), as its page and comments feed do; else 404."""
    reason = target_gone(label=label, pk=pk)
    if not reason:
        raise Http404("Nothing to comment on here")
    return _private(render(request, "410.html", {"message": reason}, status=410))


def _private(response: HttpResponse) -> HttpResponse:
    # Pages for one signed-in reader: never stored by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _successor_of(label: str, pk: int) -> models.Model | None:
    """The target that took gone target `label` `pk`'s place (a story merged into another: its comments moved
    there, as its page and comments feed lead), else None."""
    successor = target_successor(label=label, pk=pk)
    if successor is None:
        return None
    try:
        return target_get(label=label, pk=successor)
    except UnknownTarget:
        return None


class CommentPostView(LoginRequiredMixin, View):
    template_name = "community/comment_form.html"

    def get(self, request: HttpRequest, label: str, pk: int) -> HttpResponse:
        try:
            target = target_get(label=label, pk=pk)
        except UnknownTarget:
            if (successor := _successor_of(label, pk)) is not None:
                # The form of the story it became (query kept: `reply_to` names a comment that moved with the rest).
                return moved_permanently(request, reverse("community:comment_post", args=[label, successor.pk]))
            return _no_target(request, label, pk)
        form = CommentForm(initial={"started": spam.form_started_token(), "parent": request.GET.get("reply_to")})
        return _private(render(request, self.template_name, {"form": form, "target": target, "label": label}))

    def post(self, request: HttpRequest, label: str, pk: int) -> HttpResponse:
        try:
            target = target_get(label=label, pk=pk)
        except UnknownTarget:
            # A form opened before its story was merged away: the comment goes to the story it became, where the
            # earlier comments are (a redirect would drop what was typed).
            target = _successor_of(label, pk)
            if target is None:
                return _no_target(request, label, pk)
        form = CommentForm(request.POST)
        if form.is_valid():
            parent = None
            if form.cleaned_data["parent"]:
                parent = Comment.objects.filter(
                    pk=form.cleaned_data["parent"],
                    target_type=target_type(target),
                    target_id=target.pk,
                    status=Comment.Status.APPROVED,
                ).first()
                if parent is None:
                    form.add_error(None, NO_SUCH_PARENT)
            if form.is_valid():
                try:
                    comment = services.comment_create(
                        author=request.user,
                        target=target,
                        body=form.cleaned_data["body"],
                        parent=parent,
                        honeypot=form.cleaned_data["website"],
                        started_token=form.cleaned_data["started"] or "",
                    )
                except services.CommentRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    approved = comment.status == Comment.Status.APPROVED
                    messages.success(request, POSTED if approved else POSTED_PENDING)
                    return HttpResponseRedirect(comment.get_absolute_url())
        # A fresh timestamp, so "too quick" is not repeated when they post again.
        form.data = form.data.copy()
        form.data["started"] = spam.form_started_token()
        context = {"form": form, "target": target, "label": label}
        return _private(render(request, self.template_name, context, status=400))


class CommentEditView(LoginRequiredMixin, View):
    template_name = "community/comment_edit.html"

    def _comment(self, request: HttpRequest, comment_id: int) -> Comment:
        return get_object_or_404(Comment, pk=comment_id, author=request.user)

    def get(self, request: HttpRequest, comment_id: int) -> HttpResponse:
        comment = self._comment(request, comment_id)
        form = CommentEditForm(initial={"body": comment.body})
        context = {"form": form, "comment": comment, "editable": services.comment_is_editable(comment)}
        return _private(render(request, self.template_name, context))

    def post(self, request: HttpRequest, comment_id: int) -> HttpResponse:
        comment = self._comment(request, comment_id)
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                services.comment_edit(comment=comment, editor=request.user, body=form.cleaned_data["body"])
            except services.CommentRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, EDITED)
                return HttpResponseRedirect(comment.get_absolute_url())
        context = {"form": form, "comment": comment, "editable": services.comment_is_editable(comment)}
        return _private(render(request, self.template_name, context, status=400))


class CommentReportView(LoginRequiredMixin, View):
    template_name = "community/comment_report.html"

    def get(self, request: HttpRequest, comment_id: int) -> HttpResponse:
        comment = get_object_or_404(Comment, pk=comment_id, status=Comment.Status.APPROVED)
        return _private(render(request, self.template_name, {"form": CommentReportForm(), "comment": comment}))

    def post(self, request: HttpRequest, comment_id: int) -> HttpResponse:
        comment = get_object_or_404(Comment, pk=comment_id, status=Comment.Status.APPROVED)
        form = CommentReportForm(request.POST)
        if form.is_valid():
            try:
                services.comment_report(comment=comment, reporter=request.user, reason=form.cleaned_data["reason"])
            except services.CommentRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, REPORTED)
                return HttpResponseRedirect(comment.target.get_absolute_url() + "#comments")
        context = {"form": form, "comment": comment}
        return _private(render(request, self.template_name, context, status=400))
