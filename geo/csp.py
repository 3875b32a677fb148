"""A Content-Security-Policy for the map page: defence in depth behind the escaping.

Every string from the data or a link reaches the page escaped (geo.mapping.escape and
script_json) and is drawn with textContent. Should a string ever get past that, the page's
policy still lets nothing it injected run or call out:

* scripts: only the page's own inline scripts run, each named by the SHA-256 of its text,
  computed here from the finished page. No 'unsafe-inline', no 'unsafe-eval': an injected
  ``<script>``, an ``onerror=`` attribute or a ``javascript:`` link does not run.
* network: nothing. The page is one self-contained file (Leaflet and its images inlined), so
  ``default-src 'none'``, ``connect-src 'none'`` (no fetch, no XHR, no beacon), images only
  from ``data:``, no frames, no forms, no ``<base>``. The one exception is a build that offers
  the optional OpenStreetMap tiles (``geo.mapping.base_html(..., tiles=True)``, the app's
  page): its tile host may serve images, and nothing else; the tiles load only once the reader
  ticks them. The exported single file and the default page allow no request at all.
* styles: ``'unsafe-inline'``, because Leaflet and folium write style attributes and
  ``<style>`` blocks. A style cannot run script in any current browser; the worst it can do
  is change how the page looks, and with ``img-src`` closed it cannot call out either.

The policy is a ``<meta http-equiv>`` as the first thing in ``<head>``, so it covers every
script after it. A page in a ``srcdoc`` iframe (the app) keeps it, and inherits the policy of
the page around it as well (Streamlit's has none). The view the page opens on travels in a
``<script type="application/json">`` block, which is data, never run: its content may change
per link without changing any hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator, Sequence

# <script ...>text</script>: the tokenizer ends a script at "</script" followed by a space, "/"
# or ">". The page's own data never holds "<" (script_json writes \u003c), so this is exact.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script[\s/>]", re.I | re.S)
_STYLE = re.compile(r"<style\b[^>]*>.*?</style[\s/>]", re.I | re.S)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
_META = re.compile(r"""<meta\s+http-equiv=["']?Content-Security-Policy["']?[^>]*>""", re.I)
# An attribute on..= inside a tag (an inline event handler), in markup outside scripts/styles.
_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\s(on[a-zA-Z]+)\s*=", re.S)
_ORIGIN = re.compile(r"https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?")
# The types a browser runs as script (HTML's JavaScript MIME types, and modules).
_JS_TYPES = {
    "",
    "module",
    "application/ecmascript",
    "application/javascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}


class PolicyError(RuntimeError):
    """The page cannot carry the policy (a script from a file, an inline handler, no head)."""


def _script_type(attrs: str) -> str:
    m = _TYPE.search(attrs)
    if m is None:
        return ""
    return next(g for g in m.groups() if g is not None).strip().lower()


def inline_scripts(html: str) -> Iterator[str]:
    """The text of every script the browser would run, in page order (data blocks skipped)."""
    for m in _SCRIPT.finditer(html):
        attrs, text = m.group(1), m.group(2)
        if _script_type(attrs) not in _JS_TYPES:
            continue  # e.g. application/json: data, never run, needs no hash
        if _SRC.search(attrs):
            raise PolicyError("the page loads a script from a file; it must be self-contained")
        yield text


def script_hash(text: str) -> str:
    """The CSP source for a script's text, as the browser hashes it: the HTML parser has turned
    CR LF and lone CR into LF and NUL into U+FFFD before the script sees its text.

    >>> script_hash("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_handlers(html: str) -> list[str]:
    """Inline event-handler attributes (onclick= ...) in the page's markup; a policy without
    'unsafe-inline' blocks them, so the page must have none."""
    markup = _STYLE.sub("", _SCRIPT.sub("", html))
    return [m.group(1).lower() for m in _HANDLER.finditer(markup)]


def policy(html: str, *, image_origins: Sequence[str] = ()) -> str:
    """The policy for a finished page: its own scripts by hash, no network but ``image_origins``
    (``https://host``, for optional web tiles)."""
    for origin in image_origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"not an https origin for images: {origin!r}")
    hashes = list(dict.fromkeys(script_hash(s) for s in inline_scripts(html)))
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(hashes) if hashes else "'none'"),
            "style-src 'unsafe-inline'",
            " ".join(["img-src data:", *image_origins]),
            "font-src data:",
            "connect-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-src 'none'",
        ]
    )


def apply_csp(html: str, *, image_origins: Sequence[str] = ()) -> str:
    """``html`` with its policy as the first thing in ``<head>`` (replacing one already there).
    Call it on the finished page: a script changed afterwards no longer runs."""
    html = _META.sub("", html)
    handlers = inline_handlers(html)
    if handlers:
        raise PolicyError(f"the page has inline event handlers ({', '.join(sorted(set(handlers)))})")
    head = _HEAD.search(html)
    if head is None:
        raise PolicyError("the page has no <head> for its policy")
    content = policy(html, image_origins=image_origins)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    return html[: head.end()] + meta + html[head.end() :]
