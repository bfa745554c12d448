"""WordPress shortcodes and auto-embeds in post content, as the importer renders them: pure.

A shortcode is found as WordPress's ``get_shortcode_regex()`` finds one (``[name attrs]``,
``[name /]``, ``[name]content[/name]`` with the first closing tag after it, ``[[name]]`` for
the text ``[name]``), but by a single scan of the text, so that unclosed tags cost nothing.

- Code (SyntaxHighlighter's ``[sourcecode]``, ``[code]``, ``[source]`` and each language's
  ``[php]``, ``[python]``, …) becomes ``<pre><code>``, escaped once: the content is decoded
  first where WordPress stored it encoded (``_syntaxhighlighter_encoded``, or no markup but
  entities), and once more where the visual editor encoded it again (``&amp;lt;``).
- ``[caption]`` becomes the ``<figure>`` WordPress renders; ``[gallery]`` is replaced by
  nothing, its pictures handed to the caller (``Context.gallery``).
- ``[embed]URL[/embed]``, Jetpack's ``[youtube …]``, ``[vimeo …]``, ``[tweet …]``, a
  ``[video]`` or ``[audio]`` file, and a YouTube, Vimeo or X/Twitter address alone on a line
  (WordPress's auto-embed) become a link card: a ``<p class="embed">`` holding a link, with no
  third-party script or frame. ``[gist]`` becomes a link to the gist.
- Any other shortcode keeps the text it encloses and loses its tags; each is named once in
  the warnings. A bracketed word that is no shortcode (``[sic]``) stays: an unknown name
  counts as a shortcode when it is closed (``[/name]``), self-closing, has ``key=value``
  attributes, or is written like a plugin's (``[contact-form]``, ``[my_box]``).

Code, ``<pre>`` and ``<code>`` are set aside first, so that no shortcode or address inside
them is touched.
"""

import html
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .wpautop import replace_in_html_tags

# SyntaxHighlighter Evolved's shortcodes: its own names, then each brush and its aliases.
CODE_SHORTCODES = frozenset(
    "sourcecode source code "
    "as3 actionscript3 arduino bash shell clojure clj coldfusion cf cpp c c-sharp csharp "
    "css delphi pas pascal diff patch erl erlang fsharp go golang groovy haskell java "
    "javafx jfx javascript js jscript json latex tex matlab matlabkey objc obj-c perl pl "
    "php plain text powershell ps ps1 py python r splus rails rb ror ruby sass scss scala "
    "sql swift typescript ts vb vbnet xml xhtml xslt html yaml yml".split()
)
CAPTION_SHORTCODES = frozenset({"caption", "wp_caption"})
# Link cards: where each provider's addresses come from.
PROVIDERS = (
    ("YouTube", re.compile(r"^https?://(?:(?:www|m|music)\.)?(?:youtube\.com|youtu\.be)/", re.I)),
    ("Vimeo", re.compile(r"^https?://(?:(?:www|player)\.)?vimeo\.com/", re.I)),
    ("X", re.compile(r"^https?://(?:(?:www|mobile)\.)?(?:twitter|x)\.com/[^/]+/status", re.I)),
)
MAX_PASSES = 4
# Bare words plugins use as shortcodes without attributes or a closing tag.
BARE_SHORTCODES = frozenset(
    "toc ad ads adsense divider clear spacer newsletter subscribe related sitemap archives "
    "playlist".split()
)

