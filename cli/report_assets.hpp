// The charting libraries `mailstorm report` embeds in every page: vega, vega-lite and vega-embed,
// read from cli/report_assets/node_modules when CMake generates report_assets.cpp (npm ci by
// scripts/install-deps.sh; nothing is downloaded at build time).
#pragma once

#include <string_view>

namespace mailstorm::cli {

struct ReportAssets {
  bool available = false;  // false in a build configured before `npm ci` (CMake warned)
  std::string_view vega, vega_lite, vega_embed;  // the minified builds, as shipped
  std::string_view versions;                     // "vega 6.4.0, vega-lite 6.4.1, vega-embed 7.3.0"
};

const ReportAssets& report_assets();

}  // namespace mailstorm::cli
