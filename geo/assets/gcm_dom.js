/* Gaza Corridors Map: one way to make DOM elements. Text goes through textContent and attribute
 * setters, never innerHTML, so a hostile string from the data or the link stays text. */
var GCMDom = (function () {
  "use strict";
  /** h("p", {class: "x", text: "hi", onclick: f}, child, [children]) */
  function h(tag, props) {
    var e = document.createElement(tag);
    var p = props || {};
    Object.keys(p).forEach(function (k) {
      var v = p[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else if (k === "style") Object.keys(v).forEach(function (sk) { e.style.setProperty(sk, v[sk]); });
      else e.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }
  function append(e, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { append(e, x); });
    else e.append(c instanceof Node ? c : String(c));
  }
  return { h: h };
})();
