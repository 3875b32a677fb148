/* Gaza Corridors Map: the page. Draws the dated map, its date controls and the text of the day.
 *
 * Every date's state is embedded once (segments from geo/timeslice.py); the state of a day
 * comes from GCMTime (pure, tested under Node), its words from GCMText, the text panels from
 * GCMPanels. A date change redraws the map and the panels in one call, in the browser.
 * When embedded (iframe), the page reports its state to the parent with postMessage and
 * accepts {type: "gcm:set", state} and {type: "gcm:host", height} from it.
 */
function gcmInit(map, G) {
  "use strict";
  var initStart = performance.now();
  var doc = document;
  var h = GCMDom.h;
  var root = map.getContainer();
  var lang = doc.documentElement.lang || "en";
  var T = GCMText.make(G, lang);
  var fmt = T.fmt;
  var OVERLAYS = ["presence", "demands"];
  var ACTOR_IDS = Object.keys(G.actors);
  // A saved copy may cover a date range (geo export --from/--to): the controls stay inside it.
  var range = Array.isArray(G.range) && GCMTime.isDay(G.range[0]) && GCMTime.isDay(G.range[1]) && G.range[0] <= G.range[1] ? G.range : null;
  var days = !range ? G.days : G.days.filter(function (d) { return d > range[0] && d < range[1]; });
  if (range) days = [range[0]].concat(days, range[1] > range[0] ? [range[1]] : []);
  function clamp(d) { return !range ? d : d < range[0] ? range[0] : d > range[1] ? range[1] : d; }

  // ---- state -------------------------------------------------------------------------------
  // The view to open on: a data block (never run, so the page's script hashes hold for every
  // link), written by Python (geo.mapping.with_view) or, hosted, by the bridge, with the host
  // window's height. Checked like a link: it crosses a boundary. Absent or unreadable: defaults.
  var init = {};
  try {
    var viewBlock = doc.getElementById("gcm-view");
    var given = viewBlock ? JSON.parse(viewBlock.textContent) : null;
    if (given && typeof given === "object" && !Array.isArray(given)) init = given;
  } catch (err) { init = {}; }
  // A saved copy on a web server (or file://) is its own host: it reads its own address, as the
  // app reads a link, and makes links to itself. In the app, the page is a srcdoc frame.
  var standalone = /^(https?|file):$/.test(location.protocol);
  if (standalone && location.search) {
    var asked = GCMShare.fromQuery(location.search, G);
    init = Object.assign({}, init, asked.view, { embed: asked.embed || init.embed === true,
      warnings: (Array.isArray(init.warnings) ? init.warnings : []).concat(asked.warnings.map(function (w) {
        return fmt(w[0], { value: w[1].slice(0, 80), link_version: w[1].slice(0, 80), version: G.version });
      })) });
  }
  if (Array.isArray(init.view) && !(init.view.length === 3 && init.view.every(function (x) { return typeof x === "number" && isFinite(x); }))) init = Object.assign({}, init, { view: null });
  // The phone layout's map is sized by the host window: the frame's own height follows the
  // page, so 100vh would feed back.
  if (typeof init.host === "number" && init.host > 200) doc.documentElement.style.setProperty("--gcm-host-h", Math.round(init.host) + "px");
  var st = {
    date: clamp(GCMTime.isDay(init.date) ? init.date : G.dataAsOf),
    overlays: new Set(Array.isArray(init.overlays) ? init.overlays.filter(function (o) { return OVERLAYS.indexOf(o) >= 0; }) : OVERLAYS),
    actors: new Set(Array.isArray(init.actors) ? init.actors.filter(function (a) { return a in G.actors; }) : ACTOR_IDS),
    timer: null
  };
  var view = {
    presence: true, demands: true,
    actor: function (a) { return st.actors.has(a); },
    shape: function (zid) { var s = shownShape(zid); return s ? s.sh : null; }
  };
  // The layout's own breakpoint (map.css: min-width 900px), asked of the media query: reading the
  // page's width would force a layout in the middle of building it (measured: 35 ms at start).
  var wideQuery = window.matchMedia("(min-width: 900px)");
  function narrow() { return !wideQuery.matches; }
  // Embedded in another page (the app's ?embed=true): the map and the date fill the frame, the
  // text folds away behind a button.
  var embedMode = init.embed === true;
  // The app's address (from the bridge) makes links; so does a copy's own web address.
  var base = typeof init.base === "string" && /^https?:\/\//.test(init.base) ? init.base
    : standalone && /^https?:$/.test(location.protocol) ? location.origin + location.pathname : null;
  if (embedMode) doc.documentElement.classList.add("gcm-embed");

  // ---- base: sea colour, attribution, panes, hatching ----------------------------------------
  root.style.background = G.sea;
  root.classList.add("gcm-root");
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", fmt("ui.map_label"));
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(h("span", { text: G.attribution }).innerHTML);
  map.zoomControl.setPosition("topleft");
  // On a touch screen in the phone layout, one finger scrolls the page (the text is under the
  // map, which fills most of the screen; in an embed, the page around it) and two fingers move
  // and zoom the map, as a small note on the map says.
  var coarse = window.matchMedia("(pointer: coarse)");
  var twoFingers = L.control({ position: "topright" });
  twoFingers.onAdd = function () { return h("div", { class: "gcm-two-fingers", text: fmt("ui.two_fingers") }); };
  function touchMode() {
    var phone = narrow() && coarse.matches;
    if (phone === !map.dragging.enabled()) return;
    if (phone) { map.dragging.disable(); twoFingers.addTo(map); } else { map.dragging.enable(); twoFingers.remove(); }
  }
  touchMode();
  [wideQuery, coarse].forEach(function (q) { if (q.addEventListener) q.addEventListener("change", touchMode); });
  map.createPane("gcmZones").style.zIndex = 410;
  map.createPane("gcmPlaces").style.zIndex = 450;
  map.createPane("gcmLeaders").style.zIndex = 620;
  map.createPane("gcmLabels").style.zIndex = 640;

  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var e = doc.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  var defsSvg = svg("svg", { width: "0", height: "0", "aria-hidden": "true" });
  defsSvg.style.position = "absolute";
  var defs = svg("defs", {});
  var hatchId = {};
  ACTOR_IDS.forEach(function (a, i) {
    hatchId[a] = "gcm-hatch-" + i;
    var pat = svg("pattern", { id: hatchId[a], patternUnits: "userSpaceOnUse", width: "9", height: "9", patternTransform: "rotate(45)" });
    pat.append(svg("rect", { width: "9", height: "9", fill: G.actors[a].colour, "fill-opacity": "0.18" }),
      svg("rect", { width: "3.5", height: "9", fill: G.actors[a].colour }));
    defs.append(pat);
  });
  defsSvg.append(defs);
  root.append(defsSvg);

  // ---- background labels and towns (placements for legibility) --------------------------------
  function textLabel(lat, lon, text, cls) {
    return L.marker([lat, lon], {
      icon: L.divIcon({ className: "gcm-label-icon", html: h("div", { class: cls, text: text }), iconSize: null }),
      interactive: false, keyboard: false, pane: "gcmPlaces"
    }).addTo(map);
  }
  // The sea and the neighbours, named where the cards and controls leave room (layoutLabels).
  var names = (G.labels || []).map(function (lb) {
    return { lb: lb, marker: textLabel(lb.lat, lb.lon, lb.name, "gcm-label"), w: 0, h: 0 };
  });
  (G.places || []).forEach(function (p) {
    var crossing = p.kind === "border_crossing", town = p.kind === "city";
    var marker = L.circleMarker([p.lat, p.lon], {
      pane: "gcmPlaces", radius: crossing ? 5 : town ? 4 : 3, weight: crossing ? 2 : 1,
      color: town || crossing ? "#222" : "#555", fillColor: crossing ? "#ffffff" : town ? "#333" : "#777", fillOpacity: 1,
      dashArray: p.quality === "approximate" ? "2 2" : null
    });
    marker.bindTooltip(h("div", { class: "gcm-tip" },
      h("strong", { text: p.name }),
      p.name_ar ? h("div", { lang: "ar", dir: "rtl", text: p.name_ar }) : null,
      p.name_he ? h("div", { lang: "he", dir: "rtl", text: p.name_he }) : null,
      p.quality === "approximate" ? h("div", { class: "gcm-muted", text: fmt("map.approximate_place") }) : null), { direction: "top" });
    marker.addTo(map);
    // Towns are named on the map from the first view, so a newcomer can place the corridors.
    if (town) textLabel(p.lat, p.lon, p.name, "gcm-town");
  });

  // ---- zone shapes ------------------------------------------------------------------------------
  var shapes = G.shapes.map(function (sh) {
    var layer = L.geoJSON(sh.geometry, {
      pane: "gcmZones",
      pointToLayer: function (_f, ll) { return L.circleMarker(ll, { pane: "gcmZones", radius: 9 }); }
    });
    layer.on("click", function () { panels.select(sh.zone); });
    return { sh: sh, layer: layer, on: false, kind: sh.geometry.type };
  });
  function shownShape(zid) {
    return shapes.filter(function (s) { return s.sh.zone === zid && GCMTime.holds(s.sh.from, s.sh.to, st.date); })[0];
  }

  // ---- zone labels: outside the strip, with a leader line; a click reads the zone ---------------
  var labels = {};
  Object.keys(G.zones).forEach(function (zid) {
    var z = G.zones[zid];
    if (!z.target) return;
    var name = h("span", { class: "gcm-zl-name", text: z.name });
    var who = h("span", { class: "gcm-zl-who" });
    // Its name is its text (zone and forces): a click or Enter reads the zone in the text.
    var box = h("button", { type: "button", class: "gcm-zl", "data-zone": zid, title: fmt("ui.zone_button", { zone: z.name }),
      onclick: function () { panels.select(zid); } }, name, who);
    var icon = L.divIcon({ className: "gcm-zl-icon", html: box, iconSize: null, iconAnchor: [0, 0] });
    var marker = L.marker(z.target, { icon: icon, pane: "gcmLabels", interactive: false, keyboard: false });
    var leader = L.polyline([z.target, z.target], { pane: "gcmLeaders", color: "#333", weight: 1.2, dashArray: "2 3", interactive: false });
    L.DomEvent.disableClickPropagation(box);
    labels[zid] = { box: box, who: who, marker: marker, leader: leader, shown: false, side: z.card[1] < z.target[1] ? -1 : 1 };
  });
  var stripRing = (G.stripRing || []).map(function (c) { return L.latLng(c[1], c[0]); });

  // The strip's horizontal extent between two screen rows: where a label must not go.
  function bandExtent(pts, y0, y1) {
    var lo = Infinity, hi = -Infinity;
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i], q = pts[(i + 1) % pts.length];
      var ya = Math.min(p.y, q.y), yb = Math.max(p.y, q.y);
      if (yb < y0 || ya > y1) continue;
      var ts = p.y === q.y ? [0, 1] : [(Math.max(ya, y0) - p.y) / (q.y - p.y), (Math.min(yb, y1) - p.y) / (q.y - p.y)];
      ts.forEach(function (t) {
        var x = p.x + Math.max(0, Math.min(1, t)) * (q.x - p.x);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      });
    }
    return lo === Infinity ? null : [lo, hi];
  }
  function overlaps(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }
  // Place each shown label beside the strip (its side of the zone: sea or Egypt to the west,
  // Israel to the east) at its zone's height, pushed down past labels already placed and the
  // map's own controls. Readable labels beat exact label positions; the leader line points home.
  /** Ray casting: is [lon, lat] inside the ring of [lon, lat] pairs? */
  function inRing(ring, lon, lat) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > lat) !== (b[1] > lat) && lon < (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]) + a[0]) inside = !inside;
    }
    return inside;
  }
  function inRegion(region, point) {
    var ll = map.containerPointToLatLng(point);
    return !region || !region.length || region.some(function (ring) { return inRing(ring, ll.lng, ll.lat); });
  }
  // Places to try for a name, nearest first: every 12 px within 300 px of its own point.
  var NEAR = [];
  for (var oy = -300; oy <= 300; oy += 12) for (var ox = -300; ox <= 300; ox += 12) NEAR.push([ox, oy]);
  NEAR.sort(function (a, b) { return (a[0] * a[0] + a[1] * a[1]) - (b[0] * b[0] + b[1] * b[1]); });
  // The legend opens on a desktop's first view, but never over the strip or a town's name: where the map is
  // short (a notice above it, a small window, a zone's close-up), it folds, until the reader
  // opens or closes it themselves.
  var legendEl = null, legendTouched = false, folding = false;
  function legendCovers(pts, origin) {
    if (!legendEl || !legendEl.open || legendTouched || narrow()) return false;
    var b = legendEl.getBoundingClientRect();
    var r = { left: b.left - origin.left, right: b.right - origin.left, top: b.top - origin.top, bottom: b.bottom - origin.top };
    var towns = Array.prototype.some.call(root.querySelectorAll(".gcm-town"), function (e) {
      var t = e.getBoundingClientRect();
      return overlaps(r, { left: t.left - origin.left, right: t.right - origin.left, top: t.top - origin.top, bottom: t.bottom - origin.top });
    });
    return towns || pts.some(function (p, i) {
      var q = pts[(i + 1) % pts.length];  // the vertex and the middle of its edge
      return [p, { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 }].some(function (c) {
        return c.x > r.left && c.x < r.right && c.y > r.top && c.y < r.bottom;
      });
    });
  }
  function layoutLabels() {
    var size = map.getSize();
    var pts = stripRing.map(function (ll) { return map.latLngToContainerPoint(ll); });
    var origin = root.getBoundingClientRect();
    if (legendCovers(pts, origin)) { folding = true; legendEl.open = false; }
    names.forEach(function (n) {  // measured once: the names never change
      if (!n.w) { var e = n.marker.getElement(); var b = e && e.firstChild; n.w = b ? b.offsetWidth : 0; n.h = b ? b.offsetHeight : 0; }
    });
    var taken = [];
    // On a phone the legend, once opened, covers the map for a moment: labels stay put.
    var flips = [];
    root.querySelectorAll(narrow() ? ".leaflet-control:not(.gcm-legend), .gcm-town" : ".leaflet-control, .gcm-town").forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (!r.width || !r.height) return;
      var left = r.left - origin.left, right = r.right - origin.left;
      // A town's name goes to the left of its dot where the right would leave the map (12 px:
      // the name's offset from the dot on either side), and back when there is room again.
      if (c.classList.contains("gcm-town")) {
        var flipped = c.classList.contains("gcm-town-left");
        var rightSide = flipped ? [right + 12, right + 12 + r.width] : [left, right];  // the dot is 6 px from either
        var flip = rightSide[1] > size.x - 4;
        if (flip !== flipped) flips.push([c, flip]);
        if (flip) { left = rightSide[0] - 12 - r.width; right = left + r.width; } else { left = rightSide[0]; right = rightSide[1]; }
      }
      taken.push({ left: left - 4, right: right + 4, top: r.top - origin.top - 4, bottom: r.bottom - origin.top + 4 });
    });
    flips.forEach(function (x) { x[0].classList.toggle("gcm-town-left", x[1]); });
    var shown = Object.keys(labels).filter(function (z) { return labels[z].shown; });
    var items = shown.map(function (zid) {
      var lb = labels[zid];
      var target = map.latLngToContainerPoint(G.zones[zid].target);
      return { zid: zid, lb: lb, target: target, w: lb.box.offsetWidth, h: lb.box.offsetHeight };
    }).sort(function (a, b) { return a.target.y - b.target.y; });
    items.forEach(function (it) {
      var best = null;
      // Nearest free place to the zone's own height, on its side first, then on the other.
      for (var k = 0; k <= 80 && !best; k++) {
        var dy = (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 8;
        var y = it.target.y - it.h / 2 + dy;
        if (y < 4 || y + it.h > size.y - 4) continue;
        var band = bandExtent(pts, y - 3, y + it.h + 3);
        for (var sd = 0; sd < 2 && !best; sd++) {
          var side = sd ? -it.lb.side : it.lb.side;
          var x = !band ? it.target.x - it.w / 2 : side < 0 ? band[0] - 14 - it.w : band[1] + 14;
          var r = { left: x, right: x + it.w, top: y, bottom: y + it.h };
          if (x < 4 || x + it.w > size.x - 4) continue;
          if (!taken.some(function (o) { return overlaps(r, o); })) best = r;
        }
      }
      // No room beside the strip (a very small map): keep it at its zone, above the line.
      if (!best) best = { left: it.target.x - it.w / 2, right: it.target.x + it.w / 2, top: it.target.y - it.h - 6, bottom: it.target.y - 6 };
      taken.push(best);
      var at = map.containerPointToLatLng([best.left, best.top]);
      it.lb.marker.setLatLng(at);
      var end = L.point(best.left + it.w / 2 < it.target.x ? best.right : best.left, (best.top + best.bottom) / 2);
      it.lb.leader.setLatLngs([map.containerPointToLatLng(end), G.zones[it.zid].target]);
    });
    // Names of the sea and the neighbours give way to the zone labels, the controls and the
    // towns: each goes to the nearest free place within its own land or sea, or is hidden. No
    // read of the page here (sizes measured above), so no second layout.
    names.forEach(function (n) {
      var at = map.latLngToContainerPoint([n.lb.lat, n.lb.lon]), best = null;
      for (var k = 0; k < NEAR.length && !best && n.w; k++) {
        var cx = at.x + NEAR[k][0], cy = at.y + NEAR[k][1];
        var r = { left: cx - n.w / 2 - 3, right: cx + n.w / 2 + 3, top: cy - n.h / 2 - 3, bottom: cy + n.h / 2 + 3 };
        if (r.left < 4 || r.top < 4 || r.right > size.x - 4 || r.bottom > size.y - 4) continue;
        if (taken.some(function (o) { return overlaps(r, o); })) continue;
        var corners = [[r.left, r.top], [r.right, r.top], [r.left, r.bottom], [r.right, r.bottom], [cx, cy]];
        if (corners.every(function (p) { return inRegion(n.lb.region, p); })) best = r;
      }
      var label = n.marker.getElement();
      if (best) {
        taken.push(best);
        n.marker.setLatLng(map.containerPointToLatLng([(best.left + best.right) / 2, (best.top + best.bottom) / 2]));
      }
      if (label) label.style.visibility = best ? "" : "hidden";
    });
  }

  // ---- the dated state ------------------------------------------------------------------------------
  var state = null;
  // Leaflet makes every clickable shape (borders, axes, places, zones) a Tab stop with no name;
  // for the keyboard they are decoration: the zone labels and the text say it all.
  function untab() {
    root.querySelectorAll("path.leaflet-interactive:not([tabindex])").forEach(function (e) { e.setAttribute("tabindex", "-1"); });
  }
  // place === false (start-up only): write everything but leave the labels unplaced, so that the
  // map's size is read once, with the controls and the text written (see applyView below).
  function render(place) {
    var t0 = performance.now();
    var d = st.date;
    view.presence = st.overlays.has("presence");
    view.demands = st.overlays.has("demands");
    view.filtered = !view.presence || !view.demands || st.actors.size < ACTOR_IDS.length;
    state = GCMTime.stateOf(G, d);
    var mine = function (r) { return st.actors.has(r[1]); };
    shapes.forEach(function (s) {
      var on = GCMTime.holds(s.sh.from, s.sh.to, d);
      if (on && !s.on) s.layer.addTo(map);
      if (!on && s.on) s.layer.remove();
      s.on = on;
      if (!on) return;
      var z = state.zones[s.sh.zone];
      var here = view.presence ? z.presence.filter(mine) : [];
      var held = here.length > 0;
      var left = !held && view.presence ? z.left.filter(mine) : [];
      var style = { color: "#2b2b2b", weight: 2, opacity: 0.9, dashArray: s.sh.dash,
        fillColor: held ? "url(#" + hatchId[here[0][1]] + ")" : "#8c8c8c", fillOpacity: held ? 1 : 0.12 };
      // A zone a force has left: a dotted edge in its colour, no hatching.
      if (left.length) style = { color: G.actors[left[0][1]].colour, weight: 3, opacity: 0.95, dashArray: "2 5", fillColor: "#8c8c8c", fillOpacity: 0.08 };
      if (s.kind === "LineString" || s.kind === "MultiLineString") {
        style = { color: held ? G.actors[here[0][1]].colour : "#6b6b6b", weight: held ? 7 : 4, opacity: 0.75, dashArray: s.sh.dash };
      }
      s.layer.setStyle(style);
    });
    Object.keys(labels).forEach(function (zid) {
      var lb = labels[zid], show = !!shownShape(zid);
      if (show !== lb.shown) {
        if (show) { lb.marker.addTo(map); lb.leader.addTo(map); } else { lb.marker.remove(); lb.leader.remove(); }
        lb.shown = show;
      }
      if (!show) return;
      var here = view.presence ? state.zones[zid].presence.filter(mine) : [];
      // With the positions overlay on, the label says how many parties stated a position on the
      // zone (the words are in the text, a click away), so that overlay is never a bare map.
      var said = view.demands ? state.zones[zid].demands.filter(mine).length : 0;
      lb.who.replaceChildren.apply(lb.who, here.map(function (r) {
        return h("span", { class: "gcm-zl-force", style: { "--gcm-c": G.actors[r[1]].colour } },
          h("span", { class: "gcm-sw gcm-sw-hatch", "aria-hidden": "true" }), T.actor(r[1]));
      }).concat(said ? [h("span", { class: "gcm-zl-said", text: fmt(said === 1 ? "ui.zl_position" : "ui.zl_positions", { n: said }) })] : []));
    });
    untab();
    // Everything written first, the labels placed last: they measure the page once (the
    // legend and the control rows take room too), and the frame is then painted without
    // another layout (the labels move by transform).
    panels.render(state, view);
    if (typeof lessonCtl !== "undefined" && lessonCtl) lessonBar();
    legendForces();
    syncControls();
    if (place !== false) layoutLabels();
    root.setAttribute("data-gcm-date", d);
    window.gcmLastRenderMs = performance.now() - t0;
    window.gcmRenders = (window.gcmRenders || 0) + 1;
  }

  // ---- reporting to the page that embeds the map ------------------------------------------------------
  function snapshot() {
    // Before its first view is set (start-up), the map is where it will open: the link's view.
    var c = map._loaded ? map.getCenter() : linkView ? { lat: linkView[0], lng: linkView[1] } : null;
    // A link carries the lesson only while the map shows its step; off it, the view itself.
    var offStepNow = typeof lessonCtl !== "undefined" && lessonCtl && offStep();
    var lessonNow = typeof lessonCtl !== "undefined" && lessonCtl && !offStepNow ? lessonCtl.current() : null;
    var all = ACTOR_IDS.every(function (a) { return st.actors.has(a); });
    return {
      date: st.date,
      overlays: OVERLAYS.filter(function (o) { return st.overlays.has(o); }),
      actors: all ? null : ACTOR_IDS.filter(function (a) { return st.actors.has(a); }),
      // The view goes in the link when it is not the default: moved, from a link, or a lesson
      // step's zoom that the reader has since left (the link then is the map as shown).
      view: !c || (!moved && !linkView && !(lessonFit && !lessonFit.strip && offStepNow)) ? null : [Math.round(c.lat * 1e4) / 1e4, Math.round(c.lng * 1e4) / 1e4, map._loaded ? map.getZoom() : linkView[2]],
      lesson: lessonNow ? lessonNow.lesson : null,
      step: lessonNow ? lessonNow.step : null
    };
  }
  var embedded = window.parent !== window;
  // Only a change is reported: the host reruns Python on every report, and a frame that is
  // merely resized or scrolled (Leaflet's moveend) has nothing new to say.
  var lastPosted = null;
  function post() {
    var s = snapshot(), key = JSON.stringify(s);
    if (key === lastPosted) return;
    lastPosted = key;
    // A standalone copy keeps its own address bar as a link to what it shows.
    if (standalone) {
      try { history.replaceState(null, "", "?" + GCMShare.params(s, { embed: embedMode }).map(function (kv) { return kv[0] + "=" + encodeURIComponent(kv[1]).replace(/%2C/g, ","); }).join("&") + location.hash); } catch (err) { /* file:// may refuse */ }
    }
    if (embedded) window.parent.postMessage({ type: "gcm:state", state: s }, "*");
  }
  var viewTimer = null;
  map.on("moveend", function () {
    if (fitting) return;  // the map fitting itself is not the reader moving it
    clearTimeout(viewTimer);
    viewTimer = setTimeout(post, 400);
  });
  window.addEventListener("message", function (e) {
    if (e.source !== window.parent || !e.data) return;
    if (e.data.type === "gcm:set") {
      var s = e.data.state || {};
      if (GCMTime.isDay(s.date)) setDate(s.date, { quiet: true });
    } else if (e.data.type === "gcm:key" && typeof e.data.key === "string") {
      shortcut(e.data.key);  // pressed on the host page, outside this frame
    } else if (e.data.type === "gcm:host" && typeof e.data.height === "number" && e.data.height > 200) {
      doc.documentElement.style.setProperty("--gcm-host-h", Math.round(e.data.height) + "px");
    }
  });
  // In a frame on a phone the page is as tall as its content; the host sizes the frame to it.
  var lastHeight = 0;
  function reportHeight() {
    if (!embedded) return;
    // Embedded, the page fits the frame it is given (the text opens over the map): no height.
    var height = narrow() && !embedMode ? Math.ceil(doc.body.scrollHeight) : 0;
    if (height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({ type: "gcm:height", height: height }, "*");
  }

  // ---- time and layer controls ----------------------------------------------------------------------------
  var live = doc.getElementById("gcm-live");
  function setDate(d, opts) {
    if (!GCMTime.isDay(d)) return;
    st.date = clamp(d);
    render();
    if (live) live.textContent = T.announce(state);
    if (!opts || !opts.quiet) post();
  }
  function step(dir) {
    var n = GCMTime.neighbours(days, st.date);
    var target = dir > 0 ? n[1] : n[0];
    if (target) setDate(target);
    return target;
  }
  function play() {
    if (st.timer) { clearInterval(st.timer); st.timer = null; syncControls(); return; }
    if (GCMTime.dayIndex(days, st.date) >= days.length - 1) setDate(days[0]);
    st.timer = setInterval(function () {
      if (!step(1)) { clearInterval(st.timer); st.timer = null; syncControls(); }
    }, 1400);
    syncControls();
  }

  var ui = {};
  var bar = doc.getElementById("gcm-time");
  ui.prev = h("button", { type: "button", class: "gcm-btn", "aria-label": fmt("map.prev"), title: fmt("map.prev") + " (,)", onclick: function () { step(-1); } }, "|◀");
  ui.play = h("button", { type: "button", class: "gcm-btn", "aria-label": fmt("map.play"), title: fmt("map.play") + " (p)", "aria-pressed": "false", onclick: play }, "▶");
  ui.next = h("button", { type: "button", class: "gcm-btn", "aria-label": fmt("map.next"), title: fmt("map.next") + " (.)", onclick: function () { step(1); } }, "▶|");
  ui.slider = h("input", { type: "range", class: "gcm-slider", min: "0", max: String(days.length - 1), step: "1", "aria-label": fmt("map.slider"),
    oninput: function () { setDate(days[Number(ui.slider.value)]); } });
  ui.calendar = h("input", { type: "date", id: "gcm-date", class: "gcm-date", min: range ? range[0] : "1948-01-01", max: range ? range[1] : "2100-12-31", title: fmt("map.calendar"),
    // Typed digit by digit, the field passes through other dates on the way (0002-08-22, ...):
    // a typed date is taken once the typing pauses, or on Enter; a picked one at once.
    onkeydown: function (e) {
      typedAt = performance.now();
      if (e.key === "Enter") takeCalendar(0);
    },
    onchange: function () { takeCalendar(performance.now() - typedAt < 150 ? 700 : 0); },
    onblur: function () { if (calendarTimer) takeCalendar(0); } });
  var typedAt = -1e9, calendarTimer = null;
  function takeCalendar(wait) {
    clearTimeout(calendarTimer);
    calendarTimer = null;
    var v = ui.calendar.value;
    if (!GCMTime.isDay(v)) return;
    if (!wait) { setDate(v); return; }
    calendarTimer = setTimeout(function () { calendarTimer = null; if (ui.calendar.value === v) setDate(v); }, wait);
  }
  ui.notice = h("span", { class: "gcm-notice" });
  ui.showing = h("span", { class: "gcm-datato" });
  // What was wrong with the link, at the top where a phone's reader sees it.
  var warnings = Array.isArray(init.warnings) ? init.warnings.filter(function (w) { return typeof w === "string"; }) : [];
  if (range && GCMTime.isDay(init.date) && clamp(init.date) !== init.date) warnings.push(fmt("ui.range_clamped", { date: T.day(init.date), start: T.day(range[0]), end: T.day(range[1]) }));
  var alert = warnings.length ? h("div", { class: "gcm-warning", role: "alert" },
    h("strong", { text: fmt("ui.warning") }), h("ul", null, warnings.map(function (w) { return h("li", { text: w }); }))) : null;
  var toggles = h("details", { class: "gcm-toggles" }, h("summary", { class: "gcm-btn gcm-summary", text: fmt("ui.layers") }),
    h("div", { class: "gcm-toggle-box" },
      h("fieldset", null, h("legend", { text: fmt("map.overlays") }), OVERLAYS.map(function (o) {
        return h("label", null, h("input", { type: "checkbox", "data-overlay": o, checked: st.overlays.has(o),
          onchange: function (e) { if (e.target.checked) st.overlays.add(o); else st.overlays.delete(o); render(); post(); } }), " " + fmt("map." + o));
      })),
      h("fieldset", null, h("legend", { text: fmt("map.actors") }), ACTOR_IDS.map(function (a) {
        return h("label", null, h("input", { type: "checkbox", "data-actor": a, checked: st.actors.has(a),
          onchange: function (e) { if (e.target.checked) st.actors.add(a); else st.actors.delete(a); render(); post(); } }),
          h("span", { class: "gcm-sw", style: { "--gcm-c": G.actors[a].colour }, "aria-hidden": "true" }), " " + G.actors[a].name);
      })),
      h("fieldset", null, h("legend", { text: fmt("map.base") }),
        h("label", null, h("input", { type: "checkbox", "data-tiles": "osm",
          onchange: function (e) { var t = window[G.tileVar]; if (!t) return; if (e.target.checked) t.addTo(map); else t.remove(); } }), " " + fmt("map.base_osm")))));
  // A page built without web tiles (the single file) allows no image host: no such choice.
  if (!G.tileVar) toggles.querySelector("[data-tiles]").closest("fieldset").remove();
  toggles.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && toggles.open) { toggles.open = false; toggles.querySelector("summary").focus(); }
  });
  doc.addEventListener("click", function (e) { if (toggles.open && !toggles.contains(e.target)) toggles.open = false; });
  // Embedded: a button opens the text over the map; a link opens the full map in a new tab.
  ui.textBtn = embedMode ? h("button", { type: "button", class: "gcm-btn gcm-text-btn", "aria-expanded": "false", "aria-controls": "gcm-panels",
    onclick: function () { openText(ui.textBtn.getAttribute("aria-expanded") !== "true"); } }, fmt("ui.text_open")) : null;
  ui.full = embedMode && base ? h("a", { class: "gcm-full", href: GCMShare.link(base, snapshot(), { version: G.version }), target: "_blank", rel: "noopener noreferrer", text: fmt("ui.full_map") }) : null;
  bar.append(
    h("div", { class: "gcm-row" }, ui.prev, ui.play, ui.next,
      h("label", { class: "gcm-asof", for: "gcm-date" }, h("span", { class: "gcm-asof-word", text: fmt("ui.as_of") })), ui.calendar,
      ui.slider, toggles),
    h("div", { class: "gcm-row gcm-row2" }, ui.showing, ui.notice, ui.textBtn, ui.full,
      h("span", { class: "gcm-keys" }, fmt("ui.keys_word"), " ",
        [[",", "ui.key_prev"], [".", "ui.key_next"], ["p", "ui.key_play"], ["d", "ui.key_date"]].map(function (k, i) {
          return [i ? " · " : "", h("kbd", { text: k[0] }), " " + fmt(k[1])];
        }))), alert || "");

  function syncToggles() {
    toggles.querySelectorAll("input[data-overlay]").forEach(function (i) { i.checked = st.overlays.has(i.getAttribute("data-overlay")); });
    toggles.querySelectorAll("input[data-actor]").forEach(function (i) { i.checked = st.actors.has(i.getAttribute("data-actor")); });
  }
  function openText(open) {
    doc.documentElement.classList.toggle("gcm-text-open", open);
    ui.textBtn.setAttribute("aria-expanded", open ? "true" : "false");
    ui.textBtn.textContent = fmt(open ? "ui.text_close" : "ui.text_open");
    if (open) panelsEl.focus(); else ui.textBtn.focus();
    if (map) map.invalidateSize({ animate: false });
  }
  if (embedMode) doc.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && doc.documentElement.classList.contains("gcm-text-open") && !toggles.open) openText(false);
  });
  function syncControls() {
    var i = GCMTime.dayIndex(days, st.date);
    ui.slider.value = String(Math.max(i, 0));
    ui.slider.setAttribute("aria-valuetext", T.day(st.date));
    ui.calendar.value = st.date;
    ui.showing.textContent = fmt("ui.showing", { date: T.day(st.date), data_to: T.day(G.dataAsOf) }) +
      (range ? " · " + fmt("ui.range", { start: T.day(range[0]), end: T.day(range[1]) }) : "");
    ui.prev.disabled = !days.length || st.date <= days[0];
    ui.next.disabled = !days.length || st.date >= days[days.length - 1];
    ui.play.textContent = st.timer ? "❚❚" : "▶";
    ui.play.setAttribute("aria-pressed", st.timer ? "true" : "false");
    ui.play.setAttribute("aria-label", fmt(st.timer ? "map.pause" : "map.play"));
    if (ui.full) ui.full.href = GCMShare.link(base, snapshot(), { version: G.version });
    ui.notice.textContent = st.date > G.dataAsOf ? fmt("map.after_data", { date: T.day(G.dataAsOf) })
      : st.date < G.dataFrom ? fmt("ui.before_data", { date: T.day(G.dataFrom) }) : "";
  }
  // Keyboard: , and . step through the changes, p plays or pauses, d goes to the calendar.
  // A reader can turn these one-key shortcuts off (WCAG 2.1.4: a speech-input user's words,
  // or a stray key, would otherwise move the map); the host page is told, so its keys stop too.
  var keysOn = true;
  function setKeys(on) {
    keysOn = !!on;
    doc.documentElement.classList.toggle("gcm-keys-off", !keysOn);
    if (embedded) window.parent.postMessage({ type: "gcm:keys", on: keysOn }, "*");
  }
  function shortcut(key) {
    if (!keysOn) return false;
    if (key === ",") step(-1);
    else if (key === ".") step(1);
    else if (key === "p") play();
    else if (key === "d") ui.calendar.focus();
    else return false;
    return true;
  }
  doc.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag)) return;
    if (shortcut(e.key)) e.preventDefault();
  });

  // ---- legend: open on a desktop's first view ---------------------------------------------------------------
  var legendList = h("ul", { class: "gcm-legend-forces" });
  // Zones the text speaks of on this day that the map cannot draw (no openly licensed geometry):
  // said in the legend too, so that a reader of the map alone (an embed) knows they are missing.
  var legendUnmapped = h("p", { class: "gcm-legend-unmapped", hidden: true });
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var details = h("details", { class: "gcm-legend" }, h("summary", { class: "gcm-summary", text: fmt("ui.legend") }),
      h("p", { class: "gcm-legend-head", text: fmt("ui.legend_forces") }), legendList, legendUnmapped,
      h("ul", null,
        h("li", null, h("span", { class: "gcm-key gcm-key-dashed", "aria-hidden": "true" }), " " + fmt("map.legend_dashed")),
        h("li", null, h("span", { class: "gcm-key gcm-key-left", "aria-hidden": "true" }), " " + fmt("map.legend_left"))),
      // Short symbols two to a row: the legend must fit beside the strip on a laptop's screen.
      h("ul", { class: "gcm-legend-symbols" }, [
        ["border", "ui.legend_border"], ["1949", "ui.legend_1949"], ["axis", "map.legend_axis"],
        ["crossing", "ui.legend_crossing"], ["town", "ui.legend_town"], ["place", "ui.legend_place"]
      ].map(function (k) {
        return h("li", null, h("span", { class: "gcm-key gcm-key-" + k[0], "aria-hidden": "true" }), " " + fmt(k[1]));
      })));
    details.open = !narrow();
    details.addEventListener("toggle", function () {
      if (folding) folding = false; else legendTouched = true;
      if (state && !narrow()) layoutLabels();
    });
    legendEl = details;
    L.DomEvent.disableClickPropagation(details);
    L.DomEvent.disableScrollPropagation(details);
    return details;
  };
  legend.addTo(map);
  function legendForces() {
    var seen = {};
    Object.keys(state.zones).forEach(function (z) {
      if (view.presence) state.zones[z].presence.forEach(function (r) { if (st.actors.has(r[1])) seen[r[1]] = true; });
    });
    var forces = Object.keys(seen);
    var hidden = !view.presence || st.actors.size < ACTOR_IDS.length;
    legendList.replaceChildren.apply(legendList, forces.length ? forces.map(function (a) {
      return h("li", null, h("span", { class: "gcm-key gcm-key-hatch", style: { "--gcm-c": G.actors[a].colour }, "aria-hidden": "true" }), " " + G.actors[a].name);
    }) : [h("li", { class: "gcm-muted", text: fmt(hidden ? "ui.forces_hidden" : "ui.no_forces") })]);
    var unmapped = Object.keys(G.zones).filter(function (z) {
      var zs = state.zones[z];
      return G.zones[z].mapped === false && zs && (zs.presence.length || zs.left.length || zs.demands.length);
    });
    legendUnmapped.textContent = unmapped.length ? fmt("ui.legend_not_drawn", { zones: unmapped.map(function (z) { return G.zones[z].name; }).join(", ") }) : "";
    legendUnmapped.hidden = !unmapped.length;
  }

  // ---- the text: tabs, and the Share tab's link, embed snippet and citation ---------------------------
  var panelsEl = doc.getElementById("gcm-panels");
  // The skip link moves focus by script: in the app the page is a srcdoc frame, whose address
  // is the host's, so following "#gcm-panels" would load the host's address into the frame.
  var skip = doc.querySelector("a.gcm-skip");
  if (skip) skip.addEventListener("click", function (e) {
    e.preventDefault();
    if (embedMode) { openText(true); return; }
    panelsEl.focus({ preventScroll: true });
    panelsEl.scrollIntoView({ block: "start" });
  });
  if (embedMode) panelsEl.append(h("button", { type: "button", class: "gcm-btn gcm-panel-close", onclick: function () { openText(false); } }, fmt("ui.text_close")));
  // Guided lessons: a step sets the date, the layers, the parties and the view.
  var lessonFit = null;  // the current step's view, kept until the reader moves the map
  function applyStep(s) {
    st.overlays = new Set(s.overlays.filter(function (o) { return OVERLAYS.indexOf(o) >= 0; }));
    st.actors = new Set(Array.isArray(s.actors) ? s.actors.filter(function (a) { return a in G.actors; }) : ACTOR_IDS);
    st.date = clamp(s.date);
    var v = s.view || null;
    lessonFit = v && v.zone ? { zone: v.zone } : v && Array.isArray(v.center) ? { center: v.center, zoom: v.zoom } : { strip: true };
    linkView = null;
    moved = false;
    syncToggles();
    render();
    applyView();
    layoutLabels();
    if (live) live.textContent = T.announce(state);
  }
  // Off the step: the reader changed the date, the layers or the parties the step set.
  function offStep() {
    var s = lessonCtl.step();
    if (!s) return false;
    var overlays = OVERLAYS.filter(function (o) { return st.overlays.has(o); }).join();
    var actors = Array.isArray(s.actors) ? s.actors.slice().sort().join() : ACTOR_IDS.slice().sort().join();
    return st.date !== clamp(s.date) || overlays !== OVERLAYS.filter(function (o) { return s.overlays.indexOf(o) >= 0; }).join() ||
      actors !== Array.from(st.actors).sort().join();
  }
  var lessonCtl = GCMLessons.create({ G: G, T: T, apply: applyStep, offStep: offStep,
    factBlock: function (fid) { return panels.factBlock(fid); },
    changed: function () { panels.refresh(); post(); lessonBar(); } });
  // While a lesson runs, a row under the date controls steps through it (on a phone the
  // caption is under the map; in an embed, behind the text button).
  var barLesson = h("div", { class: "gcm-row gcm-lessonbar", hidden: true, role: "group", "aria-label": fmt("ui.tab_lessons") });
  bar.append(barLesson);
  function lessonBar() {
    var now = lessonCtl.current();
    barLesson.hidden = !now;
    if (!now) { barLesson.replaceChildren(); return; }
    var l = GCMLessons.find(G.lessons, now.lesson, now.step).lesson;
    var away = offStep();
    barLesson.replaceChildren(
      h("button", { type: "button", class: "gcm-btn", disabled: now.step <= 1, "aria-label": fmt("ui.lesson_prev"), onclick: function () { lessonCtl.go(now.lesson, now.step - 1); } }, "◀"),
      h("button", { type: "button", class: "gcm-btn gcm-lesson-open", onclick: function () {
        if (away) { lessonCtl.go(now.lesson, now.step); return; }
        if (embedMode) openText(true); else panels.show("lessons", true);
        if (!embedMode && narrow()) panelsEl.scrollIntoView({ block: "start" });
      } }, fmt(away ? "ui.lesson_bar_away" : "ui.lesson_bar", { n: now.step, of: l.steps.length, title: l.steps[now.step - 1].title })),
      h("button", { type: "button", class: "gcm-btn", disabled: now.step >= l.steps.length, "aria-label": fmt("ui.lesson_next"), onclick: function () { lessonCtl.go(now.lesson, now.step + 1); } }, "▶"));
  }
  var panels = GCMPanels.create(panelsEl, G, T, {
    keys: { on: function () { return keysOn; }, set: setKeys },
    lessons: lessonCtl.any ? function (pane) { lessonCtl.draw(pane); } : null,
    share: function (pane) {
      GCMShare.draw(pane, { G: G, T: T, state: snapshot(), base: base, downloads: !!init.downloads && !embedMode,
        onDownloads: function () { if (embedded) window.parent.postMessage({ type: "gcm:downloads" }, "*"); } });
    }
  });

  // Until the reader moves the map, it shows the intended view: the link's, or the strip fitted
  // with room beside it for the labels. The frame may be laid out (or grow) after the map
  // starts, so every change of the container's size re-applies that view.
  var linkView = Array.isArray(init.view) && init.view.length === 3 ? init.view : null;
  var moved = false, fitting = false, lastSize = null;
  function applyView() {
    map.invalidateSize({ animate: false });
    var size = map.getSize();
    lastSize = size.x + "x" + size.y;  // the map is the root: its size, read once here
    // A frame not laid out yet has no size; fitting it would give a NaN zoom. Wait for a size.
    if (moved || size.x < 200 || size.y < 200) return;
    fitting = true;
    try {
      var zoneShape = lessonFit && lessonFit.zone ? shownShape(lessonFit.zone) : null;
      if (linkView) {
        map.setView([linkView[0], linkView[1]], linkView[2], { animate: false });
      } else if (lessonFit && lessonFit.center) {
        map.setView(lessonFit.center, lessonFit.zoom, { animate: false });
      } else if (zoneShape) {
        // A step about one zone: that zone as it stood, with room around it for the labels.
        var pad = size.x < 600 ? 24 : Math.min(170, Math.round(size.x * 0.22));
        var key = root.querySelector(".gcm-legend[open]");  // an open legend takes the bottom right
        var right = key && !narrow() ? Math.max(pad, key.offsetWidth + 16) : pad;
        map.fitBounds(zoneShape.layer.getBounds(), { paddingTopLeft: [pad, 30], paddingBottomRight: [right, 30], maxZoom: 12, animate: false });
      } else if (G.stripBounds) {
        // Room beside the strip for the labels; on a phone the strip's diagonal leaves room
        // in the sea to the north-west and over Israel to the south-east.
        var side = size.x < 600 ? 12 : Math.min(170, Math.round(size.x * 0.25));
        map.fitBounds(G.stripBounds, { paddingTopLeft: [side, 20], paddingBottomRight: [side, 20], animate: false });
      }
    } finally {
      fitting = false;
    }
  }
  // Start-up: the day's text and controls written first, then the map's size read once and the
  // view fitted (Leaflet draws the shapes then), then the labels placed. Fitting before the
  // text was written read a size the controls row then changed (24 px taller once filled), so
  // the view was fitted and the labels placed a second time in the first frame (measured);
  // drawing before fitting laid the labels out twice.
  render(false);
  try { applyView(); } catch (err) { if (window.console) console.error("gcm: view failed", err); }
  // The map has no view until one is set (geo.mapping leaves folium's out): with no size to fit
  // yet, the plain one, until a size comes (onResize fits it then).
  if (!map._loaded) map.setView([G.home[0], G.home[1]], G.home[2], { animate: false });
  untab();
  layoutLabels();
  lastPosted = JSON.stringify(snapshot());  // what the host already has: the view it opened
  // A link to a lesson's step opens that step, in the Lessons tab (and reports its date).
  if (typeof init.lesson === "string" && lessonCtl.go(init.lesson, init.step)) panels.show("lessons", false);
  map.on("zoomend moveend", function () { if (!fitting && state) { layoutLabels(); panels.refresh(); } });
  map.on("dragstart", function () { moved = true; });
  map.on("zoomstart", function () { if (!fitting) moved = true; });
  function onResize() {
    reportHeight();
    var key = root.clientWidth + "x" + root.clientHeight;
    if (key === lastSize) return;
    lastSize = key;
    applyView();
    layoutLabels();
  }
  if (window.ResizeObserver) {
    new ResizeObserver(onResize).observe(root);
    new ResizeObserver(reportHeight).observe(doc.body);
  }
  window.addEventListener("resize", onResize);
  // The observers report the height once laid out (reading it here would force a layout first).
  if (!window.ResizeObserver) reportHeight();
  doc.documentElement.setAttribute("data-gcm-ready", "1");
  root.setAttribute("data-gcm-ready", "1");
  window.gcmTimings = { scriptStart: initStart, ready: performance.now() };
  if (embedded) window.parent.postMessage({ type: "gcm:ready" }, "*");
  window.gcm = { setDate: setDate, state: snapshot, select: function (z) { return panels.select(z); }, map: map, data: G };
  return window.gcm;
}
