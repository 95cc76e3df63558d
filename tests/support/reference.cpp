// The reference file reader: see support/reference.h for the format.
#include "support/reference.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "byo/check.h"

namespace byo::test {
namespace {

// strtod, unlike operator>>, reads "nan" and "inf".
double parse_number(const std::string& word, const std::string& where) {
  char* end = nullptr;
  const double v = std::strtod(word.c_str(), &end);
  BYO_CHECK(!word.empty() && end == word.c_str() + word.size())
      << where << ": \"" << word << "\" is not a number";
  return v;
}

}  // namespace

int64_t ReferenceArray::numel() const {
  int64_t n = 1;
  for (const int64_t d : shape) n *= d;
  return n;
}

const ReferenceArray* ReferenceCase::find(const std::string& role, const std::string& name) const {
  for (const ReferenceArray& a : arrays) {
    if (a.role == role && a.name == name) return &a;
  }
  return nullptr;
}

const ReferenceArray& ReferenceCase::array(const std::string& role, const std::string& name) const {
  const ReferenceArray* a = find(role, name);
  BYO_CHECK(a != nullptr) << "reference case " << this->name << " has no " << role << " " << name;
  return *a;
}

std::vector<const ReferenceArray*> ReferenceCase::arrays_with(const std::string& role,
                                                              const std::string& name) const {
  std::vector<const ReferenceArray*> out;
  for (const ReferenceArray& a : arrays) {
    if (a.role == role && (name.empty() || a.name == name)) out.push_back(&a);
  }
  return out;
}

const std::string& ReferenceCase::setting(const std::string& key) const {
  const auto it = settings.find(key);
  BYO_CHECK(it != settings.end()) << "reference case " << name << " has no setting " << key;
  return it->second;
}

double ReferenceCase::number(const std::string& key) const {
  return parse_number(setting(key), "reference case " + name + ", setting " + key);
}

const std::string& ReferenceCase::text(const std::string& key) const {
  const auto it = texts.find(key);
  BYO_CHECK(it != texts.end()) << "reference case " << name << " has no text " << key;
  return it->second;
}

std::vector<ReferenceCase> read_reference(const std::string& path) {
  std::ifstream file(path);
  BYO_CHECK(file.good()) << "cannot open " << path
                         << " (the tests run in their source folder, tests/NN_name)";
  std::vector<ReferenceCase> cases;
  bool open = false;
  std::string line;
  int64_t number = 0;
  while (std::getline(file, line)) {
    ++number;
    const std::string where = path + ":" + std::to_string(number);
    std::istringstream in(line);
    std::string role;
    if (!(in >> role) || role[0] == '#') continue;
    if (role == "case") {
      BYO_CHECK(!open) << where << ": a case starts before the last one ended";
      ReferenceCase c;
      BYO_CHECK(in >> c.name) << where << ": a case needs a name";
      for (std::string kv; in >> kv;) {
        const size_t eq = kv.find('=');
        BYO_CHECK(eq != std::string::npos && eq > 0)
            << where << ": \"" << kv << "\" is not KEY=VALUE";
        c.settings[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      cases.push_back(std::move(c));
      open = true;
      continue;
    }
    BYO_CHECK(open) << where << ": \"" << role << "\" outside a case";
    if (role == "end") {
      open = false;
      continue;
    }
    ReferenceCase& c = cases.back();
    std::string name;
    BYO_CHECK(in >> name) << where << ": " << role << " without a name";
    if (role == "text") {
      int64_t n = -1;
      BYO_CHECK(in >> n && n >= 0) << where << ": text " << name << " needs a line count";
      std::string text;
      for (int64_t i = 0; i < n; ++i) {
        BYO_CHECK(std::getline(file, line)) << where << ": the file ends inside text " << name;
        ++number;
        text += (i == 0 ? "" : "\n") + line;
      }
      c.texts[name] = std::move(text);
      continue;
    }
    ReferenceArray a;
    a.role = role;
    a.name = name;
    int64_t ndim = -1;
    BYO_CHECK(in >> ndim && ndim >= 0)
        << where << ": " << role << " " << name << " needs its number of dimensions";
    a.shape.resize(static_cast<size_t>(ndim));
    for (int64_t& d : a.shape) {
      BYO_CHECK(in >> d && d >= 0)
          << where << ": " << role << " " << name << " needs " << ndim << " sizes";
    }
    std::string colon;
    BYO_CHECK(in >> colon && colon == ":") << where << ": expected \":\" after the shape";
    for (std::string word; in >> word;) a.values.push_back(parse_number(word, where));
    c.arrays.push_back(std::move(a));
  }
  BYO_CHECK(!open) << path << ": the last case has no \"end\"";
  return cases;
}

const ReferenceCase& find_case(const std::vector<ReferenceCase>& cases, const std::string& name) {
  const auto it = std::find_if(cases.begin(), cases.end(),
                               [&](const ReferenceCase& c) { return c.name == name; });
  BYO_CHECK(it != cases.end()) << "no reference case " << name;
  return *it;
}

}  // namespace byo::test
