// Standalone PHOLD driver printing one RESULT line like the peers in /work/shared/peers, so
// bench/phold_vs_peers.sh compares engines with the same T_END and loop-only timing.
//   usage: phold_main N E T_END [queue=default] [seed=1]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/sim/phold.hpp"

int main(int argc, char** argv) {
  using namespace mailstorm;
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s N E T_END [queue: default|dary_heap|radix_heap|...] [seed]\n", argv[0]);
    return 2;
  }
  const auto lps = static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10));
  const auto per_lp = static_cast<std::uint32_t>(std::strtoul(argv[2], nullptr, 10));
  const double end = std::strtod(argv[3], nullptr);
  const std::string queue = argc > 4 ? argv[4] : "default";
  const std::uint64_t seed = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 1;
  sim::QueueKind kind = sim::Engine<bench::PholdEvent>().queue_kind();
  if (queue != "default") {
    const auto parsed = sim::parse_queue_kind(queue);
    if (!parsed) {
      std::fprintf(stderr, "unknown queue '%s'\n", queue.c_str());
      return 2;
    }
    kind = *parsed;
  }
  if (lps == 0 || per_lp == 0) {
    std::fprintf(stderr, "N and E must be positive\n");
    return 2;
  }

  bench::Phold phold(lps, per_lp, kind, seed);
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t handled = phold.run(end);
  const auto t1 = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(t1 - t0).count();
  std::printf(
      "RESULT engine=mailstorm sched=%s N=%u E=%u T_END=%g events=%llu wall_s=%.4f ev_per_s=%.0f "
      "checksum=%016llx\n",
      sim::to_string(kind), lps, per_lp, end, static_cast<unsigned long long>(handled), wall,
      static_cast<double>(handled) / wall, static_cast<unsigned long long>(phold.checksum()));
  return 0;
}
