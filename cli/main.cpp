// `mailstorm`: the command line. The logic lives in commands.cpp so that tests can call it.
#include <malloc.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  // A run allocates a few large arrays (members, messages, the event queue) and frees them at
  // its end. By default glibc maps every block above 128 KiB afresh and unmaps it on free, so
  // each run of a sweep faults all its memory in again: on this platform's virtual machines a
  // third of a bestboy run went to page faults. Blocks up to 32 MiB now come from the heap, and
  // freed memory up to 512 MiB is kept for the next run (bench/README.md has the figures).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  const std::vector<std::string> words(argv + 1, argv + argc);
  return mailstorm::cli::run_command_line(words, std::cout, std::cerr);
}
