/* Gaza Corridors Map: words for a day's state. Pure: no DOM, strings from the page's locale.
 *
 * Every sentence names who says or holds what ("Egypt: Israeli forces should withdraw"), so a
 * chip never reads as the map's own claim. Loaded as a classic script (GCMText) and by Node.
 */
var GCMText = (function () {
  "use strict";

  function make(G, lang) {
    var S = G.strings || {};
    // Days are written from the locale's month names, as the Python side writes them (geo.report):
    // the same words by construction (Chromium's en-GB wrote "Sept", Python "Sep"), and no
    // Intl.DateTimeFormat, whose first use loads the browser's locale data: 12-30 ms of a
    // fresh page's start-up, measured in Chromium.
    function has(key) { return Object.prototype.hasOwnProperty.call(S, key); }
    /** A string of the locale with {name} filled in; a missing key shows as itself. */
    function fmt(key, vars) {
      var s = has(key) ? S[key] : key;
      return s.replace(/\{(\w+)\}/g, function (_, name) {
        return vars && Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : "";
      });
    }
    function words(iso, group) {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
      return m ? Number(m[3]) + " " + fmt(group + "." + Number(m[2])) + " " + m[1] : "";
    }
    /** "22 Aug 2024" (geo.report.day_words). */
    function day(iso) { return words(iso, "month"); }
    /** "22 August 2024", for citations (geo.report._long). */
    function longDay(iso) { return words(iso, "month_long"); }
    /** A whole number with the locale's thousands separator ("4,000"): not toLocaleString,
     * whose first use in a fresh page loads the locale data (11-18 ms, measured in Chromium). */
    function number(n) {
      return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, fmt("ui.thousands_sep"));
    }
    /** "14 months", "2 years": the same rounding as geo.report.age_words. Counted to the last
     * dated fact at most, as in geo.timeline: past it nobody has looked for a restatement. */
    function age(from, to) {
      if (G.dataAsOf && to > G.dataAsOf) to = G.dataAsOf;
      var days = Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 864e5);
      var months = Math.round(days / 30.44);
      return months < 24 ? fmt("age.months", { n: months }) : fmt("age.years", { n: Math.floor(months / 12) });
    }
    /** An actor's short name; "A+B" (a joint statement) as "A and B". */
    function actor(id, long) {
      return String(id).split("+").map(function (a) {
        var x = G.actors[a];
        return x ? (long ? x.name : x.short || x.name) : a;
      }).join(" & ");
    }
    function zone(id) {
      var z = G.zones[id];
      return z ? z.name : id;
    }
    // Chips: who holds or demands what, in plain words, with the day.
    // Held through the zones within it, a zone takes its parts' presence, not their status:
    // the IDF 'reoccupied' Netzarim, not the strip. Its own report's status is still told.
    function presenceStatus(r) {
      var f = G.facts[r[5]], own = !(r[7] && r[7].length) || (f && f.zone === r[0]);
      return own ? r[4] : "established";
    }
    function presence(r) {
      var code = presenceStatus(r);
      var said = code === "established" ? fmt("ui.present", { actor: actor(r[1]) })
        : fmt("ui.present_status", { actor: actor(r[1]), status: fmt("status." + code) });
      var how = r[7] && r[7].length ? fmt("ui.through", { zones: r[7].map(zone).join(", ") })
        : r[8] ? fmt("ui.implied", { date: day(G.facts[r[8]] ? G.facts[r[8]].date : "") })
        : fmt("ui.since", { date: day(r[6]) });
      return [said, how];
    }
    function left(r) {
      return [fmt("ui.left", { actor: actor(r[1]), date: day(r[4]) })];
    }
    // A position in words: its gist where the data gives one ("Egypt: only Palestinian
    // authorities should run the crossing"), else its code's words; "other" positions also
    // carry their statement, so nothing needs opening. gist: a demand row's r[12], an
    // overtaken row's r[11] (geo.mapping).
    function says(r, gist) {
      return gist ? fmt("ui.says", { actor: actor(r[1]), position: gist })
        : r[4] === "other" ? fmt("ui.other", { actor: actor(r[1]) })
        : fmt("ui.says", { actor: actor(r[1]), position: fmt("position." + r[4]) });
    }
    /** A position's words alone, for a table's cell. */
    function position(r, gist) {
      return gist || (r[4] === "other" ? fmt("ui.other_cell") : fmt("position." + r[4]));
    }
    function statement(r) {
      return r[4] === "other" && G.facts[r[5]] ? G.facts[r[5]].summary : null;
    }
    // A claim's confidence is said on the chip when it is not high: a position carried by one
    // report, or by aggregators only, must not read like a party's own statement.
    function doubt(fid) {
      var f = G.facts[fid];
      return f && f.confidence && f.confidence !== "high" ? "; " + fmt("confidence." + f.confidence) : "";
    }
    // What the party also said beside a named position (r[13]: [fact, day, gist]), newest first.
    function asides(r) {
      var xs = (r[13] || []).filter(function (x) { return G.facts[x[0]]; }).slice().reverse();
      return xs.length ? xs.map(function (x) {
        return fmt("ui.also_said", { date: day(x[1]), words: String(x[2] || G.facts[x[0]].summary).replace(/\.\s*$/, "") });
      }).join(" ") : null;
    }
    function demand(r, d) {
      if (r[8] === "aged") return [says(r, r[12]), fmt("ui.aged", { date: day(r[9]), age: age(r[9], d) }) + doubt(r[5]), statement(r) || asides(r)];
      var meta = fmt("ui.stated", { date: day(r[6]) }) + doubt(r[5]);
      if (r[10]) meta += "; " + fmt("ui.met", { date: day(r[10]) });
      return [says(r, r[12]), meta, statement(r) || asides(r)];
    }
    function overtaken(r) {
      return [says(r, r[11]), fmt("ui.overtaken", { since: day(r[6]), on: day(r[7]), by: r[8] }), statement(r)];
    }
    function figure(f) {
      return fmt("ui.figure", { counted_by: f.counted_by, wording: f.wording, date: day(f.date) });
    }
    function roles(g) {
      return g.roles.map(function (r) { return actor(r[0], true) + " (" + fmt("role." + r[1]) + ")"; }).join("; ");
    }
    /** A fact's day, confidence and id. Its end is said only if it came by asOf (the day shown):
     * a later end is news of a later day, and a day's answer holds nothing dated after it. */
    function factMeta(fid, asOf) {
      var f = G.facts[fid];
      if (!f) return "";
      var precision = f.date_precision !== "day" ? " (" + fmt("precision." + f.date_precision) + ")" : "";
      var ended = f.end_date && (!asOf || f.end_date <= asOf);
      return fmt("map.fact_meta", { date: day(f.date) + precision + (ended ? " – " + day(f.end_date) : ""),
        confidence: fmt("confidence." + f.confidence), fact: fid });
    }
    function announce(s) {
      var n = s.lastChange === s.date ? s.changes.length : 0;
      var said = n === 1 ? fmt("ui.announce_change", { date: day(s.date) })
        : n ? fmt("ui.announce_changes", { date: day(s.date), n: n }) : fmt("ui.announce", { date: day(s.date) });
      // A day past the data is said to be so, as the notice on screen says it.
      return s.notice === "after" ? said + " " + fmt("map.after_data", { date: day(G.dataAsOf) }) : said;
    }
    /** A source's title, and a note when it is ours rather than the publisher's: the data marks
     * such titles "[headline not captured] words" or "[words] (headline not captured; words
     * from the URL)"; a reader gets the words, then plainly what they are. */
    function sourceTitle(title) {
      var t = String(title || ""), m = /^\[headline not captured\]\s*(.+)$/.exec(t);
      if (m) return [m[1], fmt("ui.title_ours")];
      m = /^\[(.+)\]\s*\((headline not [^)]*)\)$/.exec(t);
      if (m) return [m[1], fmt(/URL/.test(m[2]) ? "ui.title_from_url" : "ui.title_ours")];
      return [t, null];
    }
    return { fmt: fmt, day: day, sourceTitle: sourceTitle, longDay: longDay, number: number, age: age, actor: actor, zone: zone, presence: presence, left: left,
      demand: demand, position: position, presenceStatus: presenceStatus, overtaken: overtaken, figure: figure, roles: roles, factMeta: factMeta, announce: announce };
  }
  /** Only http(s) addresses with a host become links (the rule geo.tables holds sources.csv
   * to): javascript:, data:, vbscript:, relative addresses, spaces, control or invisible
   * characters give null, and the title is shown as plain text. */
  function safeUrl(u) {
    if (typeof u !== "string" || !/^https?:\/\/[^/?#\\@:]/i.test(u) || /[\s\p{C}]/u.test(u)) return null;
    try {
      var parsed = new URL(u);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname ? u : null;
    } catch (err) {
      return null;
    }
  }
  return { make: make, safeUrl: safeUrl };
})();
if (typeof module !== "undefined" && module.exports) module.exports = GCMText;
