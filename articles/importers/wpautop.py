"""WordPress's ``wpautop()`` (wp-includes/formatting.php), ported rule for rule: how WordPress
shows classic-editor content, where a blank line makes a paragraph and a single line break a
``<br>``.

Block-level elements are never wrapped in ``<p>``: a blank line is put around each of their
tags, the text is split at blank lines, every piece is wrapped, and the wrapping is taken off
again wherever a piece starts or ends with a block tag. So no ``<br>`` comes between list
items, table rows or cells, and ``<pre>`` elements are set aside and put back untouched. The
output is WordPress's, ``<br />`` included; ``wpbody.tidy()`` then guarantees what WordPress
leaves to the browser (balanced tags, no text outside a block).

One departure: ``<pre>`` is found in any case (``<PRE>``), where WordPress looks for lower case
only and would put ``<br />``s into an upper-case one.
"""

import re

# Every pattern is ASCII (re.ASCII), as PHP's are: a no-break space is text, not white space.

# Every element wpautop treats as a block (WordPress's $allblocks).
ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_OPENING = re.compile(r"(<" + ALL_BLOCKS + r"[\s/>])", re.ASCII)
_BLOCK_CLOSING = re.compile(r"(</" + ALL_BLOCKS + r">)", re.ASCII)
_HR = re.compile(r"(<hr\s*?/?>)", re.ASCII)
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.ASCII)
_PRE_OPENING = re.compile(r"<pre", re.I | re.ASCII)
_PRE_CLOSING = re.compile(r"(</pre>)", re.I | re.ASCII)
_WRAPPED_BLOCK_TAG = re.compile(r"<p>\s*(</?" + ALL_BLOCKS + r"[^>]*>)\s*</p>", re.ASCII)
_OPENED_BLOCK_TAG = re.compile(r"<p>\s*(</?" + ALL_BLOCKS + r"[^>]*>)", re.ASCII)
_CLOSED_BLOCK_TAG = re.compile(r"(</?" + ALL_BLOCKS + r"[^>]*>)\s*</p>", re.ASCII)
_BR_AFTER_BLOCK_TAG = re.compile(r"(</?" + ALL_BLOCKS + r"[^>]*>)\s*<br />", re.ASCII)
_BR_BEFORE_BLOCK_TAG = re.compile(
    r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", re.ASCII
)
_UNCLOSED_IN_CONTAINER = re.compile(r"<p>([^<]+)</(div|address|form)>", re.ASCII)
_WRAPPED_LIST_ITEM = re.compile(r"<p>(<li.+?)</p>", re.ASCII)
_WRAPPED_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I | re.ASCII)
_RAW_ELEMENT = re.compile(r"<(script|style|svg).*?</\1>", re.S | re.ASCII)
_NEWLINE_NOT_AFTER_BR = re.compile(r"(?<!<br />)\s*\n", re.ASCII)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n", re.ASCII)
_WHITESPACE_PARAGRAPH = re.compile(r"<p>\s*</p>", re.ASCII)

# WordPress's get_html_split_regex(): an element, a comment or a CDATA section (an unclosed
# one runs to the end), so that newlines inside tags are told from newlines in the text.
_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_CDATA = r"!\[CDATA\[[^\]]*+(?:\](?!\]>)[^\]]*+)*+(?:\]\]>)?"
_HTML_SPLIT = re.compile(
    r"(<(?:(?=!--)" + _COMMENT + r"|(?=!\[CDATA\[)" + _CDATA + r"|[^>]*>?))", re.ASCII
)
_NEWLINE_PLACEHOLDER = " <!-- wpnl --> "
_PRESERVED_NEWLINE = "<WPPreserveNewline />"


def wpautop(text, br=True):
    """``text`` with paragraphs made from its blank lines and, with ``br``, ``<br />`` for
    each single line break inside a paragraph."""
    if not text.strip(" \t\n\r\0\x0b"):  # PHP's trim(): a no-break space is text
        return ""
    text, pre_tags = _set_pre_aside(text + "\n")
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BLOCK_OPENING.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSING.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replace_in_html_tags(text, {"\n": _NEWLINE_PLACEHOLDER})
    text = _collapse_around_inner_elements(text)
    text = re.sub(r"\n\n+", "\n\n", text, flags=re.ASCII)
    pieces = [piece for piece in _PARAGRAPH_BREAK.split(text) if piece]
    text = "".join(f"<p>{piece.strip(chr(10))}</p>\n" for piece in pieces)
    text = _WHITESPACE_PARAGRAPH.sub("", text)
    text = _UNCLOSED_IN_CONTAINER.sub(r"<p>\1</p></\2>", text)
    text = _WRAPPED_BLOCK_TAG.sub(r"\1", text)
    text = _WRAPPED_LIST_ITEM.sub(r"\1", text)
    text = _WRAPPED_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _OPENED_BLOCK_TAG.sub(r"\1", text)
    text = _CLOSED_BLOCK_TAG.sub(r"\1", text)
    if br:
        text = _RAW_ELEMENT.sub(lambda m: m.group(0).replace("\n", _PRESERVED_NEWLINE), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _NEWLINE_NOT_AFTER_BR.sub("<br />\n", text)
        text = text.replace(_PRESERVED_NEWLINE, "\n")
    text = _BR_AFTER_BLOCK_TAG.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK_TAG.sub(r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text, flags=re.ASCII)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(_NEWLINE_PLACEHOLDER, "\n").replace("<!-- wpnl -->", "\n")
    return text


def _set_pre_aside(text):
    """``text`` with each ``<pre>`` element replaced by a placeholder, and the placeholders."""
    if not _PRE_OPENING.search(text):
        return text, {}
    parts = _PRE_CLOSING.split(text)  # text, closing tag, text, …, text
    out, pre_tags = [], {}
    for part, closing in zip(parts[:-1:2], parts[1::2], strict=True):
        found = _PRE_OPENING.search(part)
        if found is None:  # malformed HTML: a closing tag without its opening one
            out.append(part)
            continue
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = part[found.start() :] + closing
        out.append(part[: found.start()] + name)
    return "".join(out) + parts[-1], pre_tags


def _collapse_around_inner_elements(text):
    """No paragraph or line break around ``<option>``s, an ``<object>``'s ``<param>``s, a
    video's ``<source>``s and ``<track>``s, or a ``<figcaption>``."""
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text, flags=re.ASCII)
        text = re.sub(r"</option>\s*", "</option>", text, flags=re.ASCII)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text, flags=re.ASCII)
        text = re.sub(r"\s*</object>", "</object>", text, flags=re.ASCII)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text, flags=re.ASCII)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text, flags=re.ASCII)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text, flags=re.ASCII)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text, flags=re.ASCII)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text, flags=re.ASCII)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text, flags=re.ASCII)
    return text


def html_split(text):
    """Text and elements alternately (WordPress's wp_html_split): elements at odd indices."""
    return _HTML_SPLIT.split(text)


def replace_in_html_tags(text, pairs):
    """``text`` with each key of ``pairs`` replaced by its value inside tags and comments
    only, never in the text between them."""
    parts = html_split(text)
    for index in range(1, len(parts), 2):
        for needle, replacement in pairs.items():
            parts[index] = parts[index].replace(needle, replacement)
    return "".join(parts)
