/// @file
/// @brief JSON Lines metrics: a writer and a parser for flat objects of numbers and strings.
#include "byo/lenet/metrics.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "byo/check.h"

namespace byo::lenet {
namespace {

std::string json_number(double value) {
  std::ostringstream os;
  os.precision(10);
  os << value;
  return os.str();
}

// A flat JSON object {"key": number | "string", ...}: all the metrics file ever holds.
// Strings keep their characters as written; the writer never emits escapes.
std::map<std::string, std::string> parse_flat_object(const std::string& line,
                                                     const std::string& where) {
  std::map<std::string, std::string> fields;
  size_t i = 0;
  const auto skip_space = [&] {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  };
  const auto fail = [&](const std::string& what) {
    BYO_CHECK(false) << "lenet: " << where << ": " << what << " at column " << i + 1;
  };
  const auto read_string = [&] {
    if (i >= line.size() || line[i] != '"') fail("expected '\"'");
    const size_t end = line.find('"', i + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = line.substr(i + 1, end - i - 1);
    i = end + 1;
    return s;
  };
  skip_space();
  if (i >= line.size() || line[i] != '{') fail("expected '{'");
  ++i;
  skip_space();
  if (i < line.size() && line[i] == '}') return fields;
  while (true) {
    skip_space();
    const std::string key = read_string();
    skip_space();
    if (i >= line.size() || line[i] != ':') fail("expected ':'");
    ++i;
    skip_space();
    if (i < line.size() && line[i] == '"') {
      fields[key] = read_string();
    } else {
      const size_t start = i;
      while (i < line.size() && line[i] != ',' && line[i] != '}' &&
             !std::isspace(static_cast<unsigned char>(line[i]))) {
        ++i;
      }
      fields[key] = line.substr(start, i - start);
    }
    skip_space();
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    if (i < line.size() && line[i] == '}') break;
    fail("expected ',' or '}'");
  }
  return fields;
}

double field_number(const std::map<std::string, std::string>& fields, const std::string& key,
                    const std::string& where) {
  const auto it = fields.find(key);
  BYO_CHECK(it != fields.end()) << "lenet: " << where << ": no \"" << key << "\"";
  char* end = nullptr;
  const double value = std::strtod(it->second.c_str(), &end);
  BYO_CHECK(!it->second.empty() && end == it->second.c_str() + it->second.size())
      << "lenet: " << where << ": \"" << key << "\" is '" << it->second << "', not a number";
  return value;
}

}  // namespace

std::string to_json(const EpochMetrics& m) {
  std::ostringstream os;
  os << "{\"epoch\":" << m.epoch << ",\"variant\":\"" << m.variant
     << "\",\"train_loss\":" << json_number(m.train_loss)
     << ",\"train_accuracy\":" << json_number(m.train_accuracy)
     << ",\"test_accuracy\":" << json_number(m.test_accuracy)
     << ",\"epoch_seconds\":" << json_number(m.epoch_seconds)
     << ",\"images_per_second\":" << json_number(m.images_per_second)
     << ",\"lr\":" << json_number(m.lr) << "}";
  return os.str();
}

EpochMetrics parse_metrics_line(const std::string& line, const std::string& where) {
  const auto fields = parse_flat_object(line, where);
  EpochMetrics m;
  m.epoch = static_cast<int64_t>(field_number(fields, "epoch", where));
  const auto variant = fields.find("variant");
  m.variant = variant == fields.end() ? "" : variant->second;
  m.train_loss = field_number(fields, "train_loss", where);
  m.test_accuracy = field_number(fields, "test_accuracy", where);
  m.epoch_seconds = field_number(fields, "epoch_seconds", where);
  m.images_per_second = field_number(fields, "images_per_second", where);
  // Optional: a log from another tool may leave these out.
  if (fields.contains("train_accuracy")) {
    m.train_accuracy = field_number(fields, "train_accuracy", where);
  }
  if (fields.contains("lr")) m.lr = field_number(fields, "lr", where);
  return m;
}

void append_metrics(const std::string& path, const EpochMetrics& metrics) {
  std::ofstream out(path, std::ios::app);
  BYO_CHECK(out.is_open()) << "lenet: cannot open the metrics file " << path << " for writing";
  out << to_json(metrics) << '\n';
  out.flush();
  BYO_CHECK(out.good()) << "lenet: writing the metrics file " << path << " failed";
}

std::vector<EpochMetrics> read_metrics(const std::string& path) {
  std::ifstream in(path);
  BYO_CHECK(in.is_open()) << "lenet: cannot open the metrics file " << path;
  std::vector<EpochMetrics> rows;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    rows.push_back(parse_metrics_line(line, path + ":" + std::to_string(number)));
  }
  BYO_CHECK(!rows.empty()) << "lenet: the metrics file " << path << " holds no epochs";
  return rows;
}

}  // namespace byo::lenet