# One tag: [name attrs], [name/], [/name], with [[ ]] for escaping. Attributes hold no
# brackets (as in WordPress), so a scan never runs past the next "["; nor a tag, so that a
# bracket in one paragraph and another in the next make no shortcode.
_TAG = re.compile(
    r"\[(?P<escape>\[?)(?P<closer>/?)(?P<name>[A-Za-z0-9_][\w-]*)(?![\w-])"
    r"(?P<attrs>(?:[^\[\]/<&]|&(?!lt;)|/(?!\]))*+)(?P<self>/?)\]"
)
_UNKNOWN_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
_PLUGIN_NAME = re.compile(r"[_-]")
# WordPress's shortcode_parse_atts().
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|"""
    r"""([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.I)
# WordPress's WP_Embed::autoembed(): an address alone on its line, or in its own paragraph.
_LINE_URL = re.compile(r"^([ \t]*)(https?://[^\s<>\"]+)([ \t]*)$", re.M | re.I)
_PARAGRAPH_URL = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.I)
_LINE_BREAK_PLACEHOLDER = "<!-- wp-line-break -->"
_GIST_ID = re.compile(r"^(?:[\w-]+/)?[0-9a-f]+$", re.I)
_TWEET_ID = re.compile(r"^\d+$")
# Markup the visual editor leaves in an encoded code block; any other tag means raw code.
_EDITOR_MARKUP = re.compile(r"<br\s*/?>|</?p>", re.I)
_RAW_MARKUP = re.compile(r"<[A-Za-z/!?]")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_ENCODED_TAG = re.compile(r"&lt;[A-Za-z/!?]")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_PROTECTED = (
    (re.compile(r"<pre\b", re.I), re.compile(r"</pre\s*>", re.I)),
    (re.compile(r"<code\b", re.I), re.compile(r"</code\s*>", re.I)),
)


@dataclass(frozen=True)
class Shortcode:
    """One shortcode: its name, attributes (named, lower-case keys) and positional values,
    the text it encloses (``None`` when it closes nothing), and its opening tag as written."""

    name: str
    attrs: dict
    positional: tuple
    content: str | None
    tag: str


@dataclass
class Context:
    """What rendering a post's shortcodes found out: code stored encoded, what to do with a
    gallery (its ``Shortcode`` in, the HTML to put in its place out), and the names of the
    shortcodes removed, with their opening tags."""

    encoded_code: bool = False
    gallery: Callable[[Shortcode], str] = lambda shortcode: ""
    removed: Counter = field(default_factory=Counter)
    dropped: list = field(default_factory=list)
    _kept: list = field(default_factory=list)

    def warnings(self):
        return [f"shortcode [{name}] removed (kept its text)" for name in self.removed]

    def keep(self, text):
        """A placeholder for ``text``, which no later pass touches (``restore`` puts it back)."""
        self._kept.append(text)
        return f"\ue000{len(self._kept) - 1}\ue001"

    def restore(self, text):
        # Kept text may hold placeholders of its own (a <pre> around a code shortcode).
        while _PLACEHOLDER.search(text):
            text = _PLACEHOLDER.sub(lambda m: self._kept[int(m.group(1))], text)
        return text


def render(text, context):
    """``text`` with its shortcodes and auto-embeds rendered; placeholders stand for code,
    ``<pre>`` and ``<code>`` (``context.restore`` puts them back)."""
    text = expand(text, context, names=CODE_SHORTCODES)
    text = _set_aside(text, context)
    text = autoembed(text)
    # Again while the text changes: what a removed shortcode leaves may join into one
    # ("[/[x]a]"), which a second reading of the body would take out.
    for _ in range(MAX_PASSES):
        text, before = expand(text, context), text
        if text == before:
            break
    return text


def expand(text, context, names=None):
    """``text`` with each shortcode replaced by its rendering; with ``names``, those only."""
    tags = list(_TAG.finditer(text))
    closers, closer_ends = {}, {}
    for tag in tags:
        if tag["closer"] and not tag["attrs"].strip():
            closers.setdefault(tag["name"], []).append(tag.start())
            closer_ends[tag.start()] = tag.end()
    out, position = [], 0
    for tag in tags:
        if tag.start() < position:
            continue  # inside a shortcode already rendered
        name = tag["name"]
        if names is not None and name not in names:
            continue
        if tag["closer"]:
            if (
                tag.start() in closer_ends
                and names is None
                and not tag["escape"]
                and _is_shortcode(tag, closed=True)
            ):
                out.append(text[position : tag.start()])  # a closing tag without its opening
                context.removed[name] += 1
                position = tag.end()
            continue
        end, content = tag.end(), None
        if not tag["self"] and (after := _first_after(closers.get(name, ()), tag.end())) >= 0:
            content, end = text[tag.end() : after], closer_ends[after]
        if name in CODE_SHORTCODES and content is None:
            continue  # code always encloses its code: a bare [c] or [text] is prose
        if names is None and not _is_shortcode(tag, closed=content is not None):
            continue
        out.append(text[position : tag.start()])
        if tag["escape"] and text[end : end + 1] == "]":
            out.append(context.keep(text[tag.start() + 1 : end]))  # [[name]]: the text [name]
            position = end + 1
            continue
        out.append(tag["escape"])
        attrs, positional = parse_attributes(tag["attrs"])
        shortcode = Shortcode(name, attrs, positional, content, _opening(tag))
        out.append(_render_one(shortcode, context))
        position = end
    out.append(text[position:])
    return "".join(out)


