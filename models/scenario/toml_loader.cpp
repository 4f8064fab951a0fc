// Reading scenario files: the one translation unit that includes TOML++.
//
// Build mode, chosen deliberately (docs: /work/shared/design/pitfalls.md): Debian 12's shared
// libtomlplusplus.so is built with assertions on and aborts on inputs such as "[&" or "[[[1]]]".
// So TOML++ is compiled here header-only, with exceptions on and its assertions compiled out in
// every build type. NDEBUG is switched off while TOML++ is included because with NDEBUG set,
// TOML++ turns its assertions into __builtin_assume under clang, which is undefined behaviour on
// exactly those inputs; without NDEBUG its assertions go through TOML_ASSERT, defined here as a
// no-op. The parser then reports the real syntax error as toml::parse_error. Nothing else in the
// program may include TOML++ (no other TU sees these macros); the library does not link the
// shared libtomlplusplus.so at all.
#ifdef NDEBUG
#define MAILSTORM_TOML_HAD_NDEBUG 1
#undef NDEBUG
#endif
#undef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 1
#undef TOML_SHARED_LIB
#define TOML_SHARED_LIB 0
#undef TOML_EXCEPTIONS
#define TOML_EXCEPTIONS 1
#undef TOML_ENABLE_FORMATTERS
#define TOML_ENABLE_FORMATTERS 1
#undef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>
#ifdef MAILSTORM_TOML_HAD_NDEBUG
#define NDEBUG 1
#undef MAILSTORM_TOML_HAD_NDEBUG
#endif

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "models/scenario/detail.hpp"
#include "models/scenario/scenario.hpp"

// In exception mode toml::parse returns the table itself (else a parse_result wrapper).
static_assert(std::is_same_v<decltype(toml::parse(std::string_view{})), toml::table>,
              "TOML++ must be compiled with exceptions");

