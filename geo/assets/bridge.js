// Streamlit components v2 bridge: mounts the self-contained page (map and text) in a sandboxed
// iframe and relays its state ({date, overlays, actors, view}) to Python as the "state" value.
// The iframe is replaced only when the page itself changes (its hash), never on a date change.
// Its height: on a wide screen, what the window has left below it (the page scrolls inside);
// on a narrow one, the page's own height, reported by the page, so the window scrolls it whole.
// The reader's page is the frame: Streamlit's empty header bar and the block's top padding
// (about 100 px) would push the map below a phone's first screen, so the host trims them.
const HOST_CSS = `
[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 0.5rem; padding-bottom: 0.5rem; }
[data-testid="stMain"]:focus-visible { outline: 3px solid #000; outline-offset: -3px; }
@media (max-width: 899px) { [data-testid="stMainBlockContainer"] { padding: 0 0 0.5rem; } }
`;

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (!document.getElementById("gcm-host-css")) {
    const style = document.createElement("style");
    style.id = "gcm-host-css";
    style.textContent = HOST_CSS;
    document.head.appendChild(style);
  }
  let frame = parentElement.querySelector("iframe.gcm-map");
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
    parentElement.appendChild(frame);
  }
  frame.title = data.title || "";
  let reported = 0;
  const wide = () => frame.clientWidth >= 900;
  const available = () => Math.max(480, window.innerHeight - Math.max(0, frame.getBoundingClientRect().top + window.scrollY) - 12);
  const size = () => {
    const height = wide() || !reported ? available() : reported;
    frame.style.height = height + "px";
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: "gcm:host", height: available() }, "*");
  };
  if (frame.dataset.hash !== data.hash) {
    frame.dataset.hash = data.hash;
    // The page reads the window's height from its name before it first draws: a phone's map
    // fills the first screen without waiting for a message.
    frame.name = "gcm-host-" + Math.round(available());
    frame.srcdoc = data.html;
  }
  const onMessage = (event) => {
    if (event.source !== frame.contentWindow) return;
    const msg = event.data;
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "gcm:height" && typeof msg.height === "number") {
      reported = Math.min(Math.max(0, msg.height), 20000);
      size();
      return;
    }
    if (msg.type !== "gcm:state" || typeof msg.state !== "object") return;
    const text = JSON.stringify(msg.state);
    if (text === frame.dataset.lastState) return;
    frame.dataset.lastState = text;
    setStateValue("state", msg.state);
  };
  window.addEventListener("message", onMessage);
  window.addEventListener("resize", size);
  frame.addEventListener("load", size);
  size();
  return () => {
    window.removeEventListener("message", onMessage);
    window.removeEventListener("resize", size);
    frame.removeEventListener("load", size);
  };
}
