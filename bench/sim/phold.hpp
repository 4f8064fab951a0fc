// PHOLD on Engine<Payload>, exactly as /work/shared/peers/README.md defines it; shared by the
// Google Benchmark (bench_phold.cpp) and the standalone driver compared with the peers.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/engine.hpp"
#include "sim/fast_exponential.hpp"
#include "sim/random.hpp"

namespace mailstorm::bench {

// One PHOLD time unit is one second: 1e6 engine ticks (microseconds).
inline constexpr double kTicksPerUnit = 1e6;

struct PholdEvent {
  std::uint32_t lp;
};

class Phold {
 public:
  // N logical processes with E initial events each; draws from one stream keyed by `seed`.
  Phold(std::uint32_t lps, std::uint32_t events_per_lp, sim::QueueKind kind, std::uint64_t seed = 1,
        double lookahead = 0.1, double mean = 1.0)
      : engine_(kind),
        rng_(seed, 0, 0),
        lps_(lps),
        lookahead_ticks_(lookahead * kTicksPerUnit),
        mean_ticks_(mean * kTicksPerUnit),
        count_(lps, 0) {
    engine_.reserve(static_cast<std::size_t>(lps) * events_per_lp + 1);
    for (std::uint32_t lp = 0; lp < lps; ++lp)
      for (std::uint32_t k = 0; k < events_per_lp; ++k) engine_.schedule(sim::Time{0} + delay(), {lp});
  }

  // Handles every event before `end_units` (events at or after it stay pending).
  std::uint64_t run(double end_units) {
    const sim::Time end{static_cast<std::int64_t>(end_units * kTicksPerUnit + 0.5)};
    return engine_.run(end, [this](const PholdEvent& ev) {
      ++count_[ev.lp];
      const auto dest = static_cast<std::uint32_t>(rng_.uniform_int(lps_));
      engine_.schedule_after(delay(), {dest});
    });
  }

  // Order-sensitive digest of the per-LP counts (as the peers print).
  std::uint64_t checksum() const {
    std::uint64_t c = 0;
    for (std::uint64_t n : count_) c = c * 1000003u + n;
    return c;
  }
  const sim::Engine<PholdEvent>& engine() const { return engine_; }

 private:
  // lookahead + Exp(mean), rounded to whole ticks.
  sim::Duration delay() {
    const double ticks = lookahead_ticks_ + mean_ticks_ * sim::fast_exponential(rng_);
    return sim::Duration{static_cast<std::int64_t>(ticks + 0.5)};
  }

  sim::Engine<PholdEvent> engine_;
  sim::RandomStream rng_;
  std::uint32_t lps_;
  double lookahead_ticks_, mean_ticks_;
  std::vector<std::uint64_t> count_;
};

// A T_END that makes a run handle about `target_events` events (P x T_END / 1.1 handled).
inline double phold_end_time(std::uint64_t population, double target_events = 12e6) {
  return target_events * 1.1 / static_cast<double>(population);
}

}  // namespace mailstorm::bench
