"""Pre-publish checks: what an article must have to be public.

Which checks apply is the setting ``ARTICLES_PUBLISH_CHECKS`` (names from ``CHECKS``). They hold
for every save of a public article, not only the moment of publishing: ``Article.change_status()``
asks them of the saved article (actions, imports, reinstatement), and the admin's form asks them
of what the editor is about to save (``Facts.from_forms``), so that a public article cannot gain a
picture without alt text.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from .. import conf

HEADLINE_MAX_LENGTH = 110
PUBLISH_PERMISSION = "articles.publish_article"


def may_publish(user):
    """Whether ``user`` may publish, unpublish and schedule: every path that publishes asks."""
    return user.has_perm(PUBLISH_PERMISSION)


def reviewers():
    """Who can be asked to review an article: active staff who may publish."""
    return (
        get_user_model()
        .objects.with_perm(PUBLISH_PERMISSION, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


def ensure_may_publish(user):
    """Raise ``PermissionDenied`` unless ``user`` may publish."""
    if not may_publish(user):
        raise PermissionDenied(f"{user} does not have the permission to publish articles.")


@dataclass(frozen=True)
class Facts:
    """What the checks look at: the article's own fields, and its byline and pictures. A fact
    left None is not checked: a form checks the facts it holds, each inline its own."""

    headline: str | None = None
    dek: str | None = None
    has_section: bool | None = None
    authors: int | None = None
    pictures_without_alt_text: int | None = None

    @classmethod
    def of(cls, article):
        """The facts of a saved article (two queries)."""
        return cls(
            headline=article.headline,
            dek=article.dek,
            has_section=article.section_id is not None,
            authors=article.bylines.count(),
            pictures_without_alt_text=article.captions.exclude(picture__image="")
            .filter(picture__alt_text="")
            .count(),
        )


# Each check: the fact it reads, whether that fact passes, and what is needed otherwise.
CHECKS = {
    "headline": (
        "headline",
        lambda headline: 0 < len(headline) <= HEADLINE_MAX_LENGTH,
        f"a headline of at most {HEADLINE_MAX_LENGTH} characters",
    ),
    "author": ("authors", lambda authors: authors > 0, "at least one author in the byline"),
    "section": ("has_section", bool, "a section"),
    "alt_text": (
        "pictures_without_alt_text",
        lambda n: n == 0,
        "alt text on every captioned image",
    ),
    "dek": ("dek", bool, "a standfirst"),
}


def missing(facts):
    """What an article of ``facts`` lacks to be public, as phrases ("a section"); empty if
    ready. Facts that are None are not checked."""
    needed = []
    for name in conf.get("ARTICLES_PUBLISH_CHECKS"):
        fact, passes, phrase = CHECKS[name]
        value = getattr(facts, fact)
        if value is not None and not passes(value):
            needed.append(phrase)
    return needed


def missing_for_publication(article):
    """What the saved ``article`` lacks to be public."""
    return missing(Facts.of(article))