def _opening(tag):
    return f"[{tag['name']}{tag['attrs'].rstrip()}{tag['self']}]"


def _first_after(positions, start):
    index = bisect_left(positions, start)
    return positions[index] if index < len(positions) else -1


def _is_shortcode(tag, *, closed):
    """Whether a tag of a name no handler knows is a shortcode rather than bracketed prose."""
    name = tag["name"]
    if name in CAPTION_SHORTCODES | HANDLED or name in CODE_SHORTCODES:
        return True
    if not _UNKNOWN_NAME.match(name):
        return False
    return bool(
        closed
        or tag["self"]
        or "=" in tag["attrs"]
        or _PLUGIN_NAME.search(name)
        or name in BARE_SHORTCODES
    )


def parse_attributes(text):
    """``(named, positional)`` attributes of a shortcode, as WordPress reads them."""
    named, positional = {}, []
    for match in _ATTRIBUTE.finditer(re.sub(r"[\u00a0\u200b]+", " ", text)):
        if match[1]:
            named[match[1].lower()] = match[2]
        elif match[3]:
            named[match[3].lower()] = match[4]
        elif match[5]:
            named[match[5].lower()] = match[6]
        else:
            value = next((g for g in match.groups()[6:] if g is not None), "")
            positional.append(value)
    return named, tuple(positional)


def _render_one(shortcode, context):
    name = shortcode.name
    if name in CODE_SHORTCODES:
        return context.keep(code_block(shortcode.content or "", encoded=context.encoded_code))
    if name in CAPTION_SHORTCODES:
        if shortcode.content is None:
            return ""  # as WordPress: a caption of nothing is nothing
        return caption_figure(shortcode, expand(shortcode.content, context))
    if name == "gallery":
        return context.gallery(shortcode)
    if (handler := _HANDLERS.get(name)) and (rendered := handler(shortcode)) is not None:
        return rendered
    context.removed[name] += 1
    context.dropped.append(shortcode.tag)
    return expand(shortcode.content or "", context)


def code_block(code, *, encoded=False):
    """``<pre><code>`` of a code shortcode's content, escaped once."""
    if encoded or (not _RAW_MARKUP.search(_EDITOR_MARKUP.sub("", code)) and _ENTITY.search(code)):
        code = re.sub(r"</p>\s*<p>", "\n\n", code, flags=re.I)
        code = re.sub(r"<br\s*/?>\n?", "\n", code, flags=re.I)
        code = html.unescape(re.sub(r"</?p>", "", code, flags=re.I))
        if _ENCODED_TAG.search(code) and "<" not in code:  # encoded twice by the editor
            code = html.unescape(code)
    code = code.strip("\n").rstrip()
    return f"<pre><code>{html.escape(code, quote=False)}</code></pre>" if code.strip() else ""


_LEADING_PICTURE = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.I
)


def caption_figure(shortcode, inner):
    """A ``[caption]`` shortcode as the ``<figure>`` WordPress renders for it: the picture
    first, then the words after it (or the ``caption`` attribute) as its caption."""
    picture = _LEADING_PICTURE.match(inner)
    image, text = (picture.group(1), picture.group(2)) if picture else ("", inner)
    if not text.strip():
        text = shortcode.attrs.get("caption", "")
    return f"<figure>{image}<figcaption>{text.strip()}</figcaption></figure>"


def link_card(url, label=None):
    """The card that stands for an embed: a block holding a link to ``url``."""
    label = label or provider(url) or urlsplit(url).hostname or url
    href = html.escape(url)
    return (
        f'\n\n<p class="embed"><a href="{href}"><strong>{html.escape(label)}</strong> '
        f"{html.escape(url, quote=False)}</a></p>\n\n"
    )


