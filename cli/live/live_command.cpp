// `mailstorm live`: the main loop. On a terminal it advances the run by the simulated time the
// pace asks for (in slices, so that keys and Ctrl-C are answered within a frame even when the
// storm is heavy), reads keys between frames and redraws ten times a second; otherwise it prints
// one plain line per simulated hour.
#include "cli/live/live_command.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <ostream>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/live/live_view.hpp"
#include "cli/live/terminal.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"

namespace mailstorm::cli::live {
namespace {

using Clock = std::chrono::steady_clock;
namespace scenario = models::scenario;
using models::Intervention;

constexpr double kMaxSpeed = 10'000;  // simulated hours per real second
constexpr auto kFrame = std::chrono::milliseconds(100);
constexpr auto kAdvanceBudget = std::chrono::milliseconds(80);  // of each frame, for the simulation
constexpr sim::Duration kSlice = sim::minutes(5);             // the simulation advances in slices

std::uint64_t whole_number(const std::string& option, std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    throw UsageError(option + " needs a whole number, not '" + std::string(text) + "'");
  return n;
}

// "24", "0.25" or "1/4".
double speed_value(std::string_view text) {
  auto number = [](std::string_view t, double& x) {
    const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), x);
    return !t.empty() && error == std::errc() && end == t.data() + t.size();
  };
  double x = 0, d = 1;
  const auto slash = text.find('/');
  const bool ok = slash == std::string_view::npos
                      ? number(text, x)
                      : number(text.substr(0, slash), x) && number(text.substr(slash + 1), d);
  if (!ok || !(d > 0) || !(x / d > 0) || !(x / d <= kMaxSpeed))
    throw UsageError("--speed needs simulated hours per real second, a number above 0 and at most " +
                     std::to_string(static_cast<int>(kMaxSpeed)) + " (e.g. 24, 0.25 or 1/4), not '" +
                     std::string(text) + "'");
  return x / d;
}

ScheduledMeasure scheduled_measure(std::string_view text) {
  const auto eq = text.find('=');
  const std::string allowed = "emergency_moderation, close_list, restore_sender_host or publish_explanation";
  if (eq == std::string_view::npos)
    throw UsageError("--at needs TIME=MEASURE, e.g. --at 2h=emergency_moderation (MEASURE: " + allowed +
                     "), not '" + std::string(text) + "'");
  ScheduledMeasure m;
  m.text = std::string(text);
  try {
    m.after = scenario::parse_duration(text.substr(0, eq));
  } catch (const std::invalid_argument& e) {
    throw UsageError("--at " + std::string(text) + ": the time after the run's start: " + e.what());
  }
  if (m.after < sim::Duration{0})
    throw UsageError("--at " + std::string(text) + ": the time after the run's start cannot be negative");
  const auto what = parse_measure(text.substr(eq + 1));
  if (!what)
    throw UsageError("--at " + std::string(text) + ": unknown measure '" + std::string(text.substr(eq + 1)) +
                     "' (allowed: " + allowed + ")");
  m.what = *what;
  return m;
}

std::string already_text(Intervention what) {
  switch (what) {
    case Intervention::emergency_moderation: return "emergency moderation already in force";
    case Intervention::close_list: return "the list is closed already";
    case Intervention::restore_sender_host: return "the sender's server is up already";
    case Intervention::publish_explanation: return "the explanation is published already";
  }
  return "";
}

// The run and what the view says about it, shared by both ways of showing it.
struct Session {
  models::StormRun run;
  std::vector<ScheduledMeasure> pending;  // --at measures not yet due, in time order
  std::vector<std::string> events;        // everything that happened, as event lines
  std::vector<std::string> measures;      // the measures switched on (for the closing line)
  models::LiveSnapshot last;

  Session(const scenario::Scenario& s, const models::RunOptions& o, std::vector<ScheduledMeasure> at)
      : run(s, o), pending(std::move(at)), last(run.snapshot()) {}

  // Switches `what` on now; returns the event line.
  std::string act(Intervention what) {
    const std::string at = "at " + short_clock_text(last.calendar, run.now()) + ": ";
    std::string line;
    if (run.now() >= run.horizon()) {
      line = at + "the run is over; " + measure_text(what) + " not switched on";
    } else if (run.intervene(what)) {
      line = at + measure_text(what);
      measures.push_back(line);
    } else {
      line = at + already_text(what);
    }
    events.push_back(line);
    last = run.snapshot();  // so that the change is not reported as the run's own doing
    return line;
  }

  // Advances to `t` (at most the horizon), switching on the --at measures that fall due on the
  // way; returns the new event lines (the run's own changes and the measures).
  std::vector<std::string> advance_to(sim::Time t) {
    std::vector<std::string> fresh;
    t = std::min(t, run.horizon());
    while (true) {
      const bool due = !pending.empty() && sim::Time{0} + pending.front().after <= t;
      const sim::Time step = due ? sim::Time{0} + pending.front().after : t;
      if (step > run.now()) run.advance_to(step);
      const models::LiveSnapshot now = run.snapshot();
      for (std::string& line : changes(last, now)) {
        events.push_back(line);
        fresh.push_back(std::move(line));
      }
      last = now;
      if (!due) break;
      const Intervention what = pending.front().what;
      pending.erase(pending.begin());
      fresh.push_back(act(what));
    }
    return fresh;
  }

