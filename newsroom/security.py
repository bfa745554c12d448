"""The project's Content Security Policy middleware: django-csp's, with two allowances for the
admin's rich-text editor (django-prose-editor, built on Tiptap): its import map, an inline
``<script type="importmap">`` allowed by the hash of its content (never any other inline
script), and the base styles Tiptap injects as a ``<style>`` element."""

import base64
import functools
import hashlib
import re

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django_prose_editor.widgets import importmap

ADMIN_PREFIX = "/admin/"


@functools.cache
def editor_importmap_source():
    """The CSP source of the editor's import map: ``'sha256-…'`` of what its element holds."""
    content = re.fullmatch(r"<script[^>]*>(.*)</script>", str(importmap), re.DOTALL)[1]
    digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
    return f"'sha256-{digest}'"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {
                **(parts.update or {}),
                "script-src": [editor_importmap_source()],
                "style-src": [UNSAFE_INLINE],
            }
        return parts
