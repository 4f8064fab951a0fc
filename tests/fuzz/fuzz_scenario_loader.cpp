// libFuzzer target: the scenario loader must turn any bytes into a Scenario or a ScenarioError,
// never crash, hang or throw anything else. Lines starting "#set " (TOML comments) are also fed
// in as --set overrides, and every loaded scenario must survive a to_toml round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/reserved_table.hpp"
#include "models/scenario/scenario.hpp"
#include "scenario_test_registry.hpp"

namespace scn = mailstorm::models::scenario;

namespace {

// A directory that does not exist, so relative `extends` and paths reach no real file.
constexpr const char* base_dir = "/nonexistent-mailstorm-fuzz";

std::vector<std::string> overrides_in(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size() && out.size() < 8) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line.substr(0, 5) == "#set ") out.emplace_back(line.substr(5));
    pos = end + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const scn::Registry registry = scn::testing::test_registry();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> overrides = overrides_in(text);
  std::string exported;
  try {
    const scn::Scenario s = scn::load_scenario_text(text, "fuzz.toml", base_dir, registry, overrides);
    exported = s.to_toml();
    (void)s.to_json();
    // The experiment tools read [sweep] and [expect] back as plain values.
    (void)scn::reserved_table(s, "sweep");
    (void)scn::reserved_table(s, "expect");
  } catch (const scn::ScenarioError&) {
    return 0;
  }
  // What to_toml writes must load back to the same text.
  try {
    const scn::Scenario back = scn::load_scenario_text(exported, "fuzz.toml", base_dir, registry);
    if (back.to_toml() != exported) {
      std::fprintf(stderr, "to_toml round trip changed the scenario:\n%s\n---\n%s\n",
                   exported.c_str(), back.to_toml().c_str());
      std::abort();
    }
  } catch (const scn::ScenarioError& e) {
    std::fprintf(stderr, "to_toml output does not load: %s\n%s\n", e.what(), exported.c_str());
    std::abort();
  }
  return 0;
}