def is_url(text):
    """Whether ``text`` is an http or https address, and nothing else."""
    return bool(_URL.match(text))


def provider(url):
    """The name of the embed provider ``url`` belongs to (YouTube, Vimeo, X), or None."""
    return next((name for name, pattern in PROVIDERS if pattern.match(url)), None)


def autoembed(text):
    """WordPress's auto-embed: a YouTube, Vimeo or X/Twitter address alone on its line, or in
    a paragraph of its own, becomes a link card; other addresses stay as they are (WordPress
    does not link them either)."""
    if "http" not in text:
        return text
    text = replace_in_html_tags(text, {"\n": _LINE_BREAK_PLACEHOLDER})

    def card(match):
        url = match.group(2)
        return match.group(0) if provider(url) is None else link_card(url)

    text = _LINE_URL.sub(card, text)
    text = _PARAGRAPH_URL.sub(card, text)
    return text.replace(_LINE_BREAK_PLACEHOLDER, "\n")


def _url_of(shortcode):
    """The address a media shortcode names: its content, ``url``/``src``, or first value."""
    candidates = [
        shortcode.content,
        shortcode.attrs.get("url"),
        shortcode.attrs.get("src"),
        *shortcode.positional,
    ]
    for candidate in candidates:
        candidate = html.unescape((candidate or "").strip().lstrip("="))
        if _URL.match(candidate):
            return candidate
    return None


def _embed(shortcode):
    url = _url_of(shortcode)
    return link_card(url) if url else ("" if not (shortcode.content or "").strip() else None)


def _media(label, *sources):
    def render(shortcode):
        url = next(
            (shortcode.attrs[key] for key in sources if _URL.match(shortcode.attrs.get(key, ""))),
            None,
        )
        url = url or _url_of(shortcode)
        return link_card(html.unescape(url), provider(url) or label) if url else None

    return render


def _vimeo(shortcode):
    value = (shortcode.positional or (shortcode.attrs.get("id", ""),))[0].lstrip("=")
    if value.isdigit():
        return link_card(f"https://vimeo.com/{value}")
    return _embed(shortcode)


def _tweet(shortcode):
    value = (shortcode.positional or (shortcode.attrs.get("tweet", ""),))[0].lstrip("=")
    if _TWEET_ID.match(value):
        return link_card(f"https://twitter.com/i/status/{value}", "X")
    return _embed(shortcode)


def _gist(shortcode):
    """Jetpack's ``[gist]``: a link to the gist, from its address or id."""
    value = (
        (shortcode.content or "").strip()
        or shortcode.attrs.get("id", "")
        or (shortcode.positional[0] if shortcode.positional else "")
    ).lstrip("=")
    value = html.unescape(value)
    if _GIST_ID.match(value):
        value = f"https://gist.github.com/{value}"
    if not _URL.match(value) or (urlsplit(value).hostname or "") != "gist.github.com":
        return None
    href = html.escape(value)
    return f'<a href="{href}">{html.escape(value, quote=False)}</a>'


_HANDLERS = {
    "embed": _embed,
    "youtube": _embed,
    "vimeo": _vimeo,
    "tweet": _tweet,
    "gist": _gist,
    "video": _media("Video", "src", "mp4", "m4v", "webm", "ogv", "flv"),
    "audio": _media("Audio", "src", "mp3", "m4a", "ogg", "wav", "wma", "flac"),
}
HANDLED = frozenset({*_HANDLERS, "gallery"})


def _set_aside(text, context):
    """``text`` with each ``<pre>`` and ``<code>`` element replaced by a placeholder."""
    for opening, closing in _PROTECTED:
        if not opening.search(text):
            continue
        closes = [m.end() for m in closing.finditer(text)]
        out, position = [], 0
        for match in opening.finditer(text):
            if match.start() < position:
                continue
            end = _first_after(closes, match.end())
            if end < 0:
                break
            out += [text[position : match.start()], context.keep(text[match.start() : end])]
            position = end
        text = "".join(out) + text[position:]
    return text
