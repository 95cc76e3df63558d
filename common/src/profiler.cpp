#include "byo/profiler.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <ostream>
#include <utility>

namespace byo::profiler {

namespace detail {
bool g_enabled = false;
}  // namespace detail

namespace {

// Keyed by (name, phase); std::map keeps the report's tie order stable (by name).
std::map<std::pair<std::string, Phase>, Entry, std::less<>>& table() {
  static std::map<std::pair<std::string, Phase>, Entry, std::less<>> entries;
  return entries;
}

// Replicas of a model may run ops on several threads at once (chapter 7's DataParallel).
std::mutex& table_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

void detail::record(std::string_view name, Phase phase, double seconds) {
  const std::lock_guard<std::mutex> lock(table_mutex());
  auto key = std::make_pair(std::string(name), phase);
  auto it = table().find(key);
  if (it == table().end()) {
    it = table().emplace(key, Entry{std::string(name), phase, 0, 0.0}).first;
  }
  it->second.count += 1;
  it->second.total_seconds += seconds;
}

std::string Entry::label() const {
  return name + (phase == Phase::forward ? "-forward" : "-backward");
}

void enable(bool on) { detail::g_enabled = on; }

void reset() {
  const std::lock_guard<std::mutex> lock(table_mutex());
  table().clear();
}

std::vector<Entry> entries() {
  std::vector<Entry> rows;
  {
    const std::lock_guard<std::mutex> lock(table_mutex());
    for (const auto& [key, entry] : table()) rows.push_back(entry);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Entry& a, const Entry& b) {
    return a.average_seconds() > b.average_seconds();
  });
  return rows;
}

void report(std::ostream& os) {
  const std::vector<Entry> rows = entries();
  size_t width = 4;
  for (const Entry& row : rows) width = std::max(width, row.label().size());
  char line[256];
  std::snprintf(line, sizeof line, "%-*s  %12s  %8s  %11s\n", static_cast<int>(width), "name",
                "average (s)", "count", "total (s)");
  os << line;
  os << std::string(width + 2 + 12 + 2 + 8 + 2 + 11, '-') << '\n';
  for (const Entry& row : rows) {
    std::snprintf(line, sizeof line, "%-*s  %12.6f  %8lld  %11.4f\n", static_cast<int>(width),
                  row.label().c_str(), row.average_seconds(), static_cast<long long>(row.count),
                  row.total_seconds);
    os << line;
  }
  if (rows.empty()) os << "(no timings: call byo::profiler::enable() before running ops)\n";
}

}  // namespace byo::profiler
