"""The app's models, by concern: articles (with sections, tags and related links), people
(authors and bylines), media (the picture library, captions), fronts (the slots editors
order), workflow (status history, corrections), review (the desk's notes, who has an article
open), imports and search; the statuses and the rule of each editorial state in ``states``.

Receivers of their signals are in ``articles/signals.py``.
"""

import reversion

from .articles import (
    PREVIEW_SIGNER,
    RELATED_CANDIDATES,
    WORDS_PER_MINUTE,
    Article,
    ArticleNotReady,
    ArticleQuerySet,
    ArticleRedirect,
    EditConflict,
    RelatedLink,
    Section,
    SectionQuerySet,
    TaggedArticle,
    WithdrawnArticle,
    article_path,
    detail_lookups,
    listing_lookups,
    new_preview_token,
    pictures_follow_status,
    public_tags,
    related_links_lookup,
)
from .fronts import Front, FrontSlot, arrange
from .imports import ImportedFile, ImportRun
from .media import Caption, Picture, PictureQuerySet
from .people import Author, AuthorQuerySet, Byline
from .review import Presence, ReviewNote, person, presence_notice
from .search import SearchEntry
from .states import State, Status, published_q, state_q
from .validation import FOCAL_VALIDATORS, IMAGE_VALIDATORS, http_url_constraint
from .workflow import Correction, Transition

__all__ = [
    "PREVIEW_SIGNER",
    "RELATED_CANDIDATES",
    "WORDS_PER_MINUTE",
    "FOCAL_VALIDATORS",
    "IMAGE_VALIDATORS",
    "Article",
    "ArticleNotReady",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Author",
    "AuthorQuerySet",
    "Byline",
    "Caption",
    "Correction",
    "EditConflict",
    "Front",
    "FrontSlot",
    "ImportRun",
    "Presence",
    "ImportedFile",
    "Picture",
    "PictureQuerySet",
    "RelatedLink",
    "ReviewNote",
    "SearchEntry",
    "Section",
    "SectionQuerySet",
    "State",
    "Status",
    "TaggedArticle",
    "Transition",
    "WithdrawnArticle",
    "arrange",
    "article_path",
    "detail_lookups",
    "http_url_constraint",
    "listing_lookups",
    "new_preview_token",
    "person",
    "presence_notice",
    "pictures_follow_status",
    "public_tags",
    "published_q",
    "related_links_lookup",
    "state_q",
]

# A revision of an article holds its byline, captions, links and tags, so restoring one brings
# them all back. Registered here, before the admin's VersionAdmin would register Article with its
# inlines only; the status history is not content, and a restore leaves it alone.
reversion.register(Correction)
reversion.register(Byline)
reversion.register(Caption)
reversion.register(RelatedLink)
reversion.register(TaggedArticle)
reversion.register(
    Article,
    follow=("bylines", "captions", "related_links", "corrections", "taggedarticle_set"),
)
