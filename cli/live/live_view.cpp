// The live view's layout, kept free of terminal handling so that tests can look at a frame.
#include "cli/live/live_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace mailstorm::cli::live {
namespace {

using models::LiveSnapshot;

constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<double, 10> kSpeeds = {0.25, 0.5, 1, 2, 4, 8, 24, 48, 96, 168};

std::string two_digits(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

std::string offset_text(int minutes) {
  const char sign = minutes < 0 ? '-' : '+';
  const int m = std::abs(minutes);
  return sign + two_digits(m / 60) + ":" + two_digits(m % 60);
}

// Pads or cuts to exactly `columns`.
std::string fit(const std::string& text, std::size_t columns) {
  std::string out = truncate_columns(text, columns);
  out.append(columns - display_width(out), ' ');
  return out;
}

std::string right(const std::string& text, std::size_t columns) {
  const std::size_t w = display_width(text);
  return w >= columns ? truncate_columns(text, columns) : std::string(columns - w, ' ') + text;
}

// Index of a column of the hourly series; the series columns are fixed by the model, so a
// missing one is a bug.
std::size_t column(const models::TimeSeries& series, std::string_view name) {
  const auto it = std::find(series.columns.begin(), series.columns.end(), name);
  if (it == series.columns.end())
    throw std::logic_error("live view: the time series has no column " + std::string(name));
  return static_cast<std::size_t>(it - series.columns.begin());
}

// Values of one series for hours [first, rows); `created` sums every created_* column.
std::vector<double> hourly_values(const models::TimeSeries& series, std::string_view name,
                                  std::size_t first) {
  std::vector<double> out;
  if (name == "created") {
    std::vector<std::size_t> cols;
    for (std::size_t c = 0; c < series.columns.size(); ++c)
      if (series.columns[c].starts_with("created_")) cols.push_back(c);
    for (std::size_t r = first; r < series.rows.size(); ++r) {
      double sum = 0;
      for (std::size_t c : cols) sum += series.rows[r][c];
      out.push_back(sum);
    }
    return out;
  }
  const std::size_t c = column(series, name);
  for (std::size_t r = first; r < series.rows.size(); ++r) out.push_back(series.rows[r][c]);
  return out;
}

std::string list_state(const LiveSnapshot& s) {
  if (s.list_closed) return "CLOSED";
  if (s.emergency_moderation) return "MODERATED";
  return "open";
}

std::string hours_text(double hours) {
  char buf[32];
  if (hours < 48)
    std::snprintf(buf, sizeof buf, "%.0fh", std::floor(hours + 1e-9));
  else if (std::fmod(std::floor(hours + 1e-9), 24.0) == 0)
    std::snprintf(buf, sizeof buf, "%.0fd", std::floor(hours / 24 + 1e-9));
  else
    std::snprintf(buf, sizeof buf, "%.0fd%02.0fh", std::floor(hours / 24 + 1e-9),
                  std::fmod(std::floor(hours + 1e-9), 24.0));
  return buf;
}

}  // namespace

std::size_t display_width(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes, not continuation bytes
  return n;
}

std::string truncate_columns(const std::string& text, std::size_t columns) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (n == columns) return text.substr(0, i);
      ++n;
    }
  }
  return text;
}

