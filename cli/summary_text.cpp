// The human summary of one run. Figures are printed as counts, local times with weekday (the day
// and hour are what an operator remembers), and hours since the first mail.
#include "cli/summary_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "models/output/results_writer.hpp"

namespace mailstorm::cli {
namespace {

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return with_thousands(n) + " " + std::string(n == 1 ? one : many);
}

// "  label            text\n" with the labels in one column.
void line(std::string& out, std::string_view label, const std::string& text) {
  out += "  ";
  out += label;
  if (label.size() < 18) out.append(18 - label.size(), ' ');
  out += text;
  out += '\n';
}

// Hours from the first mail to t, which the outcomes count from the start. An hour's peak is
// given from the start of its hour, which may begin before a first mail sent on the half hour.
std::string hours_after_first_mail(double t_s, sim::Duration first_mail_after) {
  return fixed(std::max(0.0, t_s - first_mail_after.seconds()) / 3600.0, 1) + " h after the first mail";
}

}  // namespace

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string bytes_text(std::uint64_t bytes) {
  static constexpr const char* units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  double x = static_cast<double>(bytes) / 1000.0;
  std::size_t u = 0;
  while (x >= 1000.0 && u + 1 < std::size(units)) {
    x /= 1000.0;
    ++u;
  }
  return fixed(x, x < 10 ? 2 : 1) + " " + units[u];
}

std::string local_time_text(const sim::Calendar& calendar, sim::Time t) {
  if (t == sim::Time::never()) return "never";
  const sim::LocalDateTime l = calendar.local(t);
  const int offset = calendar.utc_offset_min();
  const int magnitude = offset < 0 ? -offset : offset;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s %04d-%02d-%02d %02d:%02d (%c%02d:%02d)",
                sim::weekday_name(l.weekday), l.year, l.month, l.day, l.hour, l.minute,
                offset < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
  return buf;
}

std::string summary_text(const models::scenario::Scenario& scenario,
                         const models::RunOptions& options, const models::RunResult& result) {
  const models::Outcomes& o = result.outcomes;
  const sim::Calendar& cal = result.calendar;
  std::string out;
  out += "mailstorm " + std::string(models::mailstorm_version()) + ": scenario " + scenario.name() +
         " (seed " + std::to_string(options.seed) + ", replication " +
         std::to_string(options.replication) + ")\n";
  out += "  starts " + local_time_text(cal, sim::Time::zero()) + ", " +
         plural(result.members, "member", "members") + ", horizon " +
         fixed(result.horizon.seconds() / 86400.0, 1) + " days\n";
  const sim::Duration first_after = scenario.duration("first_mail.sent_after");
  const bool mail_sent = sim::Time::zero() + first_after < result.horizon;
  if (!mail_sent)
    out += "  the first mail is due " + fixed(first_after.seconds() / 86400.0, 1) +
           " days after the start, not before the horizon: no mail is sent\n";
  else if (first_after.us > 0)
    out += "  the first mail leaves " + local_time_text(cal, sim::Time::zero() + first_after) + "\n";

  out += "What happened\n";
  line(out, "messages", with_thousands(o.messages_total) + " created");
  line(out, "list posts",
       with_thousands(o.list_posts_accepted) + " accepted of " +
           with_thousands(o.list_posts_attempted) + " attempted (" +
           with_thousands(o.list_posts_held) + " held, " + with_thousands(o.list_posts_rejected) +
           " rejected, " + with_thousands(o.list_posts_discarded) + " discarded)");
  line(out, "list copies", with_thousands(o.list_copies_delivered) + " delivered");
  line(out, "replies",
       with_thousands(o.replies_to_sender) + " to the sender, " +
           with_thousands(o.replies_to_list) + " to the list");
  line(out, "chain forwards",
       with_thousands(o.forwards) + ", reaching " +
           plural(o.outsiders_reached, "outsider", "outsiders"));
  line(out, "bounces",
       with_thousands(o.bounces_total) + ", " + with_thousands(o.bounces_to_poster) +
           " of them to the poster, " + with_thousands(o.bounces_to_owner) + " to the owner");
  line(out, "auto-replies",
       with_thousands(o.autoreplies) + " sent, " + with_thousands(o.autoreplies_suppressed) +
           " suppressed (RFC 3834)");
  line(out, "complaints",
       with_thousands(o.complaints) + " outside email, " +
           plural(o.police_reports, "police report", "police reports"));

  out += "When it peaked\n";
  std::string inbox = with_thousands(o.sender_inbox_peak_per_hour) + " per hour";
  if (o.sender_inbox_peak_at != sim::Time::never())
    inbox += ", " + local_time_text(cal, o.sender_inbox_peak_at) + ", " +
             hours_after_first_mail(o.sender_inbox_peak_at.seconds(), first_after);
  line(out, "sender's inbox", inbox);
  line(out, "uproar peak", local_time_text(cal, o.uproar_peak_at));
  if (o.sender_host_down_at != sim::Time::never())
    line(out, "sender host down", local_time_text(cal, o.sender_host_down_at));
  line(out, "operator acted", local_time_text(cal, o.operator_acted_at));

  out += "What it cost\n";
  line(out, "bytes moved", bytes_text(o.bytes_total));
  line(out, "time to quiet",
       mail_sent ? hours_after_first_mail(o.time_to_quiet_s, first_after) : "no mail was sent");
  line(out, "cascade",
       plural(o.cascade_messages, "message", "messages") + ", " +
           plural(o.cascade_depth_max, "generation", "generations") + " deep");

  const models::Ledger& l = result.ledger;
  out += "Books      ";
  out += l.balanced() ? "balanced: " : "NOT BALANCED: ";
  out += with_thousands(l.created) + " created = " + with_thousands(l.delivered) + " delivered + " +
         with_thousands(l.bounced) + " bounced + " + with_thousands(l.dropped) + " dropped + " +
         with_thousands(l.held) + " held + " + with_thousands(l.queued) + " queued\n";
  const double rate =
      result.wall_s > 0 ? static_cast<double>(result.events_handled) / result.wall_s : 0.0;
  out += "Engine     " + with_thousands(result.events_handled) + " events in " +
         fixed(result.wall_s, 2) + " s wall time (" +
         with_thousands(static_cast<std::uint64_t>(std::llround(rate))) + " events/s, queue " +
         sim::to_string(options.queue) + ")\n";
  return out;
}

}  // namespace mailstorm::cli
