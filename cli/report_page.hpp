// The HTML of `mailstorm report`: one self-contained file (the charting libraries, the data and the
// script that draws every chart are inside it; it makes no network request).
#pragma once

#include <string>

#include "cli/report_assets.hpp"
#include "cli/report_data.hpp"

namespace mailstorm::cli::report {

// The whole page. After the charts are drawn the script sets, on <body>:
// data-charts-rendered (charts that drew marks), data-chart-errors, data-chart-warnings and
// data-report-done="true"; each chart's <div class="chart"> gets data-rendered, data-marks and,
// on failure, data-error. data-charts-expected is written here.
std::string page_html(const Page& page, const ReportAssets& assets);

}  // namespace mailstorm::cli::report
