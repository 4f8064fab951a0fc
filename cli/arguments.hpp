// The command line's grammar: which command, which scenario, which options.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/event_queue.hpp"

namespace mailstorm::cli {

enum class Command { help, version, run, validate, params };

struct Arguments {
  Command command = Command::help;
  std::string scenario;  // run, validate
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
  std::vector<std::string> overrides;  // --set key=value, in order
  std::optional<std::string> out_dir;  // --out
  sim::QueueKind queue = sim::QueueKind::radix_heap;
  std::string mode = "reference";  // --mode reference|fast (models::parse_mode checks it)
  bool cascade = false;
  bool quiet = false;
  bool markdown = false;  // params --markdown
};

// A mistake on the command line; what() says what was wrong (usage is printed beside it).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses argv[1..]. Options take their value as the next word or after '=' (--seed=7).
// Throws UsageError.
Arguments parse_arguments(const std::vector<std::string>& words);

// The usage text printed by --help and after a usage error.
std::string usage_text();

}  // namespace mailstorm::cli
