"""Shared pieces of the browser tests: a signed-in browser context, and the hooks that catch injected script."""

from django.conf import settings
from django.test import Client

# Runs before any script of every page and frame (Playwright's init scripts are not subject to the page's CSP).
# Anything an injected payload would call to prove it ran is replaced by a recorder, and every CSP violation is
# recorded too: the sanitizer is the first wall and the CSP the second, and neither may be reached.
EXECUTION_HOOK = """
(() => {
  const hits = [];
  const violations = [];
  Object.defineProperty(window, '__xssHits', {value: hits});
  Object.defineProperty(window, '__cspViolations', {value: violations});
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    const trap = function (...args) { hits.push(name + '(' + String(args[0]).slice(0, 80) + ')'); };
    Object.defineProperty(window, name, {value: trap, writable: false, configurable: false});
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    violations.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + (event.sample || ''));
  });
})();
"""

# What a sanitized comment body may hold (newsdesk/community/markup.py ALLOWED_TAGS), and the URL schemes a link
# may use. The scan reports anything else, so a payload that is inert only because this chromium ignores it still
# fails the test.
DOM_SCAN = """
() => {
  const allowed = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'A', 'UL', 'OL', 'LI', 'BLOCKQUOTE']);
  const safeUrl = /^(https?:|mailto:|[^:]*$)/i;
  const problems = [];
  for (const body of document.querySelectorAll('.comment-body')) {
    for (const el of body.querySelectorAll('*')) {
      if (!allowed.has(el.tagName)) problems.push('tag ' + el.tagName + ' in ' + body.closest('article').id);
    }
  }
  for (const name of document.querySelectorAll('.comment-author')) {
    if (name.children.length) problems.push('markup in the name of ' + name.closest('article').id);
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.trim();
      if (/^on/i.test(attr.name)) problems.push('handler ' + attr.name + ' on ' + el.tagName);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attr.name) && !safeUrl.test(value)
          && !value.startsWith('/') && !value.startsWith('#')) {
        problems.push('url ' + attr.name + '=' + value.slice(0, 60) + ' on ' + el.tagName);
      }
    }
  }
  for (const el of document.querySelectorAll('script')) {
    // Only our own script files (the admin's); never an inline script or one from elsewhere.
    if (!el.src || new URL(el.src).origin !== location.origin) problems.push('script ' + el.outerHTML.slice(0, 80));
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'frame', 'applet']) {
    for (const el of document.querySelectorAll(tag)) problems.push('element ' + tag + ' ' + (el.src || ''));
  }
  for (const meta of document.querySelectorAll('meta[http-equiv]')) problems.push('meta http-equiv');
  return problems;
}
"""


def session_cookie(user, base_url: str) -> dict:
    """A browser cookie for a session of `user` (signed in the way the Django test client signs in)."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


# A ceiling for loading one page (Playwright's default is 30 s): the admin list of every vector is 2,000+ rows
# rendered by the test's live server under coverage, which took over 30 s at load 20 on the 2-core machine.
NAVIGATION_TIMEOUT_MS = 180_000


def hooked_context(browser, *, base_url: str, user=None, **options):
    """A browser context with the execution hook in every page (and signed in as `user` when given)."""
    context = browser.new_context(**options)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.add_init_script(EXECUTION_HOOK)
    if user is not None:
        context.add_cookies([session_cookie(user, base_url)])
    return context


def page_findings(page) -> dict[str, list[str]]:
    """What ran (hooked calls), what the CSP stopped, and what the DOM scan found on the page as it is now."""
    return {
        "ran": page.evaluate("window.__xssHits.slice()"),
        "csp": page.evaluate("window.__cspViolations.slice()"),
        "dom": page.evaluate(DOM_SCAN),
    }
