/* Gaza Corridors Map: the dated layers, drawn in the browser.
 *
 * Every date's state is embedded once (segments from geo/timeslice.py), so a date change is a
 * restyle, not a server round trip. All text from the data goes through textContent and
 * attribute setters, never innerHTML; links are kept only when they are http(s).
 * When embedded (iframe), the map reports its state to the parent with postMessage and accepts
 * {type: "gcm:set", state} from it.
 */
function gcmInit(map, G) {
  "use strict";
  var initStart = performance.now();
  var doc = document;
  var root = map.getContainer();
  var S = G.strings;
  var OVERLAYS = ["presence", "demands"];
  var ACTOR_IDS = Object.keys(G.actors);
  var DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

  function fmt(key, vars) {
    var s = Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key;
    return s.replace(/\{(\w+)\}/g, function (_, name) {
      return vars && Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : "";
    });
  }
  var lang = doc.documentElement.lang || "en";
  var dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  function showDay(iso) {
    return iso ? dayFormat.format(new Date(iso + "T00:00:00Z")) : "";
  }
  function isDay(s) {
    return typeof s === "string" && DAY_RE.test(s) && !isNaN(Date.parse(s + "T00:00:00Z")) &&
      new Date(s + "T00:00:00Z").toISOString().slice(0, 10) === s;
  }
  function holds(from, to, d) {
    return (from === null || from <= d) && (to === null || d < to);
  }
  function h(tag, props) {
    var e = doc.createElement(tag);
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
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) e.append(x); });
      else e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  function safeUrl(u) {
    return typeof u === "string" && /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
  }

  // ---- state -------------------------------------------------------------------------------
  var init = G.initial || {};
  var st = {
    date: isDay(init.date) ? init.date : G.dataAsOf,
    overlays: new Set(Array.isArray(init.overlays) ? init.overlays.filter(function (o) { return OVERLAYS.indexOf(o) >= 0; }) : OVERLAYS),
    actors: new Set(Array.isArray(init.actors) ? init.actors.filter(function (a) { return a in G.actors; }) : ACTOR_IDS),
    tiles: false,
    timer: null,
    expanded: new Set()
  };
  // Narrow maps (phones) collapse each card to a pill; a tap expands it.
  function compact() { return map.getSize().x < 600; }

  // ---- base: sea colour, attribution, panes, hatching ----------------------------------------
  root.style.background = G.sea;
  root.classList.add("gcm-root");
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(h("span", { text: G.attribution }).innerHTML);
  map.zoomControl.setPosition("bottomleft");
  map.createPane("gcmZones").style.zIndex = 410;
  map.createPane("gcmPlaces").style.zIndex = 450;
  map.createPane("gcmLeaders").style.zIndex = 620;
  map.createPane("gcmCards").style.zIndex = 640;

  var SVG = "http://www.w3.org/2000/svg";
  var defsSvg = doc.createElementNS(SVG, "svg");
  defsSvg.setAttribute("width", "0");
  defsSvg.setAttribute("height", "0");
  defsSvg.setAttribute("aria-hidden", "true");
  defsSvg.style.position = "absolute";
  var defs = doc.createElementNS(SVG, "defs");
  var hatchId = {};
  ACTOR_IDS.forEach(function (a, i) {
    var id = "gcm-hatch-" + i;
    hatchId[a] = id;
    var pat = doc.createElementNS(SVG, "pattern");
    pat.setAttribute("id", id);
    pat.setAttribute("patternUnits", "userSpaceOnUse");
    pat.setAttribute("width", "9");
    pat.setAttribute("height", "9");
    pat.setAttribute("patternTransform", "rotate(45)");
    var bg = doc.createElementNS(SVG, "rect");
    bg.setAttribute("width", "9");
    bg.setAttribute("height", "9");
    bg.setAttribute("fill", G.actors[a].colour);
    bg.setAttribute("fill-opacity", "0.18");
    var line = doc.createElementNS(SVG, "rect");
    line.setAttribute("width", "3.5");
    line.setAttribute("height", "9");
    line.setAttribute("fill", G.actors[a].colour);
    pat.append(bg, line);
    defs.append(pat);
  });
  defsSvg.append(defs);
  root.append(defsSvg);

  // ---- background labels (placements for legibility, from background.geojson) -------------------
  (G.labels || []).forEach(function (lb) {
    L.marker([lb.lat, lb.lon], {
      icon: L.divIcon({ className: "gcm-label-icon", html: h("div", { class: "gcm-label", text: lb.name }), iconSize: null }),
      interactive: false, keyboard: false
    }).addTo(map);
  });

  // ---- places ---------------------------------------------------------------------------------
  (G.places || []).forEach(function (p) {
    var crossing = p.kind === "border_crossing";
    var marker = L.circleMarker([p.lat, p.lon], {
      pane: "gcmPlaces", radius: crossing ? 5 : 3.5, weight: crossing ? 2 : 1,
      color: "#222", fillColor: crossing ? "#ffffff" : "#444", fillOpacity: 1,
      dashArray: p.quality === "approximate" ? "2 2" : null
    });
    var tip = h("div", { class: "gcm-tip" },
      h("strong", { text: p.name }),
      p.name_ar ? h("div", { lang: "ar", dir: "rtl", text: p.name_ar }) : null,
      p.name_he ? h("div", { lang: "he", dir: "rtl", text: p.name_he }) : null,
      p.quality === "approximate" ? h("div", { class: "gcm-muted", text: fmt("map.approximate_place") }) : null);
    marker.bindTooltip(tip, { direction: "top" });
    marker.addTo(map);
  });

  // ---- zone shapes ------------------------------------------------------------------------------
  var shapes = G.shapes.map(function (sh) {
    var layer = L.geoJSON(sh.geometry, {
      pane: "gcmZones",
      pointToLayer: function (_f, ll) { return L.circleMarker(ll, { pane: "gcmZones", radius: 10 }); }
    });
    layer.on("click", function (e) { zonePopup(sh.zone, e.latlng); });
    return { sh: sh, layer: layer, on: false, kind: sh.geometry.type };
  });

  // ---- cards (one per zone, at a label position, with a leader line) ------------------------------
  var cards = {};
  Object.keys(G.zones).forEach(function (zid) {
    var z = G.zones[zid];
    var box = h("div", { class: "gcm-card", "data-zone": zid });
    var icon = L.divIcon({ className: "gcm-card-icon", html: box, iconSize: null, iconAnchor: [0, 0] });
    var marker = L.marker(z.card, { icon: icon, pane: "gcmCards", interactive: false, keyboard: false });
    var leader = z.target ? L.polyline([z.card, z.target], { pane: "gcmLeaders", color: "#444", weight: 1, dashArray: "1 3", interactive: false }) : null;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    cards[zid] = { box: box, marker: marker, leader: leader, shown: false };
  });

  // ---- popups -------------------------------------------------------------------------------------
  function factBlock(fid) {
    var f = G.facts[fid];
    if (!f) return null;
    var src = G.sources[f.source] || {};
    var url = safeUrl(src.url);
    var precision = f.date_precision !== "day" ? " (" + fmt("precision." + f.date_precision) + ")" : "";
    return h("div", { class: "gcm-fact" },
      h("p", { class: "gcm-summary", text: f.summary }),
      h("p", { class: "gcm-meta", text: fmt("map.fact_meta", {
        date: showDay(f.date) + precision + (f.end_date ? " – " + showDay(f.end_date) : ""),
        confidence: fmt("confidence." + f.confidence), fact: fid }) }),
      h("p", { class: "gcm-src" }, fmt("map.source") + ": ",
        url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: src.title }) : h("span", { text: src.title }),
        ", " + src.publisher + (src.published ? ", " + showDay(src.published) : ""),
        url ? null : " (" + fmt("map.no_link") + ")"));
  }
  function openPopup(latlng, content) {
    L.popup({ maxWidth: 340, autoPanPadding: [20, 60], className: "gcm-popup" }).setLatLng(latlng).setContent(content).openOn(map);
  }
  function zoneTitle(zid) {
    var z = G.zones[zid];
    return h("div", { class: "gcm-popup-title" },
      h("strong", { text: z.name }),
      z.name_ar ? h("div", { lang: "ar", dir: "rtl", text: z.name_ar }) : null,
      z.name_he ? h("div", { lang: "he", dir: "rtl", text: z.name_he }) : null);
  }
  function presencePopup(zid, row, latlng) {
    var a = G.actors[row[1]];
    openPopup(latlng, h("div", null, zoneTitle(zid),
      h("p", { class: "gcm-claim", text: a.name + ": " + fmt("status." + row[4]) }),
      h("p", { class: "gcm-muted", text: fmt("map.present_since", { date: showDay(row[6]) }) }),
      row[7] && row[7].length ? h("p", { class: "gcm-note", text: fmt("map.within", { zones: row[7].map(function (z) { return G.zones[z].name; }).join(", ") }) }) : null,
      row[8] && !(row[7] && row[7].length) ? h("p", { class: "gcm-note", text: fmt("map.implied") }) : null,
      factBlock(row[5])));
  }
  function demandPopup(zid, row, latlng) {
    var a = G.actors[row[1]];
    var aged = row[8] === "aged";
    openPopup(latlng, h("div", null, zoneTitle(zid),
      h("p", { class: "gcm-claim", text: a.name + ": " + fmt("position." + row[4]) }),
      h("p", { class: "gcm-muted", text: fmt("map.position_since", { date: showDay(row[6]) }) }),
      aged ? h("p", { class: "gcm-note", text: fmt("map.aged", { age: ageWords(row[9], st.date, true) }) }) : null,
      row[10] ? h("p", { class: "gcm-note", text: fmt("map.met_long", { date: showDay(row[10]) }) }) : null,
      row[7].map(factBlock)));
  }
  function leftPopup(zid, row, latlng) {
    var a = G.actors[row[1]];
    openPopup(latlng, h("div", null, zoneTitle(zid),
      h("p", { class: "gcm-claim", text: fmt("map.left_long", { actor: a.name, date: showDay(row[4]) }) }),
      h("p", { class: "gcm-muted", text: fmt("map.left_how_" + row[6]) }),
      factBlock(row[5])));
  }
  function agreementPopup(zid, g, latlng) {
    var d = st.date;
    var since = g.periods.filter(function (p) { return holds(p[0], p[1], d); })[0];
    var zones = coverZones(zid);
    var terms = g.terms.filter(function (t) { return zones.indexOf(t[0]) >= 0 && t[2] <= d; });
    var roles = g.roles.filter(function (r) { return r[2] <= d; });
    openPopup(latlng, h("div", null, zoneTitle(zid),
      h("p", { class: "gcm-claim", text: g.name }),
      h("p", { class: "gcm-muted", text: fmt("map.agreement_in_force", { date: showDay(since ? since[0] : "") }) }),
      h("p", { class: "gcm-claim", text: fmt("map.agreement_roles") }),
      h("ul", null, roles.map(function (r) { return h("li", { text: (G.actors[r[0]] || { name: r[0] }).name + ": " + fmt("role." + r[1]) }); })),
      h("p", { class: "gcm-claim", text: fmt("map.agreement_terms") }),
      terms.map(function (t) { return factBlock(t[1]); })));
  }
  function coverZones(zid) {
    var out = [zid], z = G.zones[zid];
    while (z && z.within && out.indexOf(z.within) < 0) { out.push(z.within); z = G.zones[z.within]; }
    return out;
  }
  function agreementsFor(zid, d) {
    var zones = coverZones(zid);
    return (G.agreements || []).filter(function (g) {
      return g.periods.some(function (p) { return holds(p[0], p[1], d); }) &&
        g.terms.some(function (t) { return zones.indexOf(t[0]) >= 0 && t[2] <= d; });
    });
  }
  function ageWords(lastStated, d, long) {
    var days = (Date.parse(d + "T00:00:00Z") - Date.parse(lastStated + "T00:00:00Z")) / 864e5;
    return fmt(long ? "map.months_long" : "map.months", { n: Math.round(days / 30.44) });
  }
  function zonePopup(zid, latlng) {
    var d = st.date, z = G.zones[zid];
    var shape = shapes.filter(function (s) { return s.sh.zone === zid && holds(s.sh.from, s.sh.to, d); })[0];
    var lines = [zoneTitle(zid)];
    if (!z.mapped) lines.push(h("p", { class: "gcm-note", text: fmt("map.not_mapped") }));
    if (shape && shape.sh.width_m) {
      lines.push(h("p", { class: "gcm-note", text: fmt("map.schematic", { width: Math.round(shape.sh.width_m).toLocaleString(lang) }) }));
      lines.push(h("p", { text: fmt("map.area", { area: shape.sh.area_km2.toFixed(1), share: (shape.sh.share * 100).toFixed(1) + "%" }) }));
      if (shape.sh.basis) lines.push(h("p", { class: "gcm-muted", text: shape.sh.basis }));
    }
    var pres = active(G.presence, d).filter(function (r) { return r[0] === zid; });
    var dem = active(G.demands, d).filter(function (r) { return r[0] === zid; });
    if (pres.length) lines.push(h("p", { class: "gcm-claim", text: fmt("map.presence") }),
      h("ul", null, pres.map(function (r) { return h("li", { text: G.actors[r[1]].name + ": " + fmt("status." + r[4]) + " (" + r[5] + ")" }); })));
    if (dem.length) lines.push(h("p", { class: "gcm-claim", text: fmt("map.demands") }),
      h("ul", null, dem.map(function (r) { return h("li", { text: G.actors[r[1]].name + ": " + fmt("position." + r[4]) + " (" + r[5] + ")" }); })));
    if (!pres.length && !dem.length) lines.push(h("p", { class: "gcm-muted", text: fmt("map.nothing") }));
    openPopup(latlng, h("div", null, lines));
  }

  // ---- the dated state ------------------------------------------------------------------------------
  function active(rows, d) {
    return rows.filter(function (r) { return holds(r[2], r[3], d); });
  }
  function chip(cls, actor, label, onclick, aria) {
    var a = G.actors[actor];
    return h("button", {
      type: "button", class: "gcm-chip " + cls, "aria-label": aria, title: aria,
      style: { "--gcm-c": a.colour, "--gcm-t": a.text }, onclick: onclick
    }, h("span", { class: "gcm-sw", "aria-hidden": "true" }), label);
  }
  function renderCards(d, pres, dem, gone) {
    Object.keys(cards).forEach(function (zid) {
      var c = cards[zid], z = G.zones[zid];
      var latlng = L.latLng(z.card[0], z.card[1]);
      var p = st.overlays.has("presence") ? (pres[zid] || []).filter(function (r) { return st.actors.has(r[1]); }) : [];
      var q = st.overlays.has("demands") ? (dem[zid] || []).filter(function (r) { return st.actors.has(r[1]); }) : [];
      var ev = G.events.filter(function (e) { return G.facts[e[0]].zone === zid && (e[2] === null ? e[1] === d : holds(e[1], e[2], d)); });
      var lf = st.overlays.has("presence") ? (gone[zid] || []).filter(function (r) { return st.actors.has(r[1]); }) : [];
      var ag = st.overlays.has("demands") && zid !== "gaza_strip" ? agreementsFor(zid, d).filter(function (g) {
        return !g.terms.some(function (t) { return t[0] === "gaza_strip"; }) || g.terms.some(function (t) { return t[0] === zid; });
      }) : [];
      if (zid === "gaza_strip" && st.overlays.has("demands")) ag = agreementsFor(zid, d);
      var count = p.length + q.length + ev.length + lf.length + ag.length;
      var show = count > 0;
      c.box.replaceChildren();
      var small = compact() && !st.expanded.has(zid);
      c.box.classList.toggle("gcm-compact", small);
      if (show && compact()) {
        c.box.append(h("button", {
          type: "button", class: "gcm-card-title gcm-card-toggle", "aria-expanded": small ? "false" : "true",
          onclick: function () { if (st.expanded.has(zid)) st.expanded.delete(zid); else st.expanded.add(zid); render(); }
        }, (small ? "▸ " : "▾ ") + z.name.split(" (")[0] + (small ? " · " + count : "")));
      }
      if (show && !small) {
        if (!compact()) c.box.append(h("div", { class: "gcm-card-title", text: z.name }));
        if (!z.mapped) c.box.append(h("div", { class: "gcm-note", text: fmt("map.not_mapped_short") }));
        if (p.length) c.box.append(h("div", { class: "gcm-chips", "aria-label": fmt("map.presence") }, p.map(function (r) {
          var words = G.actors[r[1]].short + " · " + fmt("chip." + r[4]);
          return chip("gcm-p", r[1], words, function () { presencePopup(zid, r, latlng); },
            G.actors[r[1]].name + ": " + fmt("status." + r[4]) + ". " + fmt("map.details"));
        })));
        if (lf.length) c.box.append(h("div", { class: "gcm-chips", "aria-label": fmt("map.presence") }, lf.map(function (r) {
          var words = G.actors[r[1]].short + " · " + fmt("map.left", { date: showDay(r[4]) });
          return chip("gcm-left", r[1], words, function () { leftPopup(zid, r, latlng); },
            fmt("map.left_long", { actor: G.actors[r[1]].name, date: showDay(r[4]) }) + ". " + fmt("map.details"));
        })));
        if (q.length) c.box.append(h("div", { class: "gcm-chips", "aria-label": fmt("map.demands") }, q.map(function (r) {
          var aged = r[8] === "aged";
          var words = G.actors[r[1]].short + " " + (G.symbols[r[4]] || "") + " " + fmt("chip." + r[4]) +
            (aged ? " · " + fmt("map.aged_short", { age: ageWords(r[9], d) }) : "") +
            (r[10] ? " · ✓ " + fmt("map.met", { date: showDay(r[10]) }) : "");
          return chip("gcm-d" + (aged ? " gcm-aged" : ""), r[1], words, function () { demandPopup(zid, r, latlng); },
            G.actors[r[1]].name + ": " + fmt("position." + r[4]) +
            (aged ? " (" + fmt("map.aged", { age: ageWords(r[9], d, true) }) + ")" : "") + ". " + fmt("map.details"));
        })));
        if (ag.length) c.box.append(h("div", { class: "gcm-chips" }, ag.map(function (g) {
          return h("button", { type: "button", class: "gcm-chip gcm-agr", title: g.name, onclick: function () { agreementPopup(zid, g, latlng); } },
            fmt("map.agreement_chip", { name: g.name }));
        })));
        if (ev.length) c.box.append(h("div", { class: "gcm-chips" }, ev.map(function (e) {
          return h("button", { type: "button", class: "gcm-chip gcm-e", onclick: function () { openPopup(latlng, h("div", null, zoneTitle(zid), factBlock(e[0]))); } },
            "● " + fmt("map.event"));
        })));
      }
      // Compact cards sit on their zone, without a leader line.
      c.marker.setLatLng(compact() && z.target ? z.target : z.card);
      var lead = show && c.leader && !compact();
      if (show && !c.shown) c.marker.addTo(map);
      if (!show && c.shown) c.marker.remove();
      if (c.leader && lead !== map.hasLayer(c.leader)) { if (lead) c.leader.addTo(map); else c.leader.remove(); }
      c.shown = show;
    });
  }
  // Cards whose boxes overlap (busy dates) are pushed down, below the controls too, and their
  // leader lines follow: readable labels beat exact label positions.
  function declutter() {
    var taken = [];
    var barBox = root.querySelector(".gcm-bar");
    var origin = root.getBoundingClientRect();
    if (barBox) {
      var b = barBox.getBoundingClientRect();
      taken.push({ left: b.left - origin.left, right: b.right - origin.left, top: 0, bottom: b.bottom - origin.top + 4 });
    }
    var shown = Object.keys(cards).filter(function (z) { return cards[z].shown; });
    shown.forEach(function (z) { cards[z].box.style.marginTop = "0px"; });
    var rects = shown.map(function (z) {
      var r = cards[z].box.getBoundingClientRect();
      return { zone: z, left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top };
    }).sort(function (a, b) { return a.top - b.top; });
    rects.forEach(function (r) {
      var dy = 0, moved = true;
      while (moved) {
        moved = false;
        for (var i = 0; i < taken.length; i++) {
          var o = taken[i];
          if (r.left < o.right && r.right > o.left && r.top + dy < o.bottom && r.bottom + dy > o.top) {
            dy = o.bottom - r.top + 4;
            moved = true;
          }
        }
      }
      taken.push({ left: r.left, right: r.right, top: r.top + dy, bottom: r.bottom + dy });
      var c = cards[r.zone], z = G.zones[r.zone];
      c.box.style.marginTop = dy + "px";
      if (c.leader && map.hasLayer(c.leader)) {
        var from = map.latLngToContainerPoint(c.marker.getLatLng()).add([0, dy]);
        c.leader.setLatLngs([map.containerPointToLatLng(from), z.target]);
      }
    });
  }

  function render() {
    var t0 = performance.now();
    var d = st.date;
    var pres = {}, dem = {};
    active(G.presence, d).forEach(function (r) { (pres[r[0]] = pres[r[0]] || []).push(r); });
    active(G.demands, d).forEach(function (r) { (dem[r[0]] = dem[r[0]] || []).push(r); });
    var gone = {};
    active(G.left || [], d).forEach(function (r) { (gone[r[0]] = gone[r[0]] || []).push(r); });
    shapes.forEach(function (s) {
      var on = holds(s.sh.from, s.sh.to, d);
      if (on && !s.on) s.layer.addTo(map);
      if (!on && s.on) s.layer.remove();
      s.on = on;
      if (!on) return;
      var here = st.overlays.has("presence") ? (pres[s.sh.zone] || []).filter(function (r) { return st.actors.has(r[1]); }) : [];
      var held = here.length > 0;
      var left = !held && st.overlays.has("presence") ? (gone[s.sh.zone] || []).filter(function (r) { return st.actors.has(r[1]); }) : [];
      var style = { color: "#2b2b2b", weight: 2, opacity: 0.9, dashArray: s.sh.dash,
        fillColor: held ? "url(#" + hatchId[here[0][1]] + ")" : "#8c8c8c", fillOpacity: held ? 1 : 0.12 };
      // A zone a force has left: a dotted edge in its colour, no hatching.
      if (left.length) style = { color: G.actors[left[0][1]].colour, weight: 3, opacity: 0.95, dashArray: "2 5", fillColor: "#8c8c8c", fillOpacity: 0.08 };
      if (s.kind === "LineString" || s.kind === "MultiLineString") {
        style = { color: held ? G.actors[here[0][1]].colour : "#6b6b6b", weight: held ? 7 : 4, opacity: 0.75, dashArray: s.sh.dash };
      }
      s.layer.setStyle(style);
    });
    renderCards(d, pres, dem, gone);
    syncControls();
    if (!compact()) declutter();
    root.setAttribute("data-gcm-date", d);
    window.gcmLastRenderMs = performance.now() - t0;
    window.gcmRenders = (window.gcmRenders || 0) + 1;
  }

  // ---- reporting to the page that embeds the map ------------------------------------------------------
  function snapshot() {
    var c = map.getCenter();
    var all = ACTOR_IDS.every(function (a) { return st.actors.has(a); });
    return {
      date: st.date,
      overlays: OVERLAYS.filter(function (o) { return st.overlays.has(o); }),
      actors: all ? null : ACTOR_IDS.filter(function (a) { return st.actors.has(a); }),
      view: [Math.round(c.lat * 1e4) / 1e4, Math.round(c.lng * 1e4) / 1e4, map.getZoom()]
    };
  }
  function post() {
    if (window.parent !== window) window.parent.postMessage({ type: "gcm:state", state: snapshot() }, "*");
  }
  var viewTimer = null;
  map.on("moveend", function () {
    if (fitting) return;  // the map fitting itself is not the reader moving it
    clearTimeout(viewTimer);
    viewTimer = setTimeout(post, 400);
  });
  window.addEventListener("message", function (e) {
    if (e.source !== window.parent || !e.data || e.data.type !== "gcm:set") return;
    var s = e.data.state || {};
    if (isDay(s.date)) st.date = s.date;
    render();
  });

  // ---- time and layer controls ----------------------------------------------------------------------------
  var days = G.days;
  function dayIndex(d) {
    var i = -1;
    for (var k = 0; k < days.length; k++) if (days[k] <= d) i = k;
    return i;
  }
  function setDate(d, opts) {
    if (!isDay(d)) return;
    st.date = d;
    render();
    if (!opts || !opts.quiet) post();
  }
  function step(dir) {
    var d = st.date, target = null;
    if (dir > 0) { for (var i = 0; i < days.length; i++) if (days[i] > d) { target = days[i]; break; } }
    else { for (var j = days.length - 1; j >= 0; j--) if (days[j] < d) { target = days[j]; break; } }
    if (target) setDate(target);
    return target;
  }
  function play() {
    if (st.timer) { clearInterval(st.timer); st.timer = null; syncControls(); return; }
    if (dayIndex(st.date) >= days.length - 1) setDate(days[0]);
    st.timer = setInterval(function () {
      if (!step(1)) { clearInterval(st.timer); st.timer = null; syncControls(); }
    }, 1400);
    syncControls();
  }

  var ui = {};
  var bar = L.control({ position: "topleft" });
  bar.onAdd = function () {
    ui.prev = h("button", { type: "button", class: "gcm-btn", "aria-label": fmt("map.prev"), title: fmt("map.prev"), onclick: function () { step(-1); } }, "◀");
    ui.play = h("button", { type: "button", class: "gcm-btn", "aria-label": fmt("map.play"), title: fmt("map.play"), "aria-pressed": "false", onclick: play }, "▶");
    ui.next = h("button", { type: "button", class: "gcm-btn", "aria-label": fmt("map.next"), title: fmt("map.next"), onclick: function () { step(1); } }, "▶|");
    ui.slider = h("input", { type: "range", class: "gcm-slider", min: "0", max: String(days.length - 1), step: "1", "aria-label": fmt("map.slider"),
      oninput: function () { setDate(days[Number(ui.slider.value)]); } });
    ui.calendar = h("input", { type: "date", class: "gcm-date", min: "1948-01-01", max: "2100-12-31", "aria-label": fmt("map.calendar"),
      onchange: function () { if (isDay(ui.calendar.value)) setDate(ui.calendar.value); } });
    ui.asof = h("span", { class: "gcm-asof", "aria-live": "polite" });
    ui.datato = h("span", { class: "gcm-datato", text: fmt("map.data_to", { date: showDay(G.dataAsOf) }) });
    ui.notice = h("span", { class: "gcm-notice" });
    var toggles = h("details", { class: "gcm-toggles" }, h("summary", { text: fmt("map.show") }),
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
          onchange: function (e) { var t = window[G.tileVar]; if (!t) return; if (e.target.checked) t.addTo(map); else t.remove(); } }), " " + fmt("map.base_osm"))));
    var el = h("div", { class: "gcm-bar", role: "group", "aria-label": fmt("map.time") },
      h("div", { class: "gcm-row" }, ui.prev, ui.play, ui.next, ui.slider),
      h("div", { class: "gcm-row" }, ui.calendar, ui.asof, ui.datato),
      h("div", { class: "gcm-row" }, ui.notice, toggles));
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
    return el;
  };
  bar.addTo(map);

  function syncControls() {
    var i = dayIndex(st.date);
    ui.slider.value = String(Math.max(i, 0));
    ui.calendar.value = st.date;
    ui.asof.textContent = fmt("map.as_of", { date: showDay(st.date) });
    ui.prev.disabled = !days.length || st.date <= days[0];
    ui.next.disabled = !days.length || st.date >= days[days.length - 1];
    ui.play.textContent = st.timer ? "❚❚" : "▶";
    ui.play.setAttribute("aria-pressed", st.timer ? "true" : "false");
    ui.play.setAttribute("aria-label", fmt(st.timer ? "map.pause" : "map.play"));
    ui.notice.textContent = st.date > G.dataAsOf ? fmt("map.after_data", { date: showDay(G.dataAsOf) })
      : st.date < G.dataFrom ? fmt("map.before_data") : "";
  }

  // ---- legend --------------------------------------------------------------------------------------------
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var details = h("details", { class: "gcm-legend" }, h("summary", { text: fmt("map.legend") }),
      h("ul", null,
        h("li", null, h("span", { class: "gcm-key gcm-key-hatch", "aria-hidden": "true" }), " " + fmt("map.legend_hatch")),
        h("li", null, h("span", { class: "gcm-key gcm-key-dashed", "aria-hidden": "true" }), " " + fmt("map.legend_dashed")),
        h("li", null, h("span", { class: "gcm-key gcm-key-left", "aria-hidden": "true" }), " " + fmt("map.legend_left")),
        h("li", null, h("span", { class: "gcm-key gcm-key-aged", "aria-hidden": "true" }), " " + fmt("map.legend_aged")),
        h("li", null, h("span", { class: "gcm-key gcm-key-border", "aria-hidden": "true" }), " " + fmt("map.legend_border")),
        h("li", null, h("span", { class: "gcm-key gcm-key-1949", "aria-hidden": "true" }), " " + fmt("map.legend_1949")),
        h("li", null, h("span", { class: "gcm-key gcm-key-axis", "aria-hidden": "true" }), " " + fmt("map.legend_axis"))),
      h("p", { class: "gcm-legend-head", text: fmt("map.demands") }),
      h("ul", null, G.positions.map(function (p) {
        return h("li", null, h("span", { class: "gcm-sym", "aria-hidden": "true", text: G.symbols[p] || "" }), " " + fmt("chip." + p) + ": " + fmt("position." + p));
      })),
      h("p", { class: "gcm-legend-head", text: fmt("map.actors") }),
      h("ul", { class: "gcm-legend-actors" }, ACTOR_IDS.map(function (a) {
        return h("li", null, h("span", { class: "gcm-sw", style: { "--gcm-c": G.actors[a].colour }, "aria-hidden": "true" }), " " + G.actors[a].short + ": " + G.actors[a].name);
      })));
    if (window.matchMedia && window.matchMedia("(min-width: 1400px) and (min-height: 850px)").matches) details.open = true;
    L.DomEvent.disableClickPropagation(details);
    L.DomEvent.disableScrollPropagation(details);
    return details;
  };
  legend.addTo(map);

  // Fit the strip and its cards until the reader moves the map: the frame may still be
  // growing to its final size when the map first draws.
  // Until the reader moves the map, it shows the intended view: the link's, or the strip and its
  // cards fitted. The frame may still be laid out (or grow) after the map starts, so every
  // change of the container's size re-applies that view; Leaflet alone would keep a view
  // computed for the old size.
  var intended = true, fitting = false;
  function applyView() {
    map.invalidateSize({ animate: false });
    if (!intended) return;
    var size = map.getSize(), small = compact();
    // A frame not laid out yet has no size; fitting it would give a NaN zoom. Wait for a size.
    if (size.x < 240 || size.y < 240) return;
    fitting = true;
    try {
      if (init.view && init.view.length === 3) {
        map.setView([init.view[0], init.view[1]], init.view[2], { animate: false });
      } else if (G.bounds) {
        map.fitBounds(small ? G.stripBounds : G.bounds,
          { paddingTopLeft: [small ? 10 : 90, 110], paddingBottomRight: [small ? 10 : 90, 30], animate: false });
      }
    } finally {
      fitting = false;
    }
  }
  render();
  try { applyView(); } catch (err) { if (window.console) console.error("gcm: view failed", err); }
  // The observer reports the current size once when it starts: that is not a change, so note
  // the size the view was applied at (a second fit here cost ~150 ms of cold load, measured).
  var lastSize = root.clientWidth + "x" + root.clientHeight;
  map.on("zoomend", function () { if (!compact()) declutter(); });
  map.on("dragstart", function () { intended = false; });
  map.on("zoomstart", function () { if (!fitting) intended = false; });
  function onResize() {
    var key = root.clientWidth + "x" + root.clientHeight;
    if (key === lastSize) return;
    lastSize = key;
    applyView();
    render();
  }
  if (window.ResizeObserver) new ResizeObserver(onResize).observe(root);
  window.addEventListener("resize", onResize);
  render();
  root.setAttribute("data-gcm-ready", "1");
  window.gcmTimings = { scriptStart: initStart, ready: performance.now() };
  // No report on start: the page already knows the initial view, and a report would cost every
  // load a second script run. The map reports what the reader changes.
  return { setDate: setDate, state: snapshot };
}
