// `mailstorm`: the command line. The logic lives in commands.cpp so that tests can call it.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "sim/large_pages.hpp"

int main(int argc, char** argv) {
  // Page faults are dear on this platform's virtual machines: the heap keeps freed memory for
  // the next run of a sweep, and faults in 2 MiB at a time (sim/large_pages.hpp; bench/README.md
  // has the figures: a fast bestboy run 2,551 faults before, 537 after, in 0.69 times the time).
  mailstorm::sim::configure_heap_for_runs();
  const std::vector<std::string> words(argv + 1, argv + argc);
  return mailstorm::cli::run_command_line(words, std::cout, std::cerr);
}
