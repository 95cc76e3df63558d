/// @file
/// @brief JSON Lines metrics, written and parsed by nlohmann::json.
#include "byo/lenet/metrics.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "byo/check.h"

namespace byo::lenet {
namespace {

// ordered_json keeps the keys in the order they are set, so a line reads epoch first.
using Json = nlohmann::ordered_json;

double field_number(const Json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  BYO_CHECK(it != object.end()) << "lenet: " << where << ": no \"" << key << "\"";
  BYO_CHECK(it->is_number()) << "lenet: " << where << ": \"" << key << "\" is " << it->dump()
                             << ", not a number";
  return it->get<double>();
}

}  // namespace

std::string to_json(const EpochMetrics& m) {
  Json object;
  object["epoch"] = m.epoch;
  object["variant"] = m.variant;
  object["train_loss"] = m.train_loss;
  object["train_accuracy"] = m.train_accuracy;
  object["test_accuracy"] = m.test_accuracy;
  object["epoch_seconds"] = m.epoch_seconds;
  object["images_per_second"] = m.images_per_second;
  object["lr"] = m.lr;
  return object.dump();
}

EpochMetrics parse_metrics_line(const std::string& line, const std::string& where) {
  // Without exceptions from the parser: a malformed line is a `discarded` value, and the
  // error names the file and line rather than nlohmann's byte offset alone.
  const Json object = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  BYO_CHECK(!object.is_discarded()) << "lenet: " << where << ": not valid JSON: " << line;
  BYO_CHECK(object.is_object()) << "lenet: " << where << ": expected a JSON object, got "
                                << object.type_name();
  EpochMetrics m;
  m.epoch = static_cast<int64_t>(field_number(object, "epoch", where));
  if (const auto variant = object.find("variant"); variant != object.end()) {
    BYO_CHECK(variant->is_string()) << "lenet: " << where << ": \"variant\" is not a string";
    m.variant = variant->get<std::string>();
  }
  m.train_loss = field_number(object, "train_loss", where);
  m.test_accuracy = field_number(object, "test_accuracy", where);
  m.epoch_seconds = field_number(object, "epoch_seconds", where);
  m.images_per_second = field_number(object, "images_per_second", where);
  // Optional: a log from another tool may leave these out.
  if (object.contains("train_accuracy")) {
    m.train_accuracy = field_number(object, "train_accuracy", where);
  }
  if (object.contains("lr")) m.lr = field_number(object, "lr", where);
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
