/* Gaza Corridors Map: the text of a day, beside the map (desktop) or under it (phone).
 *
 * Drawn from the same state as the map in the same call, so the two never disagree, not even
 * for a frame. Tabs (WAI-ARIA tabs pattern): On this date, Positions, Sources, Lessons (when the
 * data has any), Share, About. Lessons and Share are drawn by their own modules through `opts`.
 * Every claim is a button that opens its source in place.
 */
var GCMPanels = (function () {
  "use strict";
  var h = GCMDom.h;

  function create(root, G, T, opts) {
    var fmt = T.fmt;
    var TABS = ["today", "positions", "sources"].concat(opts.lessons ? ["lessons"] : [], opts.share ? ["share"] : [], ["about"]);
    var tabs = {}, panes = {}, current = "today";
    var list = h("div", { role: "tablist", class: "gcm-tabs", "aria-label": fmt("ui.panels") });
    TABS.forEach(function (name) {
      tabs[name] = h("button", { type: "button", role: "tab", id: "gcm-tab-" + name, "aria-controls": "gcm-pane-" + name,
        class: "gcm-tab", text: fmt("ui.tab_" + name), onclick: function () { show(name, true); } });
      list.append(tabs[name]);
      panes[name] = h("div", { role: "tabpanel", id: "gcm-pane-" + name, class: "gcm-pane", "aria-labelledby": "gcm-tab-" + name, tabindex: "0" });
    });
    // Arrow keys move between tabs; Home and End jump (the tabs pattern).
    list.addEventListener("keydown", function (e) {
      var i = TABS.indexOf(current), k = e.key, j = null;
      if (k === "ArrowRight") j = (i + 1) % TABS.length;
      else if (k === "ArrowLeft") j = (i + TABS.length - 1) % TABS.length;
      else if (k === "Home") j = 0;
      else if (k === "End") j = TABS.length - 1;
      if (j === null) return;
      e.preventDefault();
      show(TABS[j], true);
    });
    root.append(list);
    TABS.forEach(function (name) { root.append(panes[name]); });

    function show(name, focus) {
      current = name;
      if (last && drawn[name] !== last.s) draw(name);
      TABS.forEach(function (n) {
        var on = n === name;
        tabs[n].setAttribute("aria-selected", on ? "true" : "false");
        tabs[n].tabIndex = on ? 0 : -1;
        panes[n].hidden = !on;
      });
      if (focus) tabs[name].focus();
      if (focus && root.scrollHeight > root.clientHeight) root.scrollTop = 0;  // desktop: the text scrolls itself
    }
    show("today", false);

    // ---- one claim: a chip that opens its source in place ------------------------------------
    var uid = 0;
    function claim(cls, colour, words, facts) {
      var id = "gcm-src-" + (++uid);
      // Its sources are written when it is first opened: a day's text has dozens of claims, and
      // writing every source up front was a third of the panels' first draw (measured).
      var box = h("div", { class: "gcm-srcbox", id: id, hidden: true });
      var btn = h("button", { type: "button", class: "gcm-chip " + cls, "aria-expanded": "false", "aria-controls": id,
        style: colour ? { "--gcm-c": colour } : null,
        onclick: function () {
          var open = btn.getAttribute("aria-expanded") !== "true";
          var said = words.filter(Boolean).join(" ");
          if (open && !box.firstChild) box.append.apply(box, facts.map(function (fid) { return factBlock(fid, said); }).filter(Boolean));
          btn.setAttribute("aria-expanded", open ? "true" : "false");
          box.hidden = !open;
        } },
        h("span", { class: "gcm-sw", "aria-hidden": "true" }),
        h("span", { class: "gcm-say", text: words[0] }),
        words[1] ? [" ", h("span", { class: "gcm-when", text: "(" + words[1] + ")" })] : null,
        words[2] ? h("span", { class: "gcm-detail", text: words[2] }) : null);
      return h("li", { class: "gcm-claim-item" }, btn, box);
    }
    /** A fact with its day and source; shown: the text already printed with its claim (a
     * statement under its chip, an event's words), whose summary is then not repeated. */
    function factBlock(fid, shown) {
      var f = G.facts[fid];
      if (!f) return null;
      var src = G.sources[f.source] || {};
      var url = GCMText.safeUrl(src.url), title = T.sourceTitle(src.title);
      return h("div", { class: "gcm-fact" },
        shown && shown.indexOf(f.summary) >= 0 ? null : h("p", { class: "gcm-summary", text: f.summary }),
        h("p", { class: "gcm-meta", text: T.factMeta(fid, last ? last.s.date : null) }),
        h("p", { class: "gcm-src" }, fmt("ui.source"),
          url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: title[0] }) : h("span", { text: title[0] }),
          title[1] ? [" ", h("span", { class: "gcm-muted", text: "(" + title[1] + ")" })] : null,
          ", " + src.publisher + (src.published ? ", " + T.day(src.published) : ""),
          // A fact is dated by what happened; its report may come days later: said so, so the
          // later date does not read as news of a later day.
          src.published && last && src.published > last.s.date ? [" ", h("span", { class: "gcm-muted", text: "(" + fmt("ui.published_later") + ")" })] : null,
          url ? null : " (" + fmt("ui.no_link") + ")"));
    }
    function colourOf(a) { return G.actors[a] ? G.actors[a].colour : null; }
    function section(title, items) {
      return items.length ? [h("h3", { class: "gcm-sub", text: title }), h("ul", { class: "gcm-claims" }, items)] : null;
    }

    // ---- On this date ---------------------------------------------------------------------
    function drawToday(s, view) {
      var pane = panes.today;
      var out = [];
      if (s.notice) out.push(h("p", { class: "gcm-notice-box", text: s.notice === "after"
        ? fmt("map.after_data", { date: T.day(G.dataAsOf) }) + (s.date > new Date().toISOString().slice(0, 10) ? " " + fmt("ui.future", { date: T.day(s.date) }) : "")
        : fmt("ui.before_data", { date: T.day(G.dataFrom) }) }));
      var any = false;
      if (view.filtered) out.push(h("p", { class: "gcm-muted", text: fmt("ui.filtered") }));
      Object.keys(G.zones).forEach(function (zid) {
        var z = G.zones[zid], st = s.zones[zid];
        var mine = function (r) { return view.actor(r[1]); };
        var pres = view.presence ? st.presence.filter(mine) : [];
        var left = view.presence ? st.left.filter(mine) : [];
        var dem = view.demands ? st.demands.filter(mine) : [];
        var aged = view.demands ? st.aged.filter(mine) : [];
        var over = view.demands ? st.overtaken.filter(mine) : [];
        var agr = s.agreements.filter(function (g) { return st.agreements.indexOf(g.id) >= 0; });
        // An agreement is told where it has terms: at the strip for strip-wide terms, at a zone
        // for its own (Python's state lists it under every zone it covers).
        agr = agr.filter(function (g) { return g.terms[zid]; });
        var shape = view.shape(zid);
        var drawn = !!shape;  // drawn on the map today, so its label can lead here
        if (!(pres.length || left.length || dem.length || aged.length || agr.length || st.figures.length || drawn)) return;
        if (pres.length || dem.length) any = true;
        var items = [
          section(fmt("ui.held"), pres.map(function (r) { return claim("gcm-p", colourOf(r[1]), T.presence(r), [r[5]]); })),
          section(fmt("ui.left_head"), left.map(function (r) { return claim("gcm-left", colourOf(r[1]), T.left(r), [r[5]]); })),
          section(fmt("ui.positions"), dem.map(function (r) { return claim("gcm-d", colourOf(r[1]), T.demand(r, s.date), r[7].concat(r[11] ? [r[11]] : [])); })),
          section(fmt("ui.aged_head"), aged.map(function (r) { return claim("gcm-d gcm-aged", colourOf(r[1]), T.demand(r, s.date), r[7]); })),
          section(fmt("ui.agreements_head"), agr.map(function (g) {
            return claim("gcm-agr", null, [fmt("ui.agreement", { name: g.name }),
              fmt("ui.agreement_since", { date: T.day(g.since) }) + ". " + fmt("ui.agreement_roles", { roles: T.roles(g) })], g.terms[zid]);
          })),
          section(fmt("ui.figures_head"), st.figures.map(function (f) { return claim("gcm-e", null, [T.figure(f)], [f.fact]); })),
          section(fmt("ui.overtaken_head"), over.map(function (r) { return claim("gcm-d gcm-over", colourOf(r[1]), T.overtaken(r), r[10].concat(r[9] ? [r[9]] : [])); }))
        ];
        var empty = !items.some(function (x) { return x; });
        out.push(h("article", { class: "gcm-zone", id: "gcm-z-" + zid, "data-zone": zid, tabindex: "-1" },
          h("h2", { class: "gcm-zone-name" }, h("span", { text: z.name }),
            z.name_ar ? [" / ", h("span", { class: "gcm-alt", lang: "ar", dir: "rtl", text: z.name_ar })] : null,
            z.name_he ? [" / ", h("span", { class: "gcm-alt", lang: "he", dir: "rtl", text: z.name_he })] : null),
          !z.mapped ? h("p", { class: "gcm-note", text: fmt("ui.not_mapped") })
            : shape && shape.width_m ? h("p", { class: "gcm-note", text: fmt("ui.band", { width: T.number(shape.width_m),
              area: shape.area_km2.toFixed(1), share: (shape.share * 100).toFixed(1) + "%" }) }) : null,
          items,
          empty ? h("p", { class: "gcm-muted", text: fmt(view.filtered ? "ui.nothing_shown" : "ui.nothing_here") }) : null));
      });
      if (!any) out.push(h("p", { class: "gcm-muted", text: fmt(view.filtered ? "ui.nothing_shown" : "ui.nothing") }));
      if (s.lastChange) {
        var ch = s.changes.filter(function (c) { return c[0] === null || String(c[0]).split("+").some(view.actor); });
        out.push(h("section", { class: "gcm-changes" },
          h("h2", { text: fmt(s.lastChange === s.date ? "ui.changed_today" : "ui.changed_before", { date: T.day(s.lastChange) }) }),
          ch.length ? h("ul", { class: "gcm-claims" }, ch.map(function (c) { return c[2] ? claim("gcm-e", null, [c[3]], [c[2]]) : h("li", { text: c[3] }); }))
            : h("p", { class: "gcm-muted", text: fmt("ui.no_change") })));
      }
      // Events of the day not already told among its changes.
      var told = s.lastChange === s.date ? s.changes.map(function (c) { return c[2]; }) : [];
      var events = s.events.filter(function (fid) { return told.indexOf(fid) < 0; });
      if (events.length) out.push(h("section", { class: "gcm-events" }, h("h2", { text: fmt("ui.events") }),
        h("ul", { class: "gcm-claims" }, events.map(function (fid) { return claim("gcm-e", null, [G.facts[fid].summary], [fid]); }))));
      pane.replaceChildren.apply(pane, out);
    }

    // ---- Positions (tables) ------------------------------------------------------------------
    function table(name, head, rows) {
      return h("div", { class: "gcm-scroll", role: "region", "aria-label": fmt("ui.table_scroll", { name: name }), tabindex: "0" },
        h("table", { class: "gcm-table" },
          h("caption", { text: name }),
          h("thead", null, h("tr", null, head.map(function (c) { return h("th", { scope: "col", text: c }); }))),
          h("tbody", null, rows.map(function (r) {
            return h("tr", null, r.map(function (c, i) { return i === 0 ? h("th", { scope: "row", text: c }) : h("td", { text: c }); }));
          }))));
    }
    function drawPositions(s, view) {
      var held = [], parties = {}, zoneCols = [];
      Object.keys(G.zones).forEach(function (zid) {
        var st = s.zones[zid], z = G.zones[zid];
        st.presence.filter(function (r) { return view.actor(r[1]); }).forEach(function (r) {
          // The fact is the latest report of the status, which for a zone held through the zones
          // within it is often later than the presence began: its day is said, so the two dates
          // don't read as one claim.
          var f = G.facts[r[5]];
          held.push([z.name, T.actor(r[1], true), fmt("status." + T.presenceStatus(r)), T.day(r[6]), r[5] + (f ? " (" + T.day(f.date) + ")" : "")]);
        });
        st.demands.concat(st.aged).filter(function (r) { return view.actor(r[1]); }).forEach(function (r) {
          if (zoneCols.indexOf(zid) < 0) zoneCols.push(zid);
          var f = G.facts[r[5]], sure = !f || f.confidence === "high";
          var cell = T.position(r, r[12]) + " (" + r[5] + (sure ? "" : ", " + fmt("confidence." + f.confidence)) + ")" + (r[8] === "aged" ? " — " + fmt("ui.aged", { date: T.day(r[9]), age: T.age(r[9], s.date) }) : "");
          (parties[r[1]] = parties[r[1]] || {})[zid] = cell;
        });
      });
      var out = [];
      out.push(view.presence && held.length ? table(fmt("ui.presence_table"),
        [fmt("ui.zone"), fmt("ui.force"), fmt("ui.status"), fmt("ui.present_since"), fmt("ui.latest_report")], held)
        : [h("h2", { text: fmt("ui.presence_table") }), h("p", { class: "gcm-muted", text: fmt("ui.no_presence") })]);
      var ids = Object.keys(parties);
      out.push(view.demands && ids.length ? table(fmt("ui.positions_table"),
        [fmt("ui.party")].concat(zoneCols.map(T.zone)),
        ids.map(function (a) { return [T.actor(a, true)].concat(zoneCols.map(function (z) { return parties[a][z] || "—"; })); }))
        : [h("h2", { text: fmt("ui.positions_table") }), h("p", { class: "gcm-muted", text: fmt("ui.no_positions") })]);
      panes.positions.replaceChildren.apply(panes.positions, [].concat.apply([], out));
    }

    // ---- Sources -------------------------------------------------------------------------------
    function drawSources(s, view) {
      var ids = GCMTime.citedFacts(G, s).filter(function (fid) {
        var f = G.facts[fid];
        return !f.actors || !f.actors.length || f.actors.some(view.actor);
      });
      panes.sources.replaceChildren(
        h("p", { class: "gcm-muted", text: ids.length ? fmt("ui.sources_intro") : fmt("ui.no_sources") }),
        ids.length ? h("ol", { class: "gcm-sources" }, ids.map(function (fid) { return h("li", null, factBlock(fid)); })) : "");
    }

    // ---- About (our own text, built from Markdown by Python into blocks) -------------------------
    function runs(rs) {
      return rs.map(function (r) { return r[0] ? h(r[0] === "b" ? "strong" : "em", { text: r[1] }) : r[1]; });
    }
    function drawAbout(pane) {
      (G.about || []).forEach(function (b) {
        if (b[0] === "h") pane.append(h("h2", { text: b[1] }));
        else if (b[0] === "p") pane.append(h("p", null, runs(b[1])));
        else if (b[0] === "ul") pane.append(h("ul", null, b[1].map(function (item) { return h("li", null, runs(item)); })));
      });
      pane.append(h("h2", { text: fmt("ui.keys_head") }), h("p", { text: fmt("ui.keys") }));
      if (opts.keys) {
        pane.append(h("p", null, h("label", { class: "gcm-keys-toggle" },
          h("input", { type: "checkbox", checked: opts.keys.on(), onchange: function (e) { opts.keys.set(e.target.checked); } }),
          " " + fmt("ui.keys_toggle"))));
      }
    }

    // Only the tab in view is drawn on a date change (the others when opened): a date change
    // then costs one tab, not three.
    var last = null, drawn = {};
    var DRAW = { today: drawToday, positions: drawPositions, sources: drawSources,
      lessons: function () { opts.lessons(panes.lessons); }, share: function () { opts.share(panes.share); },
      // Our own text, the same on every date: written once, when first opened.
      about: function () { if (!panes.about.firstChild) drawAbout(panes.about); } };
    function draw(name) {
      if (DRAW[name]) DRAW[name](last.s, last.view);
      drawn[name] = last.s;
    }
    // The Share and Lessons tabs also follow what is not a date (the map moved, a lesson step).
    function refresh() {
      if (last && (current === "share" || current === "lessons")) draw(current);
    }
    function render(s, view) {
      last = { s: s, view: view };
      draw(current);
      root.setAttribute("data-gcm-date", s.date);
    }
    function select(zid) {
      show("today", false);
      var el = panes.today.querySelector("[data-zone='" + zid + "']");
      if (!el) return false;
      // Desktop: the text is its own scroll box; scrolling it alone leaves the page in place.
      // Phone: the page is the text's scroller, so the host page scrolls to the zone.
      if (root.scrollHeight > root.clientHeight) root.scrollTop += el.getBoundingClientRect().top - root.getBoundingClientRect().top - list.offsetHeight - 8;
      else el.scrollIntoView({ block: "start", behavior: "smooth" });
      el.focus({ preventScroll: true });
      return true;
    }
    return { render: render, show: show, select: select, refresh: refresh, factBlock: factBlock, current: function () { return current; } };
  }
  return { create: create };
})();
