// The CSV reader behind csv_reader.hpp.
#include "models/output/csv_reader.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace mailstorm::models {

std::size_t CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string have;
  for (const std::string& h : header) have += (have.empty() ? "" : ", ") + h;
  throw CsvError(source + ":1: no column '" + std::string(name) + "' (the header has: " + have +
                 ")");
}

bool CsvTable::has_column(std::string_view name) const {
  for (const std::string& h : header)
    if (h == name) return true;
  return false;
}

double CsvTable::number(std::size_t row, std::size_t col, bool empty_is_nan) const {
  const std::string& text = rows.at(row).at(col);
  if (text.empty() && empty_is_nan) return std::numeric_limits<double>::quiet_NaN();
  double x = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;  // from_chars takes no plus sign
  const auto [end, error] = std::from_chars(first, last, x);
  if (text.empty() || error != std::errc() || end != last) {
    if (text == "nan" || text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    throw CsvError(source + ":" + std::to_string(lines.at(row)) + ": column '" + header.at(col) +
                   "': '" + text + "' is not a number");
  }
  return x;
}

CsvTable parse_csv(std::string_view text, const std::string& source) {
  CsvTable table;
  table.source = source;
  std::size_t pos = 0, line = 1;
  std::vector<std::string> fields;
  std::string field;
  bool first_record = true;
  while (pos < text.size()) {
    const std::size_t record_line = line;
    fields.clear();
    field.clear();
    bool end_of_record = false;
    while (!end_of_record) {
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        while (true) {
          if (pos >= text.size())
            throw CsvError(source + ":" + std::to_string(record_line) + ": unterminated quote");
          const char c = text[pos++];
          if (c == '"') {
            if (pos < text.size() && text[pos] == '"') {
              field += '"';
              ++pos;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
          throw CsvError(source + ":" + std::to_string(line) +
                         ": text after a closing quote (a quote inside a field is written \"\")");
      } else {
        while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
          field += text[pos++];
      }
      if (pos >= text.size()) {
        end_of_record = true;
      } else if (text[pos] == ',') {
        ++pos;
      } else {  // \n or \r\n
        if (text[pos] == '\r') ++pos;
        if (pos < text.size() && text[pos] == '\n') ++pos;
        ++line;
        end_of_record = true;
      }
      fields.push_back(std::move(field));
      field.clear();
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (first_record) {
      table.header = std::move(fields);
      first_record = false;
      continue;
    }
    if (fields.size() != table.header.size())
      throw CsvError(source + ":" + std::to_string(record_line) + ": " +
                     std::to_string(fields.size()) + " fields, the header has " +
                     std::to_string(table.header.size()));
    table.rows.push_back(fields);
    table.lines.push_back(record_line);
  }
  if (first_record) throw CsvError(source + ":1: empty file, expected a header line");
  return table;
}

CsvTable read_csv_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CsvError(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_csv(text.str(), path.string());
}

}  // namespace mailstorm::models