namespace mailstorm::models::scenario {
namespace fs = std::filesystem;

namespace {

struct Position {
  int line = 0, column = 0;
};

Position position_of(const toml::source_region& r) {
  return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

Position first_known(Position a, Position b) { return a.line > 0 ? a : b; }

std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: {
      const std::string& s = node.as_string()->get();
      if (s.size() <= 40) return "the string \"" + s + "\"";
      return "a string";
    }
    case toml::node_type::integer: return "the integer " + std::to_string(**node.as_integer());
    case toml::node_type::floating_point:
      return "the number " + detail::format_real(**node.as_floating_point());
    case toml::node_type::boolean: return **node.as_boolean() ? "true" : "false";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "an empty value";
}

// Reads a whole regular file of at most max_file_bytes. Throws ScenarioError naming `who`
// (the file and line that asked for it) or the file itself.
std::string read_file(const fs::path& path, const std::string& display, const std::string& who_file,
                      Position who, const std::string& who_key) {
  auto fail = [&](const std::string& why) -> ScenarioError {
    if (who_file.empty()) return ScenarioError(display, 0, 0, "", why);
    return ScenarioError(who_file, who.line, who.column, who_key,
                         "cannot read '" + display + "': " + why);
  };
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw fail("no such file");
  if (!fs::is_regular_file(st)) throw fail("not a regular file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw fail(ec.message());
  if (size > detail::max_file_bytes)
    throw ScenarioError(display, 0, 0, "",
                        "file is " + std::to_string(size) +
                            " bytes; scenario files are limited to 1 MiB (1048576 bytes)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail("cannot open the file");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw fail("read error");
  return text;
}

std::string identity_of(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  if (ec) c = p.lexically_normal();
  return c.string();
}

class Loader {
 public:
  explicit Loader(const Registry& registry)
      : registry_(registry), scenario_(default_scenario(registry)) {
    for (const SettingSpec& s : registry.all())
      max_components_ = std::max(max_components_, 1 + std::count(s.name.begin(), s.name.end(), '.'));
  }

  void load_text(std::string_view text, const std::string& display, const fs::path& base_dir,
                 const std::string& identity, int depth);

  Scenario finish(const std::vector<std::string>& overrides) {
    auto serialise = [](const toml::table& t) -> std::string {
      if (t.empty()) return {};
      std::ostringstream out;
      out << toml::toml_formatter{t} << "\n";
      return out.str();
    };
    detail::ScenarioBuilder::set_meta(scenario_, name_, description_, files_, serialise(sweep_),
                                      serialise(expect_));
    detail::ScenarioBuilder::apply_overrides(scenario_, overrides);
    return std::move(scenario_);
  }

 private:
  struct Item {
    Position key_pos;  // where the key is written (values are reported there too)
    std::string name;
    const toml::node* node;
    const SettingSpec* spec;  // null: unknown
  };

  bool is_group(std::string_view name) const {
    for (const SettingSpec& s : registry_.all())
      if (s.name.size() > name.size() && s.name.compare(0, name.size(), name) == 0 &&
          s.name[name.size()] == '.')
        return true;
    return false;
  }

  void collect(const toml::table& table, const std::string& prefix, std::ptrdiff_t components,
               std::vector<Item>& items) const;
  Value convert(const SettingSpec& spec, const toml::node& node, const fs::path& base_dir) const;

  const Registry& registry_;
  Scenario scenario_;
  std::ptrdiff_t max_components_ = 1;
  std::string name_, description_;
  std::vector<std::string> files_;
  std::vector<std::string> stack_identity_, stack_display_;
  toml::table sweep_, expect_;
};

void Loader::collect(const toml::table& table, const std::string& prefix,
                     std::ptrdiff_t components, std::vector<Item>& items) const {
  for (auto&& [key, node] : table) {
    const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    const Position key_pos = first_known(position_of(key.source()), position_of(node.source()));
    const SettingSpec* spec = registry_.find(name);
    // Descend into tables that may hold settings, and into unknown ones up to the registry's
    // depth (so a misspelt table still gets per-key suggestions, but a 10 000-level dotted key
    // cannot recurse deeply).
    if (spec == nullptr && node.is_table() && components < max_components_ &&
        (is_group(name) || !node.as_table()->empty())) {
      const auto before = items.size();
      collect(*node.as_table(), name, components + 1, items);
      if (items.size() > before || is_group(name)) continue;
    }
    items.push_back(Item{key_pos, name, &node, spec});
  }
}

Value Loader::convert(const SettingSpec& spec, const toml::node& node,
                      const fs::path& base_dir) const {
  auto wrong = [&]() {
    return detail::ValueProblem("expected " + detail::expected_phrase(spec) + ", got " +
                                describe(node));
  };
  switch (spec.type) {
    case SettingType::boolean:
      if (const auto* b = node.as_boolean()) return detail::checked(spec, b->get());
      throw wrong();
    case SettingType::integer:
      if (const auto* i = node.as_integer()) return detail::checked(spec, i->get());
      throw wrong();
    case SettingType::real:
    case SettingType::probability:
      if (const auto* i = node.as_integer()) return detail::checked(spec, i->get());
      if (const auto* d = node.as_floating_point()) return detail::checked(spec, d->get());
      throw wrong();
    case SettingType::duration:
    case SettingType::rate: {
      if (node.is_number()) {
        std::ostringstream number;
        if (const auto* i = node.as_integer())
          number << i->get();
        else
          number << detail::format_real(node.as_floating_point()->get());
        const bool duration = spec.type == SettingType::duration;
        throw detail::ValueProblem(
            "a bare number (" + number.str() + ") is refused: " +
            (duration ? "a duration needs units, write it as a string, e.g. \"" + number.str() +
                            "s\" or \"" + number.str() + "min\" (units: us, ms, s, min, h, d, w)"
                      : "a rate needs a time unit, write it as a string, e.g. \"" +
                            number.str() + "/s\" or \"" + number.str() +
                            "/h\" (units: /s, /min, /h, /d, /w)"));
      }
      const auto* s = node.as_string();
      if (s == nullptr) throw wrong();
      try {
        if (spec.type == SettingType::duration)
          return detail::checked(spec, parse_duration(s->get()));
        return detail::checked(spec, parse_rate(s->get()));
      } catch (const std::invalid_argument& e) {
        throw detail::ValueProblem(e.what());
      }
    }
    case SettingType::datetime: {
      if (const auto* s = node.as_string()) return detail::checked(spec, s->get());
      if (const auto* dt = node.as_date_time()) {
        // An unquoted TOML date-time: keep its text (checked for the UTC offset there).
        std::ostringstream text;
        text << *dt;
        return detail::checked(spec, text.str());
      }
      throw wrong();
    }
    case SettingType::choice:
    case SettingType::text:
      if (const auto* s = node.as_string()) return detail::checked(spec, s->get());
      throw wrong();
    case SettingType::path: {
      const auto* s = node.as_string();
      if (s == nullptr) throw wrong();
      fs::path p(s->get());
      if (!s->get().empty() && p.is_relative() && !base_dir.empty())
        p = (base_dir / p).lexically_normal();
      return detail::checked(spec, p.generic_string());
    }
  }
  throw wrong();
}

void Loader::load_text(std::string_view text, const std::string& display, const fs::path& base_dir,
                       const std::string& identity, int depth) {
  if (text.size() > detail::max_file_bytes)
    throw ScenarioError(display, 0, 0, "",
                        "file is " + std::to_string(text.size()) +
                            " bytes; scenario files are limited to 1 MiB (1048576 bytes)");
  toml::table root;
  try {
    root = toml::parse(text, display);
  } catch (const toml::parse_error& e) {
    const Position p = position_of(e.source());
    throw ScenarioError(display, p.line, p.column, "",
                        "TOML syntax error: " + std::string(e.description()));
  }
  files_.push_back(display);
  stack_identity_.push_back(identity);
  stack_display_.push_back(display);

  auto error_at = [&](Position p, const std::string& key, const std::string& message) {
    return ScenarioError(display, p.line, p.column, key, message);
  };

  // The base file first: this file's values override it.
  if (const toml::node* ext = root.get("extends")) {
    const Position pos = position_of(ext->source());
    const auto* target_text = ext->as_string();
    if (target_text == nullptr || target_text->get().empty())
      throw error_at(pos, "extends",
                     "expected the base file name as a string, e.g. extends = \"base.toml\", got " +
                         describe(*ext));
    const fs::path target = (base_dir / fs::path(target_text->get())).lexically_normal();
    const std::string target_display = target.string();
    const std::string target_identity = identity_of(target);
    const auto seen =
        std::find(stack_identity_.begin(), stack_identity_.end(), target_identity);
    if (seen != stack_identity_.end()) {
      std::string cycle;
      for (auto i = static_cast<std::size_t>(seen - stack_identity_.begin());
           i < stack_display_.size(); ++i)
        cycle += stack_display_[i] + " -> ";
      throw error_at(pos, "extends", "extends cycle: " + cycle + target_display);
    }
    if (depth + 1 > detail::max_extends_depth)
      throw error_at(pos, "extends",
                     "extends chain deeper than " + std::to_string(detail::max_extends_depth) +
                         " files");
    const std::string base_text = read_file(target, target_display, display, pos, "extends");
    load_text(base_text, target_display, target.parent_path(), target_identity, depth + 1);
  }

  if (const toml::node* n = root.get("name")) {
    const auto* s = n->as_string();
    if (s == nullptr)
      throw error_at(position_of(n->source()), "name",
                     "expected the scenario's name as a string, got " + describe(*n));
    if (depth == 0) name_ = s->get();
  } else if (depth == 0) {
    name_ = fs::path(display).stem().string();
  }
  if (const toml::node* n = root.get("description")) {
    const auto* s = n->as_string();
    if (s == nullptr)
      throw error_at(position_of(n->source()), "description",
                     "expected a description as a string, got " + describe(*n));
    description_ = s->get();
  }
  for (const auto& [reserved, into] :
       {std::pair<const char*, toml::table*>{"sweep", &sweep_}, {"expect", &expect_}}) {
    const toml::node* n = root.get(reserved);
    if (n == nullptr) continue;
    const auto* t = n->as_table();
    if (t == nullptr)
      throw error_at(position_of(n->source()), reserved,
                     std::string("expected a table [") + reserved + "], got " + describe(*n));
    for (auto&& [k, v] : *t) into->insert_or_assign(k, v);  // this file's keys win
  }

  toml::table settings = root;
  for (const char* reserved : {"extends", "name", "description", "sweep", "expect"})
    settings.erase(reserved);
  std::vector<Item> items;
  collect(settings, "", 1, items);
  // Report problems in file order, not key order.
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.key_pos.line, a.key_pos.column) < std::tie(b.key_pos.line, b.key_pos.column);
  });
  for (const Item& item : items) {
    if (item.spec == nullptr) {
      std::string message;
      if (is_group(item.name))
        message = "'" + item.name + "' is a table of settings, not " + describe(*item.node);
      else if (item.node->is_table())
        message = "unknown table (no setting is named '" + item.name + ".*')" +
                  detail::did_you_mean(registry_.suggest(item.name));
      else
        message = "unknown setting" + detail::did_you_mean(registry_.suggest(item.name));
      throw error_at(item.key_pos, item.name, message);
    }
    try {
      detail::ScenarioBuilder::set(scenario_, item.name, convert(*item.spec, *item.node, base_dir),
                                   Origin{display, item.key_pos.line, item.key_pos.column, "file"});
    } catch (const detail::ValueProblem& e) {
      throw error_at(item.key_pos, item.name, e.what());
    }
  }
  stack_identity_.pop_back();
  stack_display_.pop_back();
}

}  // namespace

Scenario load_scenario(const fs::path& path, const Registry& registry,
                       const std::vector<std::string>& overrides) {
  const std::string display = path.string();
  const std::string text = read_file(path, display, "", {}, "");
  Loader loader(registry);
  loader.load_text(text, display, path.parent_path(), identity_of(path), 0);
  return loader.finish(overrides);
}

Scenario load_scenario_text(std::string_view toml_text, std::string_view display_name,
                            const fs::path& base_dir, const Registry& registry,
                            const std::vector<std::string>& overrides) {
  const std::string display(display_name);
  Loader loader(registry);
  loader.load_text(toml_text, display, base_dir, identity_of(base_dir / fs::path(display)), 0);
  return loader.finish(overrides);
}

namespace detail {

std::string wrap_table_toml(std::string_view table_name, std::string_view content_toml) {
  toml::table root;
  try {
    root.insert_or_assign(table_name, toml::parse(content_toml));
  } catch (const toml::parse_error& e) {
    throw std::logic_error("reserved table [" + std::string(table_name) +
                           "] holds invalid TOML: " + std::string(e.description()));
  }
  std::ostringstream out;
  out << toml::toml_formatter{root} << "\n";
  return out.str();
}

}  // namespace detail
}  // namespace mailstorm::models::scenario
