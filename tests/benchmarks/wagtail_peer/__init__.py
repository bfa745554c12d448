"""A minimal Wagtail site serving the benchmark's article, the Python peer ``make bench`` beats.

It lives here, outside the project, with its own virtualenv (``.venv-wagtail``, built by
``make bench`` from ``requirements.txt``), so Wagtail never becomes a dependency of newsroom.
The page model is what a newsroom would write in Wagtail: an article page with a rich-text
body, a captioned lead image rendered as a responsive ``<picture>``, an ordered byline, related
links and tags.
"""
