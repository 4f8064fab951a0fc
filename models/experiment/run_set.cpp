#include "models/experiment/run_set.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "models/output/json_reader.hpp"
#include "models/experiment/outcome_stats.hpp"
#include "models/output/results_writer.hpp"

namespace mailstorm::models::experiment {
namespace fs = std::filesystem;

fs::path run_folder(const fs::path& out, const std::string& point, std::uint64_t replication) {
  char rep[32];
  std::snprintf(rep, sizeof rep, "rep-%04llu", static_cast<unsigned long long>(replication));
  return out / "runs" / point / rep;
}

void write_text_atomically(const fs::path& file, std::string_view text) {
  std::error_code ec;
  const fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw OutputError("cannot create folder '" + parent.string() + "': " + ec.message());
  std::string pattern = (parent / (".tmp-XXXXXX-" + file.filename().string())).string();
  const int fd = ::mkstemps(pattern.data(), static_cast<int>(file.filename().string().size()) + 1);
  if (fd < 0)
    throw OutputError("cannot create a temporary file in '" + parent.string() + "': " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      ::unlink(pattern.c_str());
      throw OutputError("cannot write '" + pattern + "': " + std::strerror(e));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(pattern.c_str(), file.c_str()) != 0) {
    const int e = errno;
    ::unlink(pattern.c_str());
    throw OutputError("cannot write '" + file.string() + "': " + std::strerror(e));
  }
}

std::optional<std::string> read_summary(const fs::path& run_dir) {
  std::ifstream in(run_dir / "summary.json", std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

// Temporaries a killed run left in its folder.
void remove_temporaries(const fs::path& run_dir) {
  std::error_code ec;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().rfind(".tmp-", 0) == 0) fs::remove_all(it->path(), ec);
}

std::optional<std::vector<double>> completed(const fs::path& run_dir) {
  const auto text = read_summary(run_dir);
  if (!text) return std::nullopt;
  try {
    return read_outcomes(*text, outcome_names());
  } catch (const JsonError&) {
    return std::nullopt;  // not a complete summary: the run is done again
  }
}

}  // namespace

RunSetResult run_set(const std::vector<RunPoint>& points, const RunSetOptions& options) {
  const std::uint64_t reps = options.replications;
  const std::uint64_t total_runs = points.size() * reps;
  RunSetResult result;
  result.values.assign(points.size(), std::vector<std::vector<double>>(reps));

  std::vector<std::uint64_t> todo;
  Progress progress;
  for (std::uint64_t i = 0; i < total_runs; ++i) {
    if (i % options.parts != options.part) continue;
    ++progress.total;
    const std::size_t p = i / reps;
    const std::uint64_t r = i % reps;
    if (options.out) {
      const fs::path dir = run_folder(*options.out, points[p].name, r);
      if (auto values = completed(dir)) {
        result.values[p][r] = std::move(*values);
        ++progress.done;
        ++progress.resumed;
        continue;
      }
      remove_temporaries(dir);
    }
    todo.push_back(i);
  }
  result.resumed = progress.resumed;
  std::mutex mutex;
  if (options.progress) options.progress(progress);

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  auto worker = [&] {
    while (!stop) {
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const std::size_t p = todo[k] / reps;
      const std::uint64_t r = todo[k] % reps;
      try {
        RunOptions o = options.run;
        o.replication = r;
        o.record_cascade = false;
        const RunResult run = run_storm(points[p].scenario, o);
        const std::string summary = summary_json(points[p].scenario, o, run);
        std::vector<double> values = read_outcomes(summary, outcome_names());
        if (options.out) {
          const fs::path dir = run_folder(*options.out, points[p].name, r);
          if (options.keep_timeseries) write_text_atomically(dir / "timeseries.csv", timeseries_csv(run));
          write_text_atomically(dir / "summary.json", summary);  // last: the run is complete
        }
        std::lock_guard<std::mutex> lock(mutex);
        result.values[p][r] = std::move(values);
        ++result.ran;
        ++progress.done;
        if (options.progress) options.progress(progress);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(std::max<std::size_t>(todo.size(), 1))));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);

  // Other shards' runs, if they are on disk already (a shared folder).
  for (std::size_t p = 0; p < points.size(); ++p)
    for (std::uint64_t r = 0; r < reps; ++r) {
      if (!result.values[p][r].empty()) continue;
      if (options.out)
        if (auto values = completed(run_folder(*options.out, points[p].name, r))) {
          result.values[p][r] = std::move(*values);
          continue;
        }
      ++result.missing;
    }
  return result;
}

RunSetResult read_run_set(const fs::path& out, const std::vector<std::string>& points,
                          std::uint64_t replications) {
  RunSetResult result;
  result.values.assign(points.size(), std::vector<std::vector<double>>(replications));
  for (std::size_t p = 0; p < points.size(); ++p)
    for (std::uint64_t r = 0; r < replications; ++r) {
      if (auto values = completed(run_folder(out, points[p], r)))
        result.values[p][r] = std::move(*values);
      else
        ++result.missing;
    }
  return result;
}

}  // namespace mailstorm::models::experiment