  bool finished() const { return run.now() >= run.horizon(); }
};

int plain_lines(Session& session, const LiveArguments& a, const std::string& name, std::ostream& out) {
  out << "mailstorm live: " << name << ", seed " << a.seed << ", replication " << a.replication
      << (a.mode == models::Mode::fast ? ", fast mode" : "") << ", from "
      << clock_text(session.last) << " for " << (session.run.horizon() - sim::Time{0}).hours()
      << "h; one line per simulated hour, with the figures of the hour ending at its clock\n";
  const auto wall0 = Clock::now();
  for (std::int64_t hour = 1;; ++hour) {
    for (const std::string& line : session.advance_to(sim::Time{0} + sim::hours(hour)))
      out << "event " << line << '\n';
    out << plain_line(session.last) << '\n' << std::flush;
    if (session.finished()) break;
    if (a.speed_hours_per_s)
      std::this_thread::sleep_until(wall0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                static_cast<double>(hour) / *a.speed_hours_per_s)));
  }
  session.run.finish();  // closes the books: a ConservationError is a bug, reported as such
  out << summary_line(session.last, name, session.measures) << '\n';
  return kExitOk;
}

int terminal_view(Session& session, const LiveArguments& a, const std::string& name, std::ostream& out) {
  ViewState view;
  view.scenario_name = name;
  view.speed_hours_per_s = a.speed_hours_per_s.value_or(1.0);
  view.utf8 = !a.ascii && utf8_locale();
  int stop_signal = 0;
  {
    Terminal terminal;
    auto next_frame = Clock::now();
    auto last_frame = Clock::now();
    bool dirty = true;
    while (true) {
      if ((stop_signal = Terminal::stop_signal()) != 0) break;
      if (terminal.take_resized()) dirty = true;
      const auto now = Clock::now();
      if (now >= next_frame) {
        // Advance by the simulated time the pace asks for since the last frame (a long pause
        // of the machine does not make the storm jump), in slices within the frame's budget.
        const double real_s = std::min(0.5, std::chrono::duration<double>(now - last_frame).count());
        last_frame = now;
        next_frame = now + kFrame;
        view.reaching.reset();
        if (!view.paused && !session.finished()) {
          const sim::Time start = session.run.now();
          const sim::Time target = start + sim::seconds_f(real_s * view.speed_hours_per_s * 3600.0);
          const auto deadline = now + kAdvanceBudget;
          while (session.run.now() < target && Terminal::stop_signal() == 0) {
            session.advance_to(std::min(target, session.run.now() + kSlice));
            if (Clock::now() >= deadline) break;
          }
          if (session.run.now() < target && !session.finished() && real_s > 0)
            view.reaching = (session.run.now() - start).hours() / real_s;
        }
        view.finished = session.finished();
        dirty = true;
      }
      if (dirty) {
        view.width = terminal.columns();
        view.height = terminal.rows();
        view.events = session.events;
        terminal.draw(render_frame(session.last, view));
        dirty = false;
      }
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_frame - Clock::now());
      bool quit = false;
      for (char key : terminal.read_keys(static_cast<int>(std::max<std::int64_t>(0, wait.count())))) {
        dirty = true;
        switch (key) {
          case ' ': view.paused = !view.paused; break;
          case '+': case '=': view.speed_hours_per_s = faster(view.speed_hours_per_s); break;
          case '-': case '_': view.speed_hours_per_s = slower(view.speed_hours_per_s); break;
          case 'e': case 'E': session.act(Intervention::emergency_moderation); break;
          case 'c': case 'C': session.act(Intervention::close_list); break;
          case 'r': case 'R': session.act(Intervention::restore_sender_host); break;
          case 'x': case 'X': session.act(Intervention::publish_explanation); break;
          case 'q': case 'Q': quit = true; break;
          default: dirty = false; break;
        }
      }
      if (quit) break;
    }
    terminal.restore();
  }
  if (session.finished()) session.run.finish();
  out << summary_line(session.last, name, session.measures) << '\n' << std::flush;
  if (stop_signal == SIGTERM || stop_signal == SIGHUP) {
    // Stopped from outside: after the terminal is restored, end as that signal would have.
    std::signal(stop_signal, SIG_DFL);
    std::raise(stop_signal);
  }
  return kExitOk;
}

}  // namespace

std::optional<Intervention> parse_measure(std::string_view name) {
  if (name == "emergency_moderation") return Intervention::emergency_moderation;
  if (name == "close_list") return Intervention::close_list;
  if (name == "restore_sender_host") return Intervention::restore_sender_host;
  if (name == "publish_explanation") return Intervention::publish_explanation;
  return std::nullopt;
}

