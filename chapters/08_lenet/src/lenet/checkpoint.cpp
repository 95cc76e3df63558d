/// @file
/// @brief LeNet checkpoints: metadata as text tensors beside the state dict.
#include "byo/lenet/checkpoint.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "byo/check.h"
#include "byo/serialize.h"

namespace byo::lenet {
namespace {

constexpr std::string_view kMetaPrefix = "meta.";
constexpr std::string_view kOptimizerPrefix = "optim.";
constexpr std::string_view kFormat = "byotorch-lenet 1";

NDArray text_tensor(const std::string& text) {
  std::vector<float> bytes;
  for (unsigned char c : text) bytes.push_back(static_cast<float>(c));
  return NDArray::from_vector(bytes, {static_cast<int64_t>(bytes.size())});
}

std::string text_of(const NDArray& value, const std::string& name, const std::string& path) {
  BYO_CHECK(value.dim() == 1) << "lenet: " << path << ": " << name << " is not text";
  std::string text;
  for (float f : value.to_vector()) {
    BYO_CHECK(f >= 0.0f && f <= 255.0f && f == std::floor(f))
        << "lenet: " << path << ": " << name << " is not text";
    text.push_back(static_cast<char>(static_cast<unsigned char>(f)));
  }
  return text;
}

std::string number(double value) {
  std::ostringstream os;
  os.precision(17);
  os << value;
  return os.str();
}

// A number stored as text, checked to parse completely.
double parse_number(const std::string& text, const std::string& key, const std::string& path) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  BYO_CHECK(!text.empty() && end == text.c_str() + text.size())
      << "lenet: " << path << ": meta." << key << " = '" << text << "' is not a number";
  return value;
}

}  // namespace

void save_checkpoint(const nn::Module& model, const CheckpointInfo& info, const std::string& path,
                     const optim::Optimizer* optimizer) {
  nn::StateDict state;
  for (const auto& [name, value] : model.state_dict()) {
    for (float f : value.to_vector()) {
      BYO_CHECK(std::isfinite(f)) << "lenet: not saving " << path << ": " << name
                                  << " holds a NaN or infinite value";
    }
    state.insert(name, value);
  }
  const auto meta = [&](const std::string& key, const std::string& text) {
    state.insert(std::string(kMetaPrefix) + key, text_tensor(text));
  };
  meta("format", std::string(kFormat));
  meta("variant", info.variant);
  meta("dataset", info.dataset);
  meta("epoch", std::to_string(info.epoch));
  meta("batch", std::to_string(info.batch));
  meta("seed", std::to_string(info.run.seed));
  meta("batch_size", std::to_string(info.run.batch_size));
  meta("optimizer", info.run.optimizer);
  meta("lr", number(info.run.lr));
  meta("momentum", number(info.run.momentum));
  meta("weight_decay", number(info.run.weight_decay));
  meta("lr_step", std::to_string(info.run.lr_step));
  meta("lr_gamma", number(info.run.lr_gamma));
  meta("test_accuracy", info.test_accuracy < 0 ? "" : number(info.test_accuracy));
  if (optimizer != nullptr) {
    for (const auto& [name, value] : optimizer->state_dict()) {
      state.insert(std::string(kOptimizerPrefix) + name, value);
    }
  }
  save_state_dict(state, path);
}

Checkpoint read_checkpoint(const std::string& path) {
  const nn::StateDict state = load_state_dict(path);
  Checkpoint out;
  nn::StateDict meta;
  for (const auto& [name, value] : state) {
    if (name.starts_with(kMetaPrefix)) {
      meta.insert(name.substr(kMetaPrefix.size()), value);
    } else if (name.starts_with(kOptimizerPrefix)) {
      out.optimizer_state.insert(name.substr(kOptimizerPrefix.size()), value);
    } else {
      out.weights.insert(name, value);
    }
  }
  const auto text = [&](const std::string& key) {
    const NDArray* value = meta.find(key);
    BYO_CHECK(value != nullptr) << "lenet: " << path << " is a byotorch state dict but not a "
                                << "LeNet checkpoint (it has no meta." << key
                                << "); `lenet train --save PATH` writes those";
    return text_of(*value, "meta." + key, path);
  };
  const std::string format = text("format");
  BYO_CHECK(format == kFormat) << "lenet: " << path << " has checkpoint format '" << format
                               << "', this program reads '" << kFormat << "'";
  CheckpointInfo& info = out.info;
  info.variant = text("variant");
  models::parse_variant(info.variant);  // throws on a damaged name
  info.dataset = text("dataset");
  info.epoch = static_cast<int64_t>(parse_number(text("epoch"), "epoch", path));
  info.batch = static_cast<int64_t>(parse_number(text("batch"), "batch", path));
  info.run.seed = std::strtoull(text("seed").c_str(), nullptr, 10);
  info.run.batch_size = static_cast<int64_t>(parse_number(text("batch_size"), "batch_size", path));
  info.run.optimizer = text("optimizer");
  info.run.lr = parse_number(text("lr"), "lr", path);
  info.run.momentum = parse_number(text("momentum"), "momentum", path);
  info.run.weight_decay = parse_number(text("weight_decay"), "weight_decay", path);
  info.run.lr_step = static_cast<int64_t>(parse_number(text("lr_step"), "lr_step", path));
  info.run.lr_gamma = parse_number(text("lr_gamma"), "lr_gamma", path);
  const std::string accuracy = text("test_accuracy");
  info.test_accuracy = accuracy.empty() ? -1.0 : parse_number(accuracy, "test_accuracy", path);
  return out;
}

void load_weights(models::LeNet5& model, const Checkpoint& checkpoint, const std::string& path) {
  const std::string want = models::variant_name(model.variant());
  BYO_CHECK(checkpoint.info.variant == want)
      << "lenet: " << path << " holds a " << checkpoint.info.variant << " LeNet-5, not a " << want
      << " one (pass --variant " << checkpoint.info.variant
      << ", or leave --variant out to use the checkpoint's)";
  model.load_state_dict(checkpoint.weights);
}

}  // namespace byo::lenet
