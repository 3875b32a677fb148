"""The page's Content-Security-Policy (geo.csp), read from the page as a browser would.

The scripts are found with Python's own HTML parser and hashed here, independently of geo.csp,
so a policy that names the wrong text fails. The browser's side: tests/test_csp_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geo import csp, mapping
from geo.bundle import Bundle
from geo.urlstate import View
from tests.conftest import LayersCopy

VIEW = View(date(2024, 8, 22))
OSM = "https://tile.openstreetmap.org"


class Parsed(HTMLParser):
    """Every start tag (name, attributes) in order, and every script's text and attributes."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in is not None:
            self.scripts.append((self._in, "".join(self._text)))
            self._in = None

    def executable(self) -> list[str]:
        return [text for attrs, text in self.scripts if attrs.get("type") in (None, "", "text/javascript")]

    def policy(self) -> dict[str, list[str]]:
        metas = [a for t, a in self.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(metas) == 1, metas
        content = metas[0]["content"] or ""
        return {d.split()[0]: d.split()[1:] for d in (x.strip() for x in content.split(";")) if d}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def page(bundle: Bundle) -> str:
    """The exported single file's page (geo export: map_html, no web tiles)."""
    return mapping.map_html(bundle, view=VIEW)


@pytest.fixture(scope="module")
def app_page(bundle: Bundle) -> str:
    """The app's page (base_html with the optional web tiles), before a link's view is set."""
    return mapping.base_html(bundle, tiles=True)


def test_the_policy_is_the_first_thing_in_head(page: str, app_page: str) -> None:
    for p in (page, app_page):
        tags = [t for t, _ in Parsed(p).tags]
        assert tags[:3] == ["html", "head", "meta"]
        assert re.search(r'<head>\s*<meta http-equiv="Content-Security-Policy"', p)


def test_only_the_pages_own_scripts_may_run(page: str, app_page: str) -> None:
    for p in (page, app_page):
        parsed = Parsed(p)
        scripts = parsed.executable()
        assert len(scripts) >= 3  # Leaflet, folium's settings, the map and the client
        allowed = parsed.policy()["script-src"]
        assert sorted(allowed) == sorted({sha256(s) for s in scripts})  # each by hash, nothing else
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'self'", "*", "data:", "'strict-dynamic'"} & set(
            allowed
        )
        assert all(s.startswith("'sha256-") for s in allowed)