std::string measure_text(Intervention what) {
  switch (what) {
    case Intervention::emergency_moderation: return "emergency moderation";
    case Intervention::close_list: return "list closed";
    case Intervention::restore_sender_host: return "sender's server restored";
    case Intervention::publish_explanation: return "explanation published";
  }
  return "";
}

LiveArguments parse_live_arguments(const std::vector<std::string>& words) {
  LiveArguments a;
  bool have_scenario = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    std::string option = words[i], value;
    bool has_value = false;
    if (option.starts_with("--")) {
      if (const auto eq = option.find('='); eq != std::string::npos) {
        value = option.substr(eq + 1);
        option = option.substr(0, eq);
        has_value = true;
      }
    }
    const bool takes_value = option == "--seed" || option == "--replication" || option == "--set" ||
                             option == "--speed" || option == "--at" || option == "--mode";
    if (takes_value && !has_value) {
      if (i + 1 >= words.size()) throw UsageError(option + " needs a value");
      value = words[++i];
    } else if (!takes_value && has_value) {
      throw UsageError(option + " takes no value");
    }
    if (option == "--help" || option == "-h") {
      a.help = true;
    } else if (option == "--seed") {
      a.seed = whole_number(option, value);
    } else if (option == "--replication") {
      a.replication = whole_number(option, value);
    } else if (option == "--mode") {
      const auto mode = models::parse_mode(value);
      if (!mode) throw UsageError("--mode must be reference or fast, not '" + value + "'");
      a.mode = *mode;
    } else if (option == "--set") {
      if (value.find('=') == std::string::npos)
        throw UsageError("--set needs key=value, not '" + value + "'");
      a.overrides.push_back(value);
    } else if (option == "--speed") {
      a.speed_hours_per_s = speed_value(value);
    } else if (option == "--at") {
      a.at.push_back(scheduled_measure(value));
    } else if (option == "--ascii") {
      a.ascii = true;
    } else if (option == "--plain") {
      a.plain = true;
    } else if (option.starts_with("-")) {
      throw UsageError("unknown option '" + option + "' for live");
    } else if (have_scenario) {
      throw UsageError("live takes one scenario, got '" + a.scenario + "' and '" + option + "'");
    } else {
      a.scenario = option;
      have_scenario = true;
    }
  }
  std::stable_sort(a.at.begin(), a.at.end(),
                   [](const ScheduledMeasure& x, const ScheduledMeasure& y) { return x.after < y.after; });
  if (!a.help && !have_scenario)
    throw UsageError("which scenario? e.g. mailstorm live scenarios/bestboy-2000.toml");
  return a;
}

std::string live_usage_text() {
  return "  mailstorm live SCENARIO [--seed N] [--replication R] [--set key=value]...\n"
         "                 [--mode reference|fast] [--speed HOURS_PER_SECOND] [--at TIME=MEASURE]...\n"
         "                 [--ascii] [--plain]\n"
         "            play the storm on the terminal (default 1 simulated hour per second);\n"
         "            keys: space pause, + faster, - slower, e emergency moderation, c close the\n"
         "            list, r restore the sender's server, x publish his explanation, q quit.\n"
         "            --at 2h=emergency_moderation switches a measure on 2 h after the start\n"
         "            (close_list, restore_sender_host, publish_explanation likewise). Not on a\n"
         "            terminal (or --plain): one line per simulated hour, as fast as possible\n"
         "            unless --speed is given. --ascii: charts without Unicode blocks. --mode fast:\n"
         "            exact aggregation, as for run (a list of a million members plays live).\n";
}

int live_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  LiveArguments a;
  try {
    a = parse_live_arguments(words);
  } catch (const UsageError& e) {
    err << "mailstorm live: " << e.what() << "\n\nusage:\n" << live_usage_text();
    return kExitUsage;
  }
  if (a.help) {
    out << "usage:\n" << live_usage_text();
    return kExitOk;
  }
  try {
    const scenario::Scenario s = scenario::load_scenario(a.scenario, models::settings_registry(), a.overrides);
    if (const auto available = available_memory_bytes()) {
      if (const auto refusal = models::refuse_if_too_large(s, *available, a.mode)) {
        err << "error: " << a.scenario << ": scenario too large for this machine: " << *refusal << '\n';
        return kExitUsage;
      }
    }
    // A measure set for after the end would be silently lost.
    const sim::Duration horizon = s.duration("run.horizon");
    for (const ScheduledMeasure& m : a.at) {
      if (m.after >= horizon) {
        err << "mailstorm live: --at " << m.text << ": the run ends " << horizon.hours()
            << "h after its start (run.horizon); choose an earlier time\n";
        return kExitUsage;
      }
    }
    models::RunOptions options;
    options.seed = a.seed;
    options.replication = a.replication;
    options.mode = a.mode;
    Session session(s, options, a.at);
    if (a.plain || !interactive_terminal()) return plain_lines(session, a, s.name(), out);
    return terminal_view(session, a, s.name(), out);
  } catch (...) {
    return exit_status_of_current_exception(err);
  }
}

}  // namespace mailstorm::cli::live
