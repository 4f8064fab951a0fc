// The catalogue of safeguards (scenarios/safeguards/*.toml, issue 4) must not rot: every file
// loads with the real settings registry, extends one of the two base scenarios directly, is
// named after it, has a scenario name of its own (compare keys its runs by name), and changes at
// least one resolved setting of its base (else it is a no-op that `compare` would report as "no
// effect" for the wrong reason).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"

namespace fs = std::filesystem;
using mailstorm::models::settings_registry;
using mailstorm::models::scenario::load_scenario;
using mailstorm::models::scenario::Scenario;

namespace {

const fs::path kSource = MAILSTORM_SOURCE_DIR;

std::vector<fs::path> catalogue() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kSource / "scenarios" / "safeguards"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Names of the settings whose resolved values differ between two scenarios.
std::vector<std::string> differences(const Scenario& a, const Scenario& b) {
  std::vector<std::string> names;
  for (const auto& spec : a.registry().all())
    if (!(a.value(spec.name) == b.value(spec.name))) names.push_back(spec.name);
  return names;
}

}  // namespace

TEST_CASE("every safeguard file extends its base and changes a resolved setting", "[catalogue]") {
  const auto& registry = settings_registry();
  const std::vector<std::pair<std::string, fs::path>> bases = {
      {"bestboy-", kSource / "scenarios" / "bestboy-2000.toml"},
      {"bedlam-", kSource / "scenarios" / "bedlam-dl3-1997.toml"}};
  const auto files = catalogue();
  REQUIRE(files.size() >= 20);
  std::set<std::string> names;
  for (const auto& path : files) {
    INFO(path.string());
    const std::string stem = path.filename().string();
    const auto base = std::find_if(bases.begin(), bases.end(),
                                   [&](const auto& b) { return stem.rfind(b.first, 0) == 0; });
    REQUIRE(base != bases.end());
    const Scenario variant = load_scenario(path, registry);  // throws (fails) if it does not validate
    REQUIRE(variant.files().size() == 2);                    // itself, then its base: nothing between
    CHECK(fs::weakly_canonical(variant.files()[1]) == fs::weakly_canonical(base->second));
    const Scenario original = load_scenario(base->second, registry);
    CHECK(variant.name() != original.name());
    CHECK(names.insert(variant.name()).second);  // unique across the catalogue
    const auto changed = differences(variant, original);
    CAPTURE(changed.size());
    CHECK_FALSE(changed.empty());
  }
}

TEST_CASE("the no-op check sees a file that only repeats its base", "[catalogue]") {
  // The check above is only worth something if a repeated base value is no difference and a
  // real change is one.
  const auto& registry = settings_registry();
  const Scenario original = load_scenario(kSource / "scenarios" / "bestboy-2000.toml", registry);
  Scenario same = original;
  same.set_from_string("list.headers", "false");  // already false in bestboy-2000
  CHECK(differences(same, original).empty());
  same.set_from_string("list.headers", "true");
  CHECK(differences(same, original) == std::vector<std::string>{"list.headers"});
}
