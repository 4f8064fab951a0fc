// `mailstorm`: the command line. The logic lives in commands.cpp so that tests can call it.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  return mailstorm::cli::run_command_line(words, std::cout, std::cerr);
}