def test_the_single_file_allows_no_request(page: str) -> None:
    policy = Parsed(page).policy()
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert policy["font-src"] == ["data:"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    for d in ("form-action", "base-uri", "frame-src"):
        assert policy[d] == ["'none'"], d
    # Nothing in the page points at the tile host: no web tiles offered, no choice shown.
    assert "openstreetmap.org" not in page.replace("© OpenStreetMap contributors", "")
    assert '"tileVar"' not in page


def test_the_apps_page_may_load_only_tile_images(app_page: str) -> None:
    policy = Parsed(app_page).policy()
    assert policy["img-src"] == ["data:", OSM]
    assert policy["connect-src"] == ["'none'"] and policy["default-src"] == ["'none'"]
    assert OSM in app_page and '"tileVar"' in app_page


def test_no_inline_event_handlers_or_script_addresses(page: str, app_page: str) -> None:
    for p in (page, app_page):
        for tag, attrs in Parsed(p).tags:
            assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
            for name in ("href", "src", "action", "formaction"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


HOSTILE = "</script><script>alert(1)</script>\u2028<!--<script>&amp;"


def test_a_hostile_view_cannot_close_its_block(app_page: str) -> None:
    view = View(date(2024, 8, 22), actors=(HOSTILE,))
    out = mapping.with_view(app_page, view, [HOSTILE])
    before, after = Parsed(app_page), Parsed(out)
    assert after.executable() == before.executable()  # not one script more, none changed
    assert after.policy() == before.policy()  # so the policy still holds for every link
    block = [text for attrs, text in after.scripts if attrs.get("id") == "gcm-view"]
    assert len(block) == 1
    assert re.search(r"[<>&\u2028\u2029]", block[0]) is None
    got = json.loads(block[0])  # what the client's JSON.parse reads: the strings, intact
    assert got["actors"] == [HOSTILE] and got["warnings"] == [HOSTILE]
    assert "<script>alert(1)" not in out


def test_the_view_block_comes_before_any_data(page: str) -> None:
    """with_view replaces the first view block: it sits in <head>, before anything from data."""
    head = page[: page.index("</head>")]
    assert head.index('<script type="application/json" id="gcm-view">') < head.index("<script>")


def test_policy_hashes_the_script_as_the_browser_reads_it() -> None:
    page = "<html><head></head><body><script>\r\na()\r</script>"
    page += '<script type="application/json">{"x":1}</script></body></html>'
    out = csp.apply_csp(page)
    assert sha256("\na()\n") in out  # the HTML parser turns CR LF and CR into LF
    assert out.count("'sha256-") == 1  # the data block is not a script: no hash
    assert csp.apply_csp(out) == out  # applying twice replaces the policy, never adds one


def test_a_page_with_no_scripts_may_run_none() -> None:
    out = csp.apply_csp("<html><head></head><body><p>x</p></body></html>")
    assert "script-src 'none'" in out


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ('<html><head></head><body><img src=x onerror="alert(1)"></body></html>', "onerror"),
        ('<html><head></head><body><button type="button" onClick=go()>x</button>', "onclick"),
        ('<html><head><script src="https://cdn.example/x.js"></script></head></html>', "from a file"),
        ("<html><body>no head</body></html>", "no <head>"),
    ],
)
def test_a_page_that_cannot_carry_the_policy_fails_the_build(page: str, problem: str) -> None:
    with pytest.raises(csp.PolicyError, match=problem):
        csp.apply_csp(page)


def test_handler_words_in_scripts_styles_and_text_are_not_handlers() -> None:
    page = (
        "<html><head><style>.a[onclick=x]{}</style></head><body>"
        '<script>el.onclick = f; h("a", {onclick: g})</script><p title="turn on">on=1</p></body></html>'
    )
    assert csp.inline_handlers(page) == []
    assert "'sha256-" in csp.apply_csp(page)


@pytest.mark.parametrize("origin", ["http://tile.example", "https://a.example/x", "*", "'unsafe-inline'"])
def test_only_https_origins_may_serve_images(origin: str) -> None:
    with pytest.raises(ValueError, match="https origin"):
        csp.policy("<html></html>", image_origins=[origin])


def test_the_exported_file_carries_the_policy(tmp_path: Path) -> None:
    from geo.cli import main

    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), "--date", "2024-08-22"]) == 0
    parsed = Parsed(out.read_text(encoding="utf-8"))
    policy = parsed.policy()
    assert policy["img-src"] == ["data:"] and policy["connect-src"] == ["'none'"]
    assert sorted(policy["script-src"]) == sorted({sha256(s) for s in parsed.executable()})


def test_the_data_is_a_block_never_run_so_new_data_keeps_the_policy(layers_copy: LayersCopy) -> None:
    """Every date's state is a JSON data block, not part of a script: a changed fact changes the
    data, never the scripts the policy allows (and a hostile summary is never script text)."""
    import geo

    before = mapping.base_html(geo.load_bundle(layers_copy.root))
    fact = layers_copy.rows("timeline.csv")[0]
    layers_copy.edit_row("timeline.csv", "id", fact["id"], summary="A new summary </script><script>alert(1)")
    after = mapping.base_html(geo.load_bundle(layers_copy.root))
    assert after != before
    assert Parsed(after).policy()["script-src"] == Parsed(before).policy()["script-src"]
    assert all("A new summary" not in s for s in Parsed(after).executable())
    assert "alert(1)" not in after.replace("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)", "")
