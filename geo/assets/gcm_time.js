/* Gaza Corridors Map: the state of a day, from the segments the page embeds. Pure: no DOM.
 *
 * The rules live in Python (geo/timeline.py); geo/timeslice.py turns them into half-open
 * segments [start, end) per (zone, actor). Here a day's state is only which segments hold, so
 * the browser cannot invent a rule of its own. tests/js/ runs this against Python's answers.
 * Loaded as a classic script (defines GCMTime) and by Node (module.exports).
 */
var GCMTime = (function () {
  "use strict";
  var DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

  /** A real calendar day written YYYY-MM-DD (rejects 2024-02-30). */
  function isDay(s) {
    if (typeof s !== "string" || !DAY_RE.test(s)) return false;
    var t = Date.parse(s + "T00:00:00Z");
    return !isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
  }
  /** Does [from, to) hold on day d? null is open-ended. ISO days compare as strings. */
  function holds(from, to, d) {
    return (from === null || from <= d) && (to === null || d < to);
  }
  /** Rows of [zone, actor, start, end, ...] that hold on d. */
  function active(rows, d) {
    return (rows || []).filter(function (r) { return holds(r[2], r[3], d); });
  }
  function byZone(rows) {
    var out = {};
    rows.forEach(function (r) { (out[r[0]] = out[r[0]] || []).push(r); });
    return out;
  }
  /** The recorded change days before and after d (null at either end). */
  function neighbours(days, d) {
    var before = null, after = null;
    for (var i = 0; i < days.length; i++) {
      if (days[i] < d) before = days[i];
      else if (days[i] > d) { after = days[i]; break; }
    }
    return [before, after];
  }
  /** Index of the last change day on or before d (-1 if none). */
  function dayIndex(days, d) {
    var i = -1;
    for (var k = 0; k < days.length; k++) if (days[k] <= d) i = k;
    return i;
  }
  /** Whole days from a to b. */
  function daysBetween(a, b) {
    return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 864e5);
  }
  /** A zone and every zone that contains it. */
  function cover(zones, zid) {
    var out = [zid], z = zones[zid];
    while (z && z.within && out.indexOf(z.within) < 0) { out.push(z.within); z = zones[z.within]; }
    return out;
  }
  /** Agreements in force on d, each with the terms (fact ids per zone) dated on or before d. */
  function agreementsOn(G, d) {
    return (G.agreements || []).filter(function (g) {
      return g.periods.some(function (p) { return holds(p[0], p[1], d); });
    }).map(function (g) {
      var period = g.periods.filter(function (p) { return holds(p[0], p[1], d); })[0];
      var terms = {};
      g.terms.forEach(function (t) { if (t[2] <= d) (terms[t[0]] = terms[t[0]] || []).push(t[1]); });
      return { id: g.id, name: g.name, since: period[0], periodFacts: period[2] || [],
        roles: g.roles.filter(function (r) { return r[2] <= d; }), terms: terms };
    });
  }

  /**
   * The state of day d: per zone, who is present, who left, the positions in force, aged and
   * overtaken, the agreements covering it, the reported figures; the events of the day, the
   * latest change on or before d, and whether d lies outside the documented period.
   */
  function stateOf(G, d) {
    var pres = byZone(active(G.presence, d));
    var left = byZone(active(G.left, d));
    var dem = byZone(active(G.demands, d));
    var over = byZone(active(G.overtaken, d));
    var agreements = agreementsOn(G, d);
    var zones = {};
    Object.keys(G.zones).forEach(function (zid) {
      var covers = cover(G.zones, zid);
      var q = dem[zid] || [];
      zones[zid] = {
        presence: pres[zid] || [],
        left: left[zid] || [],
        demands: q.filter(function (r) { return r[8] !== "aged"; }),
        aged: q.filter(function (r) { return r[8] === "aged"; }),
        overtaken: over[zid] || [],
        agreements: agreements.filter(function (g) {
          return covers.some(function (c) { return g.terms[c]; });
        }).map(function (g) { return g.id; }),
        figures: (G.figures || []).filter(function (f) { return f.zone === zid && f.date <= d; })
      };
    });
    var events = (G.events || []).filter(function (e) {
      return e[2] === null ? e[1] === d : holds(e[1], e[2], d);
    }).map(function (e) { return e[0]; });
    var n = neighbours(G.days, d);
    // The latest day with recorded changes: a change day, or a day a position aged (no change
    // day of its own: Previous/Next skip it, as in Python, but the panel says what aged).
    var changeDays = Object.keys(G.changes || {}).sort();
    var last = changeDays[dayIndex(changeDays, d)] || null;
    return {
      date: d,
      notice: d > G.dataAsOf ? "after" : d < G.dataFrom ? "before" : null,
      zones: zones,
      agreements: agreements,
      events: events,
      lastChange: last,
      changes: last ? (G.changes || {})[last] || [] : [],
      previous: n[0],
      next: n[1]
    };
  }

  /** Every fact a day's state rests on (the Sources tab), never one dated after the day,
   * except the withdrawal that implies an earlier presence (it says so). */
  function citedFacts(G, s) {
    var ids = {}, implied = {};
    function add(f) { if (f) ids[f] = true; }
    Object.keys(s.zones).forEach(function (zid) {
      var z = s.zones[zid];
      z.presence.forEach(function (r) { add(r[5]); if (r[8]) { add(r[8]); implied[r[8]] = true; } });
      z.left.forEach(function (r) { add(r[5]); });
      z.demands.concat(z.aged).forEach(function (r) { r[7].forEach(add); add(r[11]); });
      z.overtaken.forEach(function (r) { r[10].forEach(add); add(r[9]); });
      z.figures.forEach(function (f) { add(f.fact); });
    });
    s.events.forEach(add);
    s.agreements.forEach(function (g) {
      Object.keys(g.terms).forEach(function (z) { g.terms[z].forEach(add); });
      g.roles.forEach(function (r) { (r[3] || []).forEach(add); });
      g.periodFacts.forEach(add);
    });
    // Only the changes of the day itself (Python's state_dict cites changes_on(day)), not those
    // of the latest change day before it, which s.changes also carries for the panel.
    if (s.lastChange === s.date) s.changes.forEach(function (c) { add(c[2]); });
    return Object.keys(ids).filter(function (f) {
      return G.facts[f] && (G.facts[f].date <= s.date || implied[f]);
    }).sort();
  }

  return { isDay: isDay, holds: holds, active: active, neighbours: neighbours, dayIndex: dayIndex,
    daysBetween: daysBetween, cover: cover, agreementsOn: agreementsOn, stateOf: stateOf, citedFacts: citedFacts };
})();
if (typeof module !== "undefined" && module.exports) module.exports = GCMTime;
