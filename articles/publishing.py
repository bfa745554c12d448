"""Pre-publish checks: what an article must have before an editor can make it public.

Which checks apply is the setting ``ARTICLES_PUBLISH_CHECKS`` (names from ``CHECKS``). They run
on the saved article with its byline and captions, so the admin calls them after the inlines
are saved; the importer, which fills articles from text files, does not call them.
"""

from django.core.exceptions import PermissionDenied

from . import conf

HEADLINE_MAX_LENGTH = 110
PUBLISH_PERMISSION = "articles.publish_article"


def may_publish(user):
    """Whether ``user`` may publish, unpublish and schedule: every path that publishes asks."""
    return user.has_perm(PUBLISH_PERMISSION)


def ensure_may_publish(user):
    """Raise ``PermissionDenied`` unless ``user`` may publish."""
    if not may_publish(user):
        raise PermissionDenied(f"{user} does not have the permission to publish articles.")


def _headline(article):
    return 0 < len(article.headline) <= HEADLINE_MAX_LENGTH


def _alt_text(article):
    return not article.captions.exclude(image="").filter(alt_text="").exists()


CHECKS = {
    "headline": (_headline, f"a headline of at most {HEADLINE_MAX_LENGTH} characters"),
    "author": (lambda article: article.bylines.exists(), "at least one author in the byline"),
    "section": (lambda article: article.section_id is not None, "a section"),
    "alt_text": (_alt_text, "alt text on every captioned image"),
    "dek": (lambda article: bool(article.dek), "a standfirst"),
}


def missing_for_publication(article):
    """What ``article`` lacks to be published, as phrases ("a section"); empty if ready."""
    missing = []
    for name in conf.get("ARTICLES_PUBLISH_CHECKS"):
        check, needed = CHECKS[name]
        if not check(article):
            missing.append(needed)
    return missing
