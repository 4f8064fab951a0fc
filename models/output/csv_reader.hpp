// Reading CSV result files back (timeseries.csv, summary.csv, compare.csv): a header and rows of
// text fields (RFC 4180 quoting), with errors that name the file, line and column.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mailstorm::models {

// Raised for a malformed CSV file or a missing column or a field that is not a number; what()
// starts with "source:line: ".
class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CsvTable {
  std::string source;               // the file, for errors
  std::vector<std::string> header;  // the first line's names
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;  // each row's line number in the file (the header is line 1)

  // The index of column `name`; throws CsvError naming the file and the columns it has.
  std::size_t column(std::string_view name) const;
  bool has_column(std::string_view name) const;
  // Row `row`'s field in column `col` as a number; an empty field is NaN when `empty_is_nan`,
  // otherwise an error like any text that is not a number.
  double number(std::size_t row, std::size_t col, bool empty_is_nan = false) const;
};

// Parses CSV text: every row must have as many fields as the header. A final newline is optional.
CsvTable parse_csv(std::string_view text, const std::string& source);
// Reads and parses a file; a file that cannot be read is a CsvError too.
CsvTable read_csv_file(const std::filesystem::path& path);

}  // namespace mailstorm::models
