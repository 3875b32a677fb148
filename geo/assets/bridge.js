// Streamlit components v2 bridge: mounts the self-contained page (map and text) in a sandboxed
// iframe and relays its state ({date, overlays, actors, view}) to Python as the "state" value.
// The iframe is replaced only when the page itself changes (its hash), never on a date change.
// Its height: on a wide screen, what the window has left below it (the page scrolls inside);
// on a narrow one, the page's own height, reported by the page, so the window scrolls it whole.
// The reader's page is the frame: Streamlit's empty header bar goes (it floats, so nothing
// moves), and the frame's box reaches up and out over the block's padding (about 100 px at the
// top, which would push the map below a phone's first screen). The box moves, not Streamlit's
// container: moving that after it was painted is a layout shift (Lighthouse measured CLS 0.115).
const HOST_CSS = `
[data-testid="stHeader"] { display: none; }
[data-testid="stMain"]:focus-visible { outline: 3px solid #000; outline-offset: -3px; }
.st-key-gcm_downloads button { min-height: 44px; }
`;

function reachOut(box, embed) {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!block) return;
  const pad = getComputedStyle(block);
  const top = Math.max(0, parseFloat(pad.paddingTop) - 8);
  // Sides too on a phone, and in an embed, where the frame is all there is.
  const side = window.innerWidth < 900 || embed ? parseFloat(pad.paddingLeft) : 0;
  box.style.marginTop = -top + "px";
  box.style.marginLeft = box.style.marginRight = -side + "px";
}

// The page, fetched first thing (before any layout work here): one request per page hash.
// Gzipped once on the server (data.packed) and unpacked here, where the browser can: Streamlit
// would otherwise gzip the plain file again for every reader, which made its body arrive over
// about 50 ms. The plain file is the fallback (no DecompressionStream, or a server or proxy that
// unpacked the file on the way: then it is not gzip any more, and unpacking it fails).
// (Exported for tests/js/bridge.test.mjs; Streamlit uses the default export.)
let pageHash = null;
let pageText = null;
const get = (url) => fetch(new URL(url, document.baseURI), { credentials: "same-origin" })
  .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r; });
export function fetchPage(data) {
  if (data.hash !== pageHash) {
    pageHash = data.hash;
    const plain = () => get(data.url).then((r) => r.text());
    pageText = data.packed && typeof DecompressionStream === "function"
      ? get(data.packed)
        .then((r) => new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).text())
        .catch(plain)
      : plain();
    pageText.catch(() => { pageHash = null; });  // a failed fetch is tried again on the next run
  }
  return pageText;
}

