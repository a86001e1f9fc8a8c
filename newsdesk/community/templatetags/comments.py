"""{% comment_section target %}: the comments of an article (or any comment target) and the form to add one."""

from django import template
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from newsdesk.common.fragments import Identity, fragments, template_digest
from newsdesk.community import spam
from newsdesk.community.forms import CommentForm
from newsdesk.community.selectors import approved_comment_keys, comments_shown
from newsdesk.community.targets import target_label

register = template.Library()

COMMENTS = "community/_comments.html"
COMMENT = "community/_comment.html"


def _section(context: template.Context, target) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    form = None
    if user is not None and user.is_authenticated:
        form = CommentForm(initial={"started": spam.form_started_token()})
    shown = comments_shown(target=target, viewer=user)
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "label": target_label(target),
        "threads": shown.threads,
        "count": shown.count,
        "awaiting": shown.awaiting,
        "form": form,
    }


@register.simple_tag(takes_context=True)
def comment_section(context: template.Context, target) -> SafeString:
    """The section as its viewer sees it. A signed-in reader's is their own (their pending comments, a form with
    a CSRF token); a visitor's is the same for every visitor, so it is cached under the approved comments it shows
    (read as plain rows first: a new, edited, moderated or removed comment shows at once)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return mark_safe(get_template(COMMENTS).render(_section(context, target)))
    label = target_label(target)
    fixed = (
        template_digest(COMMENTS),
        template_digest(COMMENT),
        timezone.get_current_timezone_name(),
        translation.get_language(),  # month names
        label,
    )

    def key_of(target) -> Identity:  # not asked for when fragments are not cached: then the comments are read once
        return ("comments", (*fixed, target.pk, *approved_comment_keys(target=target)))

    def render(_: list) -> list[str]:
        return [get_template(COMMENTS).render(_section(context, target))]

    return mark_safe(fragments([target], key_of=key_of, render=render)[0])