std::string count_text(double value, bool compact) {
  char buf[32];
  const double v = std::max(0.0, value);
  if (compact && v >= 99'999.5) {
    const bool mega = v >= 999'500;
    const double x = mega ? v / 1e6 : v / 1e3;
    std::snprintf(buf, sizeof buf, x < 9.995 ? "%.2f%c" : x < 99.95 ? "%.1f%c" : "%.0f%c", x,
                  mega ? 'M' : 'k');
    return buf;
  }
  if (compact && v >= 9'999.5) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string digits = buf, out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string sparkline(const std::vector<double>& values, bool utf8, std::optional<double> scale) {
  static const std::array<const char*, 8> blocks = {"\u2581", "\u2582", "\u2583", "\u2584",
                                                    "\u2585", "\u2586", "\u2587", "\u2588"};
  static const std::string_view ascii = ".:-=+*#@";
  double top = scale.value_or(0.0);
  if (!scale)
    for (double v : values) top = std::max(top, v);
  std::string out;
  for (double v : values) {
    if (!(v > 0) || !(top > 0)) {
      out += ' ';
      continue;
    }
    // Eight levels: (0, top/8] is the lowest, (7 top/8, top] the highest.
    const double level = std::ceil(std::min(v / top, 1.0) * 8.0 - 1e-9);
    const auto k = static_cast<std::size_t>(std::clamp(level, 1.0, 8.0)) - 1;
    if (utf8)
      out += blocks[k];
    else
      out += ascii[k];
  }
  return out;
}

std::string short_clock_text(const sim::Calendar& calendar, sim::Time t) {
  const sim::LocalDateTime l = calendar.local(t);
  return std::string(kWeekdays[static_cast<std::size_t>(l.weekday) % 7]) + " " + two_digits(l.hour) +
         ":" + two_digits(l.minute);
}

std::string clock_text(const LiveSnapshot& s) {
  const sim::LocalDateTime l = s.calendar.local(s.now);
  return std::string(kWeekdays[static_cast<std::size_t>(l.weekday) % 7]) + " " +
         std::to_string(l.year) + "-" + two_digits(l.month) + "-" + two_digits(l.day) + " " +
         two_digits(l.hour) + ":" + two_digits(l.minute) + " " +
         offset_text(s.calendar.utc_offset_min());
}

double faster(double speed) {
  for (double s : kSpeeds)
    if (s > speed * (1 + 1e-9)) return s;
  return speed;
}

double slower(double speed) {
  for (auto it = kSpeeds.rbegin(); it != kSpeeds.rend(); ++it)
    if (*it < speed * (1 - 1e-9)) return *it;
  return speed;
}

std::vector<std::string> changes(const LiveSnapshot& before, const LiveSnapshot& after) {
  std::vector<std::string> out;
  const std::string at = "at " + short_clock_text(after.calendar, after.now) + ": ";
  if (before.sender_host_up && !after.sender_host_up) out.push_back(at + "the sender shut his server down");
  if (!before.sender_host_up && after.sender_host_up) out.push_back(at + "the sender's server came back");
  if (!before.emergency_moderation && after.emergency_moderation)
    out.push_back(at + "the list operator moderated the list");
  if (!before.list_closed && after.list_closed) out.push_back(at + "the list operator closed the list");
  if (!before.explanation_published && after.explanation_published)
    out.push_back(at + "the sender published his explanation");
  return out;
}

std::vector<std::string> render_frame(const LiveSnapshot& s, const ViewState& view) {
  const std::size_t width = view.width;
  std::vector<std::string> lines;
  const double elapsed_h = (s.now - sim::Time{0}).hours();
  const double horizon_h = (s.horizon - sim::Time{0}).hours();

  // Header: what, when, how fast.
  char speed[64];
  std::snprintf(speed, sizeof speed, view.speed_hours_per_s < 1 ? "%.2f h/s" : "%.0f h/s",
                view.speed_hours_per_s);
  std::string pace = std::string("speed ") + speed;
  if (view.reaching) {
    char buf[48];
    std::snprintf(buf, sizeof buf, " (reaching %.1f)", *view.reaching);
    pace += buf;
  }
  const std::string state = view.finished ? "END OF RUN" : view.paused ? "PAUSED" : "";
  lines.push_back("mailstorm live: " + view.scenario_name);
  lines.push_back(clock_text(s) + "   " + hours_text(elapsed_h) + " of " + hours_text(horizon_h) +
                  "   " + pace + (state.empty() ? "" : "   " + state));

  // Sparklines: label, chart, this hour, highest in the window.
  constexpr std::size_t label_w = 12, number_w = 5;
  const std::size_t fixed = label_w + 1 + 1 + number_w + 1 + number_w;
  const std::size_t chart_w = width > fixed + 8 ? width - fixed : 8;
  const models::TimeSeries& h = s.hourly;
  const std::size_t first = h.rows.size() > chart_w ? h.rows.size() - chart_w : 0;
  auto chart = [&](const std::string& label, std::string_view series, double now) {
    const std::vector<double> v = hourly_values(h, series, first);
    double top = 0;
    for (double x : v) top = std::max(top, x);
    top = std::max(top, now);
    return fit(label, label_w) + " " + fit(sparkline(v, view.utf8, top), chart_w) + " " +
           right(count_text(now, true), number_w) + " " + right(count_text(top, true), number_w);
  };
  // Axis: the weekday where each local day begins.
  std::string axis(chart_w, ' ');
  for (std::size_t r = std::max<std::size_t>(first, 1); r < h.rows.size(); ++r) {
    const sim::Time t = sim::Time{0} + h.bin * static_cast<std::int64_t>(r);
    const sim::LocalDateTime a = s.calendar.local(t - h.bin), b = s.calendar.local(t);
    const std::size_t col = r - first;
    if (a.day != b.day && col + 3 <= chart_w)
      axis.replace(col, 3, kWeekdays[static_cast<std::size_t>(b.weekday) % 7]);
  }
  const double this_hour_inbox = h.rows.empty() ? 0 : h.rows.back()[column(h, "sender_inbox")];
  auto last = [&](std::string_view series) {
    const std::vector<double> v = hourly_values(h, series, h.rows.empty() ? 0 : h.rows.size() - 1);
    return v.empty() ? 0.0 : v.back();
  };
  lines.push_back(fit("per hour", label_w) + " " + axis + " " + right("now", number_w) + " " +
                  right("max", number_w));
  lines.push_back(chart("sender inbox", "sender_inbox", this_hour_inbox));
  lines.push_back(chart("list posts", "list_posts_accepted", last("list_posts_accepted")));
  lines.push_back(chart("bounces", "bounced", last("bounced")));
  lines.push_back(chart("all messages", "created", last("created")));
  lines.push_back(chart("complaints", "complaints", last("complaints")));
  lines.push_back(fit("queued", label_w) + " " + fit("(highest in each hour)", chart_w));
  lines.push_back(chart("sender host", "queue_sender_host", s.queue_sender_host));
  lines.push_back(chart("list host", "queue_list_host", s.queue_list_host));
  lines.push_back(chart("list outbox", "queue_list_outbound", s.queue_list_outbound));
  lines.push_back(chart("domain hosts", "queue_domains", s.queue_domains));

  // Running totals and the state of the world.
  const models::Outcomes& o = s.so_far;
  lines.push_back("");
  lines.push_back("messages " + count_text(static_cast<double>(o.messages_total)) + "  list posts " +
                  count_text(static_cast<double>(o.list_posts_accepted)) + " of " +
                  count_text(static_cast<double>(o.list_posts_attempted)) + "  replies " +
                  count_text(static_cast<double>(o.replies_to_sender)) + " to him, " +
                  count_text(static_cast<double>(o.replies_to_list)) + " to list");
  lines.push_back("forwards " + count_text(static_cast<double>(o.forwards)) + "  outsiders " +
                  count_text(static_cast<double>(o.outsiders_reached)) + "  bounces " +
                  count_text(static_cast<double>(o.bounces_total)) + " (" +
                  count_text(static_cast<double>(o.bounces_to_poster)) + " to him)  complaints " +
                  count_text(static_cast<double>(o.complaints)));
  lines.push_back(std::string("sender's server ") + (s.sender_host_up ? "up" : "DOWN") + "   list " +
                  list_state(s) + "   explanation " +
                  (s.explanation_published ? "published" : "not published") + "   his inbox " +
                  count_text(static_cast<double>(o.sender_inbox_total)));

  // The last events, newest last.
  constexpr std::size_t event_lines = 3;
  if (view.events.empty()) {
    lines.push_back("events: none yet; switch a measure on with the keys below");
    lines.push_back("");
    lines.push_back("");
  } else {
    const std::size_t from = view.events.size() > event_lines ? view.events.size() - event_lines : 0;
    for (std::size_t i = 0; i < event_lines; ++i)
      lines.push_back(from + i < view.events.size() ? "events: " + view.events[from + i] : "");
  }
  lines.push_back("keys: space pause/resume  + faster  - slower  q quit");
  lines.push_back("e moderate list  c close list  r restore his server  x publish explanation");

  if (lines.size() > view.height) lines.resize(view.height);
  for (std::string& line : lines) line = truncate_columns(line, width);
  return lines;
}

std::string plain_line(const LiveSnapshot& s) {
  // The last full hour: the current row is the hour just begun.
  const models::TimeSeries& h = s.hourly;
  const std::size_t row = h.rows.size() >= 2 ? h.rows.size() - 2 : 0;
  auto value = [&](std::string_view series) {
    const std::vector<double> v = hourly_values(h, series, row);
    return v.empty() ? 0.0 : v.front();
  };
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s  inbox/h %.0f  posts/h %.0f  bounces/h %.0f  messages/h %.0f  "
                "queues sender %.0f list %.0f outbox %.0f domains %.0f  server %s  list %s%s",
                clock_text(s).c_str(), value("sender_inbox"), value("list_posts_accepted"),
                value("bounced"), value("created"), s.queue_sender_host, s.queue_list_host,
                s.queue_list_outbound, s.queue_domains, s.sender_host_up ? "up" : "down",
                s.list_closed ? "closed" : s.emergency_moderation ? "moderated" : "open",
                s.explanation_published ? "  explained" : "");
  return buf;
}

std::string summary_line(const LiveSnapshot& s, const std::string& scenario_name,
                         const std::vector<std::string>& measures) {
  const models::Outcomes& o = s.so_far;
  std::string out = "mailstorm live: " + scenario_name + " stopped at " + clock_text(s) + " (" +
                    hours_text((s.now - sim::Time{0}).hours()) + " of " +
                    hours_text((s.horizon - sim::Time{0}).hours()) + "): " +
                    count_text(static_cast<double>(o.messages_total)) + " messages, " +
                    count_text(static_cast<double>(o.list_posts_accepted)) + " list posts, " +
                    count_text(static_cast<double>(o.bounces_total)) + " bounces, his inbox " +
                    count_text(static_cast<double>(o.sender_inbox_total));
  std::string taken;
  for (const std::string& m : measures) taken += (taken.empty() ? "" : "; ") + m;
  out += taken.empty() ? "; no measure taken" : "; measures: " + taken;
  return out;
}

}  // namespace mailstorm::cli::live
