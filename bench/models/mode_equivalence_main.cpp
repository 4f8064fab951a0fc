// Fast mode against reference mode on one scenario, over many seeds (issue 7's equivalence
// figures):
//   mailstorm_mode_equivalence SCENARIO [SEEDS] [THREADS] [--set key=value]... [--record FILE]
//                              [--report-from-record]
// Prints, per main outcome, both means, the two-sample Kolmogorov-Smirnov D and p-value, and
// exits 1 when the modes differ (family-wise level 0.01, Bonferroni over the outcomes).
// --record FILE keeps every seed's outcomes (CSV) and resumes from them: a Bedlam comparison
// takes hours. A seed recorded in reference mode only runs fast mode only: after a change to
// fast mode alone, `grep -v ',fast,' OLD.csv > NEW.csv` and --record NEW.csv re-check it at half
// the cost. --report-from-record runs nothing and tests the seeds the file holds.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "models/analysis/mode_equivalence.hpp"
#include "models/scenario/settings.hpp"

int main(int argc, char** argv) {
  using namespace mailstorm;
  std::vector<std::string> positional, sets;
  std::string record;
  bool report_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--set" && i + 1 < argc) {
      sets.emplace_back(argv[++i]);
    } else if (a == "--record" && i + 1 < argc) {
      record = argv[++i];
    } else if (a == "--report-from-record") {
      report_only = true;
    } else if (a.rfind("--", 0) == 0) {
      std::cerr << "error: unknown option " << a << "\n";
      return 2;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.empty()) {
    std::cerr << "usage: mailstorm_mode_equivalence SCENARIO [SEEDS=200] [THREADS=2] [--set key=value]... "
                 "[--record FILE] [--report-from-record]\n";
    return 2;
  }
  try {
    const auto s = models::scenario::load_scenario(positional[0], models::settings_registry(), sets);
    const int seeds = positional.size() > 1 ? std::stoi(positional[1]) : 200;
    const int threads = positional.size() > 2 ? std::stoi(positional[2]) : 2;
    const models::ModeEquivalence e = models::compare_modes(s, seeds, threads, 0.01, record, report_only);
    std::cout << "scenario " << s.name() << " (" << positional[0] << ")\n" << e.table();
    return e.equivalent() ? 0 : 1;
  } catch (const std::exception& ex) {
    std::cerr << "error: " << ex.what() << '\n';
    return 2;
  }
}
