// Streamlit components v2: hands the map page's text (sent once, on a session's first run) to
// the bridge (bridge.js), which may have asked for it already or may ask for it later. Draws
// nothing; its element is hidden by the bridge's style.
export default function ({ data }) {
  if (!data || typeof data.hash !== "string" || typeof data.page !== "string") return;
  const pages = (window.__gcmPages = window.__gcmPages || {});
  const slot = pages[data.hash] || (pages[data.hash] = {});
  if (slot.resolve) slot.resolve(data.page);
  else slot.text = data.page;
}
