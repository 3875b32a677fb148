/* Gaza Corridors Map: take a view away. A link to it, an iframe snippet to embed it, a citation.
 *
 * The pure part (params, link, snippet, citation) has no DOM and runs under Node, where it is
 * tested against the same rules as geo.urlstate.View.to_params. draw() builds the Share tab.
 */
var GCMShare = (function () {
  "use strict";
  var OVERLAYS = ["presence", "demands"];

  /** The query parameters of a view, in the order and form geo.urlstate.View.to_params writes. */
  function params(state, opts) {
    var o = opts || {};
    var p = [["date", state.date]];
    var overlays = (state.overlays || []).slice();
    if (overlays.join(",") !== OVERLAYS.join(",")) p.push(["layers", overlays.length ? overlays.join(",") : "none"]);
    if (state.actors) p.push(["actors", state.actors.length ? state.actors.join(",") : "none"]);
    if (state.view) p.push(["view", state.view[0].toFixed(4) + "," + state.view[1].toFixed(4) + "," + String(state.view[2])]);
    if (state.lesson) { p.push(["lesson", state.lesson]); p.push(["step", String(state.step || 1)]); }
    if (o.version) p.push(["v", o.version]);
    if (o.embed) p.push(["embed", "true"]);
    return p;
  }
  function query(p) {
    return p.map(function (kv) { return encodeURIComponent(kv[0]) + "=" + encodeURIComponent(kv[1]).replace(/%2C/g, ","); }).join("&");
  }
  /** The link to a view on the app at `base` (its address without query), or null off-line. */
  function link(base, state, opts) {
    if (!base) return null;
    return base + "?" + query(params(state, opts));
  }
  function attr(s) {
    return String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  /** An iframe for a page or a learning platform: titled, full width, the link as a fallback. */
  function snippet(base, state, opts) {
    var o = opts || {};
    var src = link(base, state, { version: o.version, embed: true });
    var href = link(base, state, { version: o.version });
    if (!src) return null;
    return '<iframe src="' + attr(src) + '" title="' + attr(o.title) + '" width="100%" height="' + (o.height || 640) +
      '" style="border:0;max-width:100%" loading="lazy"></iframe>\n' +
      '<p><a href="' + attr(href) + '">' + attr(o.linkText || o.title) + "</a></p>";
  }
  /** A citation line (APA 7 for a data set), from the same templates as geo.share.citation. */
  function citation(fmt, vars) {
    if (!vars.link) return fmt("ui.cite_line_offline", vars);
    return fmt("share.citation", vars) + " " + fmt("share.citation_retrieved", vars);
  }

  // ---- the Share tab ---------------------------------------------------------------------------
  function copyButton(h, fmt, source, status) {
    return h("button", { type: "button", class: "gcm-btn gcm-copy", onclick: function () {
      var text = source.value !== undefined ? source.value : source.textContent;
      var done = function () { status.textContent = fmt("ui.copied"); };
      var fallback = function () {
        try {
          if (source.select) source.select();
          else { var r = document.createRange(); r.selectNodeContents(source); var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r); }
          if (document.execCommand("copy")) done(); else status.textContent = fmt("ui.copy_manual");
        } catch (e) { status.textContent = fmt("ui.copy_manual"); }
      };
      // In a frame the host has not granted clipboard-write (the app's), the Clipboard API only
      // logs a policy violation before failing: ask the policy first, and select and copy then.
      var policy = document.permissionsPolicy || document.featurePolicy;
      var allowed = !policy || !policy.allowsFeature || policy.allowsFeature("clipboard-write");
      if (allowed && navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
    } }, fmt("ui.copy"));
  }

  /** Draw the Share tab for the map's current state. ctx: {G, T, state, base, embed, downloads, onDownloads}. */
  function draw(pane, ctx) {
    var h = GCMDom.h, G = ctx.G, T = ctx.T, fmt = T.fmt, state = ctx.state;
    var day = T.day(state.date);
    var title = fmt("ui.embed_title", { date: day });
    var status = h("p", { class: "gcm-muted gcm-copy-status", role: "status" });
    var out = [status];
    var href = link(ctx.base, state, { version: G.version });
    // A link and an embed need the app's address; a saved copy (file://) has none.
    if (href) {
      var linkBox = h("input", { type: "text", readonly: true, class: "gcm-share-text", value: href, "aria-label": fmt("ui.link_head"), id: "gcm-share-link" });
      out.push(h("h2", { text: fmt("ui.link_head") }), h("p", { text: fmt("ui.link_intro") }),
        h("div", { class: "gcm-share-row" }, linkBox, copyButton(h, fmt, linkBox, status)));
      var code = h("textarea", { readonly: true, rows: "5", class: "gcm-share-text gcm-snippet", "aria-label": fmt("ui.embed_head"), id: "gcm-share-embed" });
      code.value = snippet(ctx.base, state, { version: G.version, title: title, linkText: fmt("ui.embed_fallback", { date: day }) });
      out.push(h("h2", { text: fmt("ui.embed_head") }), h("p", { text: fmt("ui.embed_intro") }),
        code, h("div", { class: "gcm-share-row" }, copyButton(h, fmt, code, status)));
    } else {
      out.push(h("h2", { text: fmt("ui.link_head") }), h("p", { text: fmt("ui.offline_copy") }));
    }
    var cite = h("p", { class: "gcm-cite", id: "gcm-share-cite", text: citation(fmt, {
      author: fmt("share.author"), year: (G.researched || G.dataAsOf || "").slice(0, 4), title: G.title,
      date: T.longDay(state.date), version: G.version || "", link: href || "", accessed: T.longDay(ctx.today || new Date().toISOString().slice(0, 10))
    }) });
    out.push(h("h2", { text: fmt("ui.cite_head") }),
      h("dl", { class: "gcm-cite-facts" },
        h("dt", { text: fmt("ui.cite_date") }), h("dd", { text: day }),
        h("dt", { text: fmt("ui.cite_version") }), h("dd", null, h("code", { text: G.version || "" })),
        h("dt", { text: fmt("ui.cite_data_to") }), h("dd", { text: T.day(G.dataAsOf) })),
      cite, h("div", { class: "gcm-share-row" }, copyButton(h, fmt, cite, status)),
      h("p", { class: "gcm-muted", text: fmt("ui.cite_note") }));
    if (ctx.downloads) {
      out.push(h("h2", { text: fmt("ui.downloads_head") }), h("p", { text: fmt("ui.downloads_intro") }),
        h("button", { type: "button", class: "gcm-btn", onclick: ctx.onDownloads }, fmt("ui.downloads_go")));
    } else if (!href) {
      out.push(h("h2", { text: fmt("ui.downloads_head") }), h("p", { text: fmt("ui.downloads_offline") }));
    }
    pane.replaceChildren.apply(pane, out);
  }

  /** A standalone copy (a static host, file://) reads its own address like the app reads a link
   * (the rules of geo.urlstate.parse): {view, warnings: [[key, value]], embed}. */
  var LAT = [30, 33], LON = [33, 36], ZOOM = [6, 18];
  function fromQuery(search, G) {
    var q = new URLSearchParams(search || "");
    var view = {}, warnings = [];
    var last = function (k) { var all = q.getAll(k); return all.length ? all[all.length - 1] : null; };
    var isDay = function (d) { return /^\d{4}-\d{2}-\d{2}$/.test(d) && !isNaN(Date.parse(d + "T00:00:00Z")) && new Date(d + "T00:00:00Z").toISOString().slice(0, 10) === d; };
    var own = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
    var v = last("date");
    if (v !== null) { if (isDay(v) && v >= "1900-01-01" && v <= "2100-01-01") view.date = v; else warnings.push(["url.bad_date", v]); }
    v = last("layers");
    if (v !== null) {
      var names = v.split(",").map(function (n) { return n.trim(); }).filter(Boolean);
      if (names.length === 1 && names[0] === "none") view.overlays = [];
      else if (names.length && names.every(function (n) { return OVERLAYS.indexOf(n) >= 0; })) view.overlays = OVERLAYS.filter(function (o) { return names.indexOf(o) >= 0; });
      else warnings.push(["url.bad_layers", v]);
    }
    v = last("actors");
    if (v !== null) {
      var ids = v.split(",").map(function (n) { return n.trim(); }).filter(Boolean);
      var known = ids.filter(function (a) { return own(G.actors || {}, a); });
      if (ids.length === 1 && ids[0] === "none") view.actors = [];
      else if (known.length !== ids.length || !ids.length) warnings.push(["url.bad_actors", v]);
      if (known.length) view.actors = known.filter(function (a, i) { return known.indexOf(a) === i; });
    }
    v = last("view");
    if (v !== null) {
      var parts = v.split(",").map(Number);
      var ok = parts.length === 3 && parts.every(isFinite) && v.split(",").every(function (x) { return x.trim() !== ""; }) &&
        parts[0] >= LAT[0] && parts[0] <= LAT[1] && parts[1] >= LON[0] && parts[1] <= LON[1] && parts[2] >= ZOOM[0] && parts[2] <= ZOOM[1];
      if (ok) view.view = parts; else warnings.push(["url.bad_view", v]);
    }
    v = last("lesson");
    if (v !== null) {
      if ((G.lessons || []).some(function (l) { return l.id === v; })) {
        view.lesson = v;
        var step = last("step") || "1";
        // As the app: a number past the end is the last step (the client clamps it); else 1.
        view.step = /^\d{5,}$/.test(step) ? 1000 : /^\d{1,4}$/.test(step) && Number(step) >= 1 ? Number(step) : 1;
        if (view.step === 1 && step !== "1") warnings.push(["url.bad_step", step]);
      } else warnings.push(["url.bad_lesson", v]);
    }
    v = last("v");
    if (v !== null && !/^[0-9A-Fa-f]{6,64}$/.test(v)) warnings.push(["url.bad_version", v]);
    else if (v !== null && G.version && v.toLowerCase() !== G.version) warnings.push(["share.version_changed", v]);
    return { view: view, warnings: warnings, embed: last("embed") === "true" };
  }

  return { params: params, link: link, snippet: snippet, citation: citation, draw: draw, fromQuery: fromQuery };
})();
if (typeof module !== "undefined") module.exports = GCMShare;
