// The page template of `mailstorm report` and the script that turns its data into Vega-Lite and
// Vega charts (drawn with vega-embed as SVG).
#include "cli/report_page.hpp"

#include "models/output/results_writer.hpp"

namespace mailstorm::cli::report {
namespace {

constexpr const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1em 2em 3em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
header p { color: #555; margin-top: 0.2em; }
nav a { margin-right: 1em; }
.chart { margin: 1em 0; min-height: 40px; }
.chart-error { color: #b00; font-weight: bold; }
table.numbers { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
table.numbers th, table.numbers td { border: 1px solid #ddd; padding: 2px 8px; }
table.numbers td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
table.numbers th { background: #f4f4f4; }
tr.significant td { font-weight: bold; }
.ci { color: #777; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
)css";

// Builds each chart's spec from the page's data (the names are Section::charts), draws them all and
// records on <body> how many drew. Local times are drawn on UTC scales: "13:17 local" stays 13:17
// whatever the viewer's time zone.
constexpr const char* kScript = R"js(
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('mailstorm-data').textContent);
  var kindScale = {domain: D.all_kinds || [], scheme: 'tableau20'};
  var startMs = D.start_local ? Date.parse(D.start_local + 'Z') : 0;
  var timeTitle = 'local time (UTC' + (D.utc_offset || '') + ')';
  function timeX(field) {
    return {field: field, type: 'temporal', scale: {type: 'utc'},
            axis: {title: timeTitle, format: '%a %d %H:%M', labelAngle: -30, labelOverlap: true}};
  }
  function localMs(text) {
    if (text.length === 13) text += ':00:00';
    return Date.parse(text.slice(0, 19) + 'Z');
  }
  function presentKinds(series) {
    return (D.all_kinds || []).filter(function (k) { return series.hasOwnProperty(k); });
  }
  // Envelopes created per bin, stacked by kind, with the sender's host going down and the
  // operator acting as rules (those before `until`).
  function timeline(t, created, binLabel, until) {
    var rows = [];
    Object.keys(created).forEach(function (kind) {
      created[kind].forEach(function (v, i) {
        rows.push({t: startMs + t[i] * 1000, kind: kind, messages: v});
      });
    });
    var events = D.events.map(function (e, i) {
      return {t: localMs(e.local), label: e.label, y: 4 + 14 * i};
    }).filter(function (e) { return e.t < until; });
    var layers = [{
      data: {values: rows},
      params: [{name: 'zoom', select: {type: 'interval', encodings: ['x']}, bind: 'scales'}],
      mark: {type: 'area', interpolate: 'step-after'},
      encoding: {
        x: timeX('t'),
        y: {field: 'messages', type: 'quantitative', stack: 'zero',
            title: 'envelopes created per ' + binLabel},
        color: {field: 'kind', type: 'nominal', scale: kindScale,
                legend: {title: 'kind', values: presentKinds(created)}},
        tooltip: [{field: 't', type: 'temporal', scale: {type: 'utc'}, format: '%a %d %H:%M', title: 'from'},
                  {field: 'kind'}, {field: 'messages', type: 'quantitative', format: ','}]
      }
    }];
    if (events.length) {
      layers.push({data: {values: events}, mark: {type: 'rule', strokeDash: [4, 3], color: '#333'},
                   encoding: {x: {field: 't', type: 'temporal'}, tooltip: [{field: 'label'}]}});
      layers.push({data: {values: events},
                   mark: {type: 'text', align: 'left', baseline: 'top', dx: 4, color: '#333'},
                   encoding: {x: {field: 't', type: 'temporal'}, y: {field: 'y', type: 'quantitative', scale: null},
                              text: {field: 'label'}}});
    }
    return {mode: 'vega-lite', spec: {width: 820, height: 280, layer: layers}};
  }
  var builders = {
    timeline: function () { return timeline(D.t, D.created, D.coarse_label, Infinity); },
    timeline_first_day: function () {
      return timeline(D.detail.t, D.detail.created, D.detail.label, startMs + 86400e3);
    },
    inbox: function () {
      var step = Math.max(3600, D.bin_s) * 1000, rows = [];
      D.inbox.hour.forEach(function (h, i) {
        var t = localMs(h);
        if (D.inbox.messages[i] > 0) rows.push({t: t, t2: t + step, messages: D.inbox.messages[i]});
      });
      return {mode: 'vega-lite', spec: {
        width: 820, height: 220, data: {values: rows},
        params: [{name: 'zoom', select: {type: 'interval', encodings: ['x']}, bind: 'scales'}],
        mark: {type: 'rect', color: '#4c78a8'},
        encoding: {
          x: timeX('t'), x2: {field: 't2'},
          y: {field: 'messages', type: 'quantitative', title: "messages in the sender's inbox per hour"},
          y2: {datum: 0},
          tooltip: [{field: 't', type: 'temporal', scale: {type: 'utc'}, format: '%a %d %b %H:00', title: 'hour'},
                    {field: 'messages', type: 'quantitative', format: ','}]
        }
      }};
    },
          color: {field: 'kind', type: 'nominal', scale: kindScale,
                  legend: {title: 'kind', values: presentKinds(D.created)}},

    queues: function () {
      var names = Object.keys(D.queues), rows = [];
      names.forEach(function (q) {
        D.queues[q].forEach(function (v, i) {
          rows.push({t: startMs + D.t[i] * 1000, queue: q, envelopes: v});
        });
      });
      return {mode: 'vega-lite', spec: {
        data: {values: rows},
        facet: {row: {field: 'queue', type: 'nominal', sort: names,
                      header: {title: null, labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold'}}},
        spec: {
          width: 700, height: 70,
          mark: {type: 'area', interpolate: 'step-after', line: true, opacity: 0.7},
          encoding: {
            x: timeX('t'),
            y: {field: 'envelopes', type: 'quantitative', title: null, axis: {tickCount: 3}},
            tooltip: [{field: 'queue'}, {field: 'envelopes', type: 'quantitative', format: ','}]
          }
        },
        resolve: {scale: {y: 'independent'}}
      }};
    },
    generations: function () {
      var c = D.cascade, rows = [];
      Object.keys(c.by_kind).forEach(function (kind) {
        c.by_kind[kind].forEach(function (v, i) {
          if (v > 0) rows.push({generation: c.generation[i], kind: kind, messages: v});
        });
      });
      return {mode: 'vega-lite', spec: {
        width: 500, height: 240, data: {values: rows},
        mark: 'bar',
        encoding: {
          x: {field: 'generation', type: 'ordinal', title: 'generation (0: the first mail)', axis: {labelAngle: 0}},
          y: {field: 'messages', type: 'quantitative', stack: 'zero', title: 'messages written'},
          color: {field: 'kind', type: 'nominal', scale: kindScale,
                  legend: {title: 'kind', values: presentKinds(c.by_kind)}},
          tooltip: [{field: 'generation'}, {field: 'kind'}, {field: 'messages', type: 'quantitative', format: ','}]
        }
      }};
    },
    tree: function () {
      var nodes = D.cascade.tree, parents = {};
      nodes.forEach(function (n) { if (n.parent !== null) parents[n.parent] = true; });
      var leaves = nodes.filter(function (n) { return !parents[n.id]; }).length;
      return {mode: 'vega', spec: {
        width: 820, height: Math.max(120, leaves * 24), padding: 5,
        data: [
          {name: 'tree', values: nodes, transform: [
            {type: 'stratify', key: 'id', parentKey: 'parent'},
            {type: 'tree', method: 'tidy', separation: true,
             size: [{signal: 'height'}, {signal: 'width - 160'}], as: ['y', 'x', 'depth', 'children']}]},
          {name: 'links', source: 'tree', transform: [
            {type: 'treelinks'}, {type: 'linkpath', orient: 'horizontal', shape: 'diagonal'}]}
        ],
        scales: [
          {name: 'color', type: 'ordinal', domain: kindScale.domain, range: {scheme: 'tableau20'}},
          {name: 'size', type: 'sqrt', domain: {data: 'tree', field: 'subtree'}, zero: true, range: [16, 900]}
        ],
        marks: [
          {type: 'path', from: {data: 'links'},
           encode: {update: {path: {field: 'path'}, stroke: {value: '#bbb'}}}},
          {type: 'symbol', from: {data: 'tree'},
           encode: {enter: {size: {scale: 'size', field: 'subtree'}, stroke: {value: '#fff'},
                            tooltip: {signal: "datum.label + ' (' + format(datum.subtree, ',') + ' with those below)'"}},
                    update: {x: {field: 'x'}, y: {field: 'y'}, fill: {scale: 'color', field: 'kind'}}}},
          {type: 'text', from: {data: 'tree'},
           encode: {enter: {text: {field: 'label'}, fontSize: {value: 10}, baseline: {value: 'middle'}},
                    update: {x: {field: 'x'}, y: {field: 'y'}, dx: {value: 12}}}}
        ]
      }};
    },
    sweep: function () {
      var numeric = D.x_field !== null;
      var x = numeric
        ? {field: 'x', type: 'quantitative', title: D.x_field, scale: {zero: false}}
        : {field: 'point', type: 'ordinal', sort: D.points, title: 'sweep point',
           axis: {labelAngle: -40, labelLimit: 180}};
      var tooltip = [{field: 'point'}, {field: 'mean', type: 'quantitative', format: ',.4~g'},
                     {field: 'lo', type: 'quantitative', title: '95 % CI low', format: ',.4~g'},
                     {field: 'hi', type: 'quantitative', title: '95 % CI high', format: ',.4~g'},
                     {field: 'n', type: 'quantitative', title: 'replications'}];
      var layers = [
        {mark: {type: 'errorbar', ticks: true},
         encoding: {x: x, y: {field: 'lo', type: 'quantitative', scale: {zero: false}, title: 'mean, 95 % CI'},
                    y2: {field: 'hi'}}},
        {mark: {type: 'point', filled: true, size: 40},
         encoding: {x: x, y: {field: 'mean', type: 'quantitative'}, tooltip: tooltip}}
      ];
      if (numeric) {
        layers.splice(1, 0, {mark: {type: 'line', color: '#999'},
                             encoding: {x: x, y: {field: 'mean', type: 'quantitative'}}});
      }
      return {mode: 'vega-lite', spec: {
        data: {values: D.rows.filter(function (r) { return D.outcomes.indexOf(r.outcome) >= 0; })},
        facet: {field: 'outcome', type: 'nominal', sort: D.outcomes, title: null,
                header: {labelFontWeight: 'bold', labelFontSize: 11}},
        columns: 4,
        spec: {width: 190, height: 130, layer: layers},
        resolve: {scale: {y: 'independent'}}
      }};
    },
    compare: function () {
      var y = {field: 'variant', type: 'nominal', sort: D.variants, title: null, axis: {labelLimit: 160}};
      var tooltip = [{field: 'variant'}, {field: 'diff', type: 'quantitative', title: 'difference', format: ',.4~g'},
                     {field: 'lo', type: 'quantitative', title: '95 % CI low', format: ',.4~g'},
                     {field: 'hi', type: 'quantitative', title: '95 % CI high', format: ',.4~g'},
                     {field: 'base', type: 'quantitative', title: 'base mean', format: ',.4~g'},
                     {field: 'value', type: 'quantitative', title: 'variant mean', format: ',.4~g'},
                     {field: 'pct', type: 'quantitative', title: 'change %', format: '.3~f'}];
      return {mode: 'vega-lite', spec: {
        data: {values: D.rows},
        facet: {field: 'outcome', type: 'nominal', sort: D.outcomes, title: null,
                header: {labelFontWeight: 'bold', labelFontSize: 11}},
        columns: 3,
        spec: {width: 230, height: {step: 22}, layer: [
          {mark: {type: 'rule', color: '#888', strokeDash: [3, 3]}, encoding: {x: {datum: 0}}},
          {mark: {type: 'errorbar', ticks: true},
           encoding: {y: y, x: {field: 'lo', type: 'quantitative', title: 'variant minus base, 95 % CI'},
                      x2: {field: 'hi'}}},
          {mark: {type: 'point', filled: true, size: 40},
           encoding: {y: y, x: {field: 'diff', type: 'quantitative'}, tooltip: tooltip}}
        ]},
        resolve: {scale: {x: 'independent'}}
      }};
    }
  };

  function note(el, text) {
    var p = document.createElement('p');
    p.className = 'chart-error';
    p.textContent = text;
    el.appendChild(p);
  }
  // Marks drawn from data (axes, legends and titles are not role-mark groups).
  function countMarks(el) { return el.querySelectorAll('svg g.role-mark > *').length; }

  var body = document.body, rendered = 0, failed = 0, warned = 0;
  var charts = Array.prototype.slice.call(document.querySelectorAll('.chart'));
  var jobs = charts.map(function (el) {
    var name = el.getAttribute('data-chart'), warnings = [];
    var base = vega.logger(vega.Warn);
    var logger = {
      level: function (l) { if (arguments.length) { base.level(l); return logger; } return base.level(); },
      error: function () { warnings.push('error: ' + Array.prototype.join.call(arguments, ' ')); return logger; },
      warn: function () { warnings.push(Array.prototype.join.call(arguments, ' ')); base.warn.apply(base, arguments); return logger; },
      info: function () { return logger; },
      debug: function () { return logger; }
    };
    var built;
    try {
      if (!builders.hasOwnProperty(name)) throw new Error('no chart named ' + name);
      built = builders[name]();
    } catch (e) {
      failed++;
      el.setAttribute('data-error', String(e && e.message || e));
      note(el, 'This chart could not be drawn: ' + e);
      return Promise.resolve();
    }
    return vegaEmbed(el, built.spec, {mode: built.mode, renderer: 'svg', actions: false, logger: logger})
      .then(function (result) { return result.view.runAsync(); })
      .then(function () {
        var marks = countMarks(el);
        el.setAttribute('data-marks', String(marks));
        el.setAttribute('data-warnings', String(warnings.length));
        if (warnings.length) { warned++; el.setAttribute('data-warning-text', warnings.join(' | ')); }
        if (marks > 0) {
          rendered++;
          el.setAttribute('data-rendered', 'true');
        } else {
          failed++;
          el.setAttribute('data-error', 'no marks drawn');
          note(el, 'This chart drew nothing.');
        }
      })
      .catch(function (e) {
        failed++;
        el.setAttribute('data-error', String(e && e.message || e));
        note(el, 'This chart could not be drawn: ' + e);
      });
  });
  Promise.all(jobs).then(function () {
    body.setAttribute('data-charts-rendered', String(rendered));
    body.setAttribute('data-chart-errors', String(failed));
    body.setAttribute('data-chart-warnings', String(warned));
    body.setAttribute('data-report-done', 'true');
  });
})();
)js";

// Data goes inside <script type="application/json">: a '<' could end the element, and in JSON it
// only occurs inside strings, where \u003c means the same.
std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (const char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string page_html(const Page& page, const ReportAssets& assets) {
  std::string html;
  html.reserve(assets.vega.size() + assets.vega_lite.size() + assets.vega_embed.size() +
               page.data_json.size() + 64 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"mailstorm " +
          html_escape(models::mailstorm_version()) + " (git " +
          html_escape(models::mailstorm_git_revision()) + "); " + html_escape(assets.versions) +
          "\">\n";
  html += "<title>" + html_escape(page.title) + "</title>\n<style>" + kStyle + "</style>\n";
  // The libraries, in dependency order, inline: the page needs no network.
  html += "<script>";
  html += assets.vega;
  html += "</script>\n<script>";
  html += assets.vega_lite;
  html += "</script>\n<script>";
  html += assets.vega_embed;
  html += "</script>\n</head>\n";
  html += "<body data-charts-expected=\"" + std::to_string(page.chart_count()) + "\">\n";
  html += "<header>\n<h1>" + html_escape(page.title) + "</h1>\n<p>" + page.subtitle_html +
          "</p>\n<nav>";
  for (const Section& s : page.sections)
    html += "<a href=\"#" + html_escape(s.id) + "\">" + html_escape(s.heading) + "</a>";
  html += "</nav>\n</header>\n";
  for (const Section& s : page.sections) {
    html += "<section id=\"" + html_escape(s.id) + "\">\n<h2>" + html_escape(s.heading) +
            "</h2>\n";
    if (!s.intro_html.empty()) html += "<p>" + s.intro_html + "</p>\n";
    for (const std::string& c : s.charts)
      html += "<div class=\"chart\" id=\"chart-" + html_escape(c) + "\" data-chart=\"" +
              html_escape(c) + "\"></div>\n";
    html += s.table_html;
    html += "</section>\n";
  }
  html += "<footer>Written by <code>mailstorm report</code>. Charts drawn by " +
          html_escape(assets.versions) +
          ", embedded in this file: it opens without a network.</footer>\n";
  html += "<script type=\"application/json\" id=\"mailstorm-data\">" +
          script_safe_json(page.data_json) + "</script>\n";
  html += "<script>";
  html += kScript;
  html += "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace mailstorm::cli::report
