// Streamlit components v2 bridge: mounts the self-contained map page in a sandboxed iframe and
// relays the map's state ({date, overlays, actors, view}) to Python as the "state" value.
// The iframe is replaced only when the page itself changes (its hash), never on a date change.
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let frame = parentElement.querySelector("iframe.gcm-map");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "gcm-map";
    // Scripts run, links open in a new tab; no same-origin access to the app page.
    frame.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
    frame.setAttribute("loading", "eager");
    frame.style.width = "100%";
    frame.style.height = data.height || "72vh";
    frame.style.minHeight = "420px";
    frame.style.border = "1px solid #bbb";
    frame.style.borderRadius = "6px";
    parentElement.appendChild(frame);
  }
  frame.title = data.title || "";
  if (frame.dataset.hash !== data.hash) {
    frame.dataset.hash = data.hash;
    frame.srcdoc = data.html;
  }
  const onMessage = (event) => {
    if (event.source !== frame.contentWindow) return;
    const msg = event.data;
    if (!msg || msg.type !== "gcm:state" || typeof msg.state !== "object") return;
    const text = JSON.stringify(msg.state);
    if (text === frame.dataset.lastState) return;
    frame.dataset.lastState = text;
    setStateValue("state", msg.state);
  };
  window.addEventListener("message", onMessage);
  return () => window.removeEventListener("message", onMessage);
}
