// `mailstorm report RUN_OR_SWEEP_DIR [-o FILE]`: one self-contained HTML page of a result folder.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mailstorm::cli {

// words[0] is "report". Exit status: 0 written, 1 the page could not be written (or this build has
// no charting libraries), 2 a usage mistake or a folder that is not a readable result folder.
int report_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

// The usage text of `mailstorm report --help`.
std::string report_usage_text();

}  // namespace mailstorm::cli
