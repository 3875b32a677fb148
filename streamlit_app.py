"""Gaza Corridors Map: a thin Streamlit shell over the `geo` core.

The page the reader sees (map, date controls, the text of the day, sources) is one
self-contained client page, drawn in the browser from every date's state embedded once.
Python hosts it and keeps the URL: read the URL once -> mount the page (a static file, with
the link's view handed to it) -> take the state it reports -> write the URL. Nothing else is
rendered, so nothing delays the map.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime
import gc
import gzip
import hashlib
import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

import geo
import serving
from geo import share, snapshot, urlstate
from geo.i18n import t
from geo.mapping import ASSETS, base_html, with_view
from geo.report import day_words

serving.no_delay()  # TCP_NODELAY on the server's connections: see serving.py
st.set_page_config(page_title=t("app.title"), layout="wide")


@st.cache_resource
def load_bundle() -> geo.Bundle:
    return geo.load_bundle()


@st.cache_resource
def tidy_memory(every_s: float = 30.0) -> threading.Thread:
    """Once per process: every ``every_s`` seconds, a full garbage collection, then the C
    allocator hands freed pages back to the system (glibc's malloc_trim). deploy/run.sh turns
    Streamlit's collection after every run off (45 ms of CPU on each reader's change); this
    does the same work off the readers' path, so memory comes back down after a rush."""

    def run() -> None:
        try:
            trim = getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), "malloc_trim", None)
        except OSError:  # no C library by that name (not Linux): collection alone
            trim = None
        while True:
            time.sleep(every_s)
            gc.collect()
            if trim is not None:
                trim(0)

    thread = threading.Thread(target=run, name="gcm-tidy-memory", daemon=True)
    thread.start()
    return thread


STATIC = Path(__file__).resolve().parent / "static"  # served at app/static/ (.streamlit/config.toml)


@st.cache_resource
def page_html() -> tuple[str, str]:
    # The app offers OpenStreetMap's web tiles (off until ticked): its policy allows images
    # from their host. The exported single file offers none and allows no request (geo.csp).
    html = base_html(load_bundle(), tiles=True)
    return html, hashlib.sha256(html.encode()).hexdigest()[:16]


@st.cache_resource
def offline_html() -> str:
    """The single file to download: the same page without web tiles, so it asks for nothing."""
    return base_html(load_bundle())


def page_file() -> tuple[str, str]:
    """The page, built once per process and written where Streamlit serves static files; named
    by its content's hash, so a browser may cache it for good. The view travels separately.

    Written twice: as HTML, and gzipped once here (``.html.gz``), which the bridge fetches and
    unpacks with the browser's DecompressionStream. Streamlit gzips an app's static file again on
    every request (level 9, streamed from a worker thread: the page's body took about 50 ms to
    arrive over loopback, measured); a ``.gz`` file is ``application/gzip``, which it sends as
    it is. The plain file is for browsers without DecompressionStream."""
    html, digest = page_html()
    path = STATIC / f"gcm-{digest}.html"
    packed = path.with_name(path.name + ".gz")
    if not (path.exists() and packed.exists()):
        STATIC.mkdir(exist_ok=True)
        data = html.encode("utf-8")
        # mtime=0: every replica writes the same bytes, so one proxy cache entry serves them all.
        for target, body in ((path, data), (packed, gzip.compress(data, compresslevel=9, mtime=0))):
            part = target.with_name(f"{target.name}.{os.getpid()}.part")
            part.write_bytes(body)
            part.replace(target)  # atomic: another process never serves half a page
        # Pages of earlier builds (code or data changed) go after a day: long enough for readers
        # and other processes still on them, short enough that static/ does not grow forever.
        for old in [*STATIC.glob("gcm-*.html"), *STATIC.glob("gcm-*.html.gz")]:
            try:
                if old not in (path, packed) and time.time() - old.stat().st_mtime > 86_400:
                    old.unlink()
            except OSError:
                pass  # another process got there first
    return f"app/static/{path.name}", digest