// The listeners of the last call. Streamlit calls this function again whenever the element's
// data changes, without always undoing the last call (seen while the first run's data differed
// from the next run's): each call takes over the listeners, or every key would reach the map
// twice.
let undoLast = null;

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (undoLast) undoLast();
  // Only a frame to make (or remake, for a new page) needs the page.
  const made = parentElement.querySelector("iframe.gcm-map");
  const page = made && made.dataset.hash === data.hash ? null : fetchPage(data);
  if (!document.getElementById("gcm-host-css")) {
    const style = document.createElement("style");
    style.id = "gcm-host-css";
    style.textContent = HOST_CSS;
    document.head.appendChild(style);
  }
  // parentElement may be a shadow root: a box of our own holds the frame and the loading note.
  let box = parentElement.querySelector("div.gcm-box");
  if (!box) {
    box = document.createElement("div");
    box.className = "gcm-box";
    box.style.position = "relative";
    parentElement.appendChild(box);
  }
  const embed = !!(data.initial && data.initial.embed);
  reachOut(box, embed);
  let frame = box.querySelector("iframe.gcm-map");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "gcm-map";
    // Scripts run, links open in a new tab; no same-origin access to the app page.
    frame.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
    frame.setAttribute("loading", "eager");
    frame.style.width = "100%";
    frame.style.height = Math.max(560, window.innerHeight - 24) + "px";
    frame.style.border = "0";
    frame.style.display = "block";
    box.style.minHeight = frame.style.height;  // the room it will take, kept while it loads
  }
  frame.title = data.title || "";
  // Text in the host page until the frame has drawn: a reader on a slow phone sees what is
  // coming, and the page has a first paint of its own (paint timing ignores frames).
  let note = box.querySelector("p.gcm-loading");
  const unnote = () => { if (note) { note.remove(); note = null; } };
  // The page's own height, as it last reported it: kept on the frame, since a later call of
  // this function (a rerun) must not forget it (the page reports only a change).
  const reported = () => Number(frame.dataset.reported || 0);
  const wide = () => frame.clientWidth >= 900;
  // (A new frame joins the page with its document; until then its box stands in for it.)
  const available = () => Math.max(480, window.innerHeight - Math.max(0, (frame.isConnected ? frame : box).getBoundingClientRect().top + window.scrollY) - 12);
  const size = () => {
    reachOut(box, embed);
    const height = wide() || !reported() ? available() : reported();
    frame.style.height = height + "px";
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: "gcm:host", height: available() }, "*");
  };
  if (frame.dataset.hash !== data.hash) {
    frame.dataset.hash = data.hash;
    if (!note) {
      note = document.createElement("p");
      note.className = "gcm-loading";
      note.setAttribute("role", "status");
      Object.assign(note.style, { position: "absolute", top: "8px", left: "12px", margin: "0", font: "16px/1.4 system-ui, sans-serif", color: "#1a1a1a" });
      box.appendChild(note);
    }
    note.textContent = data.loading || "";
    // The page is one static file, the same for every reader; the link's view (and the
    // window's height, for a phone's first draw) goes into its view block, a data block the
    // page never runs (so its Content-Security-Policy's script hashes still hold), as JSON
    // that cannot close the element (the same escaping as geo.mapping.script_json).
    // The app's address (without the query) lets the page write links and embed snippets.
    const initial = Object.assign({}, data.initial || {}, { host: Math.round(available()), base: location.origin + location.pathname });
    const json = JSON.stringify(initial).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
    const block = '<script type="application/json" id="gcm-view">' + json + "</scr" + "ipt>";
    const want = data.hash;
    page
      .then((text) => {
        if (frame.dataset.hash !== want) return;
        frame.srcdoc = text.replace(/<script type="application\/json" id="gcm-view">[^<]*<\/script>/, () => block);
        // A new frame goes into the page with its document: one navigation, not a blank one first.
        if (!frame.isConnected) { box.appendChild(frame); box.style.minHeight = ""; size(); }
      })
      .catch(() => { if (note) note.textContent = data.failed || "The map could not be loaded. Reload the page to try again."; });
  }
  const onMessage = (event) => {
    if (event.source !== frame.contentWindow) return;
    const msg = event.data;
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "gcm:ready") {
      unnote();
      // Python adds what is under the map (the downloads) only once the map is drawn: rendered
      // with it, they cost a cold load about 300 ms of the browser's main thread (measured).
      if (!frame.dataset.drawn) { frame.dataset.drawn = "1"; setStateValue("drawn", true); }
      return;
    }
    if (msg.type === "gcm:keys") {  // the reader turned the one-key shortcuts off (or on)
      frame.dataset.keys = msg.on ? "" : "off";
      return;
    }
    if (msg.type === "gcm:height" && typeof msg.height === "number") {
      frame.dataset.reported = String(Math.min(Math.max(0, msg.height), 20000));
      size();
      return;
    }
    if (msg.type === "gcm:downloads") {
      // The Share tab's "Go to the downloads": the host's download buttons sit under the frame.
      const target = document.querySelector(".st-key-gcm_downloads");
      if (target) {
        target.scrollIntoView({ block: "start", behavior: "smooth" });
        const first = target.querySelector("button");
        if (first) first.focus({ preventScroll: true });
      }
      return;
    }
    if (msg.type !== "gcm:state" || typeof msg.state !== "object") return;
    const text = JSON.stringify(msg.state);
    if (text === frame.dataset.lastState) return;
    frame.dataset.lastState = text;
    setStateValue("state", msg.state);
  };
  // The page's keys (, . p d) work from the host page too, not only once focus is in the frame.
  const onKey = (e) => {
    const tag = (e.target && e.target.tagName) || "";
    if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag)) return;
    if (![",", ".", "p", "d"].includes(e.key) || !frame.contentWindow || frame.dataset.keys === "off") return;
    if (e.key === "d") frame.focus();
    frame.contentWindow.postMessage({ type: "gcm:key", key: e.key }, "*");
    e.preventDefault();
  };
  window.addEventListener("message", onMessage);
  window.addEventListener("keydown", onKey);
  window.addEventListener("resize", size);
  frame.addEventListener("load", size);
  size();
  const undo = () => {
    window.removeEventListener("message", onMessage);
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("resize", size);
    frame.removeEventListener("load", size);
    if (undoLast === undo) undoLast = null;
  };
  undoLast = undo;
  return undo;
}
