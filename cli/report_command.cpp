// `mailstorm report`: reads a run, sweep or compare folder and writes one HTML page of charts.
#include "cli/report_command.hpp"

#include <filesystem>
#include <optional>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/report_assets.hpp"
#include "cli/report_data.hpp"
#include "cli/report_page.hpp"
#include "models/output/csv_reader.hpp"
#include "models/output/json_reader.hpp"
#include "models/output/results_writer.hpp"

namespace mailstorm::cli {
namespace {

namespace fs = std::filesystem;

struct ReportUsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReportArgs {
  std::string dir;
  std::optional<std::string> output;
  bool help = false;
};

ReportArgs parse(const std::vector<std::string>& words) {
  ReportArgs a;
  for (std::size_t i = 1; i < words.size(); ++i) {
    std::string w = words[i];
    std::optional<std::string> value;
    if (w.rfind("--", 0) == 0 && w.find('=') != std::string::npos) {
      value = w.substr(w.find('=') + 1);
      w = w.substr(0, w.find('='));
    }
    if (w == "--help" || w == "-h") {
      a.help = true;
    } else if (w == "-o" || w == "--output") {
      if (!value) {
        if (i + 1 >= words.size()) throw ReportUsageError(w + " needs a file name");
        value = words[++i];
      }
      if (a.output) throw ReportUsageError("-o given twice");
      a.output = *value;
    } else if (w.rfind("-", 0) == 0 && w.size() > 1) {
      throw ReportUsageError("unknown option '" + w + "' for report");
    } else if (a.dir.empty()) {
      a.dir = w;
    } else {
      throw ReportUsageError("report takes one folder, got '" + a.dir + "' and '" + w + "'");
    }
  }
  if (!a.help && a.dir.empty()) throw ReportUsageError("report needs a result folder");
  return a;
}

}  // namespace

std::string report_usage_text() {
  return "usage: mailstorm report RESULT_DIR [-o FILE]\n"
         "\n"
         "  Writes one self-contained HTML page of charts (default RESULT_DIR/report.html); it\n"
         "  opens in any browser without a network. RESULT_DIR is what one of these wrote:\n"
         "    mailstorm run SCENARIO --out DIR [--cascade]   summary.json, timeseries.csv\n"
         "        messages created by kind over time, the sender's inbox per hour, host queues,\n"
         "        the cascade tree (with --cascade) and the outcomes\n"
         "    mailstorm sweep ... --out DIR                  sweep.json, summary.csv\n"
         "        each outcome's mean and 95 % confidence interval by sweep point\n"
         "    mailstorm compare BASE VARIANT... --out DIR    compare.json, compare.csv\n"
         "        each variant's difference from the base with its 95 % confidence interval\n"
         "\n"
         "  -o, --output FILE   where to write the page (written atomically)\n"
         "\n"
         "exit status: 0 written, 1 the page could not be written, 2 a usage mistake or a folder\n"
         "that is not a result folder\n";
}

int report_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  ReportArgs a;
  try {
    a = parse(words);
  } catch (const ReportUsageError& e) {
    err << "mailstorm: " << e.what() << "\n\n" << report_usage_text();
    return kExitUsage;
  }
  if (a.help) {
    out << report_usage_text();
    return kExitOk;
  }
  const ReportAssets& assets = report_assets();
  if (!assets.available) {
    err << "error: this mailstorm was built without the charting libraries the report embeds: "
           "run `bash scripts/install-deps.sh` (npm ci in cli/report_assets), then re-run cmake "
           "and rebuild\n";
    return kExitFailure;
  }
  const fs::path dir(a.dir);
  report::Page page;
  try {
    switch (report::folder_kind(dir)) {
      case report::FolderKind::run:
        page = report::run_page(dir);
        break;
      case report::FolderKind::sweep:
        page = report::sweep_page(dir);
        break;
      case report::FolderKind::compare:
        page = report::compare_page(dir);
        break;
    }
  } catch (const report::InputError& e) {
    err << "error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const models::JsonError& e) {
    err << "error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const models::CsvError& e) {
    err << "error: " << e.what() << '\n';
    return kExitUsage;
  }
  const fs::path target = a.output ? fs::path(*a.output) : dir / "report.html";
  const std::string html = report::page_html(page, assets);
  try {
    models::write_file_atomically(target, html);
  } catch (const models::OutputError& e) {
    err << "error: report not written: " << e.what() << '\n';
    return kExitFailure;
  }
  out << "Written " << target.string() << " (" << (html.size() + 1023) / 1024 << " KiB, "
      << page.chart_count() << " chart" << (page.chart_count() == 1 ? "" : "s") << ")\n";
  return kExitOk;
}

}  // namespace mailstorm::cli