@st.cache_resource
def settle() -> int:
    """Once per process, once the imports, the bundle and the page exist: one full collection,
    then what is left is set aside for good (gc.freeze: it lives as long as the process anyway).
    Python's automatic full collections then walk only what came after: in this heap (geopandas,
    pandas, the bundle) each held the interpreter's lock for 20-40 ms, every few new sessions,
    stalling whatever the server was doing; frozen, about 1 ms (measured with gc.callbacks)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def downloads(view: urlstate.View, base: str | None) -> None:
    """The view to take away, built only when a button is pressed (deferred downloads): the map
    as one offline file, the data behind the view with its licence and citation, a snapshot."""
    cited = replace(view, version=version, lesson=None, step=None)
    link = f"{base.rstrip('/')}/?{urlencode(cited.to_params(), safe=',')}" if base else None
    today = datetime.date.today()
    stem = f"gaza-corridors-{view.date.isoformat()}"
    # A snapshot shows what the map shows: the part of the map in view, if the reader moved it.
    extent = snapshot.view_extent(view, (960, 640))
    files = (
        ("app.download_html", lambda: with_view(offline_html(), view), "html", "text/html"),
        (
            "app.download_png",
            lambda: snapshot.render(bundle, view, fmt="png", extent=extent),
            "png",
            "image/png",
        ),
        (
            "app.download_svg",
            lambda: snapshot.render(bundle, view, fmt="svg", extent=extent),
            "svg",
            "image/svg+xml",
        ),
        (
            "app.download_geojson",
            lambda: share.view_geojson(bundle, view, link=link, accessed=today),
            "geojson",
            "application/geo+json",
        ),
        (
            "app.download_csv",
            lambda: share.view_csv(bundle, view, link=link, accessed=today),
            "csv",
            "text/csv",
        ),
    )
    with st.container(key="gcm_downloads"):
        st.subheader(t("app.downloads"), anchor=False)
        st.markdown(t("app.downloads_intro", date=day_words(view.date), version=version))
        with st.container(horizontal=True):
            for label, build, suffix, mime in files:
                st.download_button(
                    t(label),
                    data=build,
                    file_name=f"{stem}.{suffix}",
                    mime=mime,
                    on_click="ignore",
                    icon=":material/download:",
                )
        st.caption(t("app.cite_caption"))
        # Plain text (never Markdown): st.code would load a 1.5 MB syntax highlighter on every
        # first visit for one line; the Share tab has a copy button for the same line.
        st.text(share.citation(bundle, view, link=link, accessed=today))


MAP = st.components.v2.component("gcm_map", js=(ASSETS / "bridge.js").read_text(encoding="utf-8"))

tidy_memory()
bundle = load_bundle()
actors = list(bundle.actors)
lessons = [lesson.id for lesson in bundle.lessons]
version = share.data_version(bundle)
if "gcm_initial" not in st.session_state:  # seed once: later reruns must not re-read the URL
    view, problems = urlstate.parse(
        st.query_params.to_dict(), default_date=bundle.data_as_of, actors=actors, lessons=lessons
    )
    if view.lesson is not None and view.step is not None:
        steps = len(next(x for x in bundle.lessons if x.id == view.lesson).steps)
        if view.step > steps:  # past the last step: the last one, and say so
            problems.append(urlstate.Warning("url.bad_step", "step", str(view.step)))
            view = replace(view, step=steps)
    st.session_state.gcm_initial = view
    # Plain text for the page, which shows it as text (never as Markdown or HTML).
    warnings = [t(w.key, value=w.value[:80]) for w in problems]
    changed = share.version_note(view.version, bundle)
    if changed:
        warnings.append(changed)
    st.session_state.gcm_warnings = tuple(warnings)
initial: urlstate.View = st.session_state.gcm_initial
embedded = bool(st.context.is_embedded)

url, digest = page_file()
settle()
# The page travels as a file the bridge fetches, never in the session's messages: carrying it in
# the first run (tried) drew a desktop's cold load 30 ms sooner but a throttled phone's 2 s later.
result = MAP(
    data={
        "url": url,
        "packed": url + ".gz",
        "hash": digest,
        "initial": {
            **initial.to_json(),
            "warnings": list(st.session_state.gcm_warnings),
            "embed": embedded,
            "downloads": not embedded,
        },
        "title": t("app.map_title"),
        "loading": t("app.loading"),
        "failed": t("app.load_failed"),
    },
    key="gcm_map",
    on_state_change=lambda: None,
    on_drawn_change=lambda: None,
)
current = urlstate.from_map(getattr(result, "state", None), fallback=initial, actors=actors, lessons=lessons)
if st.query_params.to_dict() != current.to_params():
    st.query_params.from_dict(current.to_params())

# Under the map, once it is drawn (the page says so, or reports a view): an embed is the map
# alone, its readers open the full map to take the view away.
drawn = bool(getattr(result, "drawn", False)) or getattr(result, "state", None) is not None
if drawn and not embedded:
    downloads(current, base=st.context.url)
