"""{% comment_section target %}: the comments of an article (or any comment target) and the form to add one."""

from django import template

from newsdesk.community import spam
from newsdesk.community.forms import CommentForm
from newsdesk.community.selectors import comment_threads_and_count
from newsdesk.community.targets import target_label

register = template.Library()


@register.inclusion_tag("community/_comments.html", takes_context=True)
def comment_section(context: template.Context, target) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    form = None
    if user is not None and user.is_authenticated:
        form = CommentForm(initial={"started": spam.form_started_token()})
    threads, count = comment_threads_and_count(target=target, viewer=user)
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "label": target_label(target),
        "threads": threads,
        "count": count,
        "form": form,
    }
