/// @file
/// @brief LeNet checkpoints: metadata as text tensors beside the state dict.
#include "byo/lenet/checkpoint.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string_view>

#include "byo/check.h"
#include "byo/serialize.h"

namespace byo::lenet {
namespace {

constexpr std::string_view kMetaPrefix = "meta.";
constexpr std::string_view kOptimizerPrefix = "optim.";
constexpr std::string_view kFormat = "byotorch-lenet 2";

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

// A number stored as text, checked to parse completely and to be finite.
double parse_number(const std::string& text, const std::string& key, const std::string& path) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  BYO_CHECK(!text.empty() && end == text.c_str() + text.size() && std::isfinite(value))
      << "lenet: " << path << ": meta." << key << " = '" << text << "' is not a number";
  return value;
}

// A whole number stored as text: no fraction, no sign where none belongs, within range.
template <typename Int>
Int parse_integer(const std::string& text, const std::string& key, const std::string& path) {
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  BYO_CHECK(!text.empty() && error == std::errc() && end == text.data() + text.size())
      << "lenet: " << path << ": meta." << key << " = '" << text << "' is not a whole number";
  return value;
}

// An optional number: "" stands for "none yet", read back as -1.
std::string optional_number(double value) { return value < 0 ? "" : number(value); }
double parse_optional(const std::string& text, const std::string& key, const std::string& path) {
  return text.empty() ? -1.0 : parse_number(text, key, path);
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
  meta("epochs", std::to_string(info.run.epochs));
  meta("limit", std::to_string(info.run.limit));
  meta("test_limit", std::to_string(info.run.test_limit));
  meta("seed", std::to_string(info.run.seed));
  meta("batch_size", std::to_string(info.run.batch_size));
  meta("optimizer", info.run.optimizer);
  meta("lr", number(info.run.lr));
  meta("momentum", number(info.run.momentum));
  meta("weight_decay", number(info.run.weight_decay));
  meta("lr_step", std::to_string(info.run.lr_step));
  meta("lr_gamma", number(info.run.lr_gamma));
  meta("loss_sum", number(info.tally.loss_sum));
  meta("correct", std::to_string(info.tally.correct));
  meta("seen", std::to_string(info.tally.seen));
  meta("first_loss", optional_number(info.first_loss));
  meta("best_accuracy", optional_number(info.best_accuracy));
  meta("test_accuracy", optional_number(info.test_accuracy));
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
  BYO_CHECK(format == kFormat)
      << "lenet: " << path << " has checkpoint format '" << format << "', this program reads '"
      << kFormat << "'"
      << (format == "byotorch-lenet 1"
              ? " (format 1 did not keep the whole run: --epochs, --limit, --test-limit and "
                "the sums of a stopped epoch; train it again to get a checkpoint this "
                "program can evaluate and resume)"
              : "");
  CheckpointInfo& info = out.info;
  info.variant = text("variant");
  models::parse_variant(info.variant);  // throws on a damaged name
  info.dataset = text("dataset");
  const auto integer = [&](const std::string& key) {
    return parse_integer<int64_t>(text(key), key, path);
  };
  const auto real = [&](const std::string& key) { return parse_number(text(key), key, path); };
  info.epoch = integer("epoch");
  info.batch = integer("batch");
  RunSettings& run = info.run;
  run.epochs = integer("epochs");
  run.limit = integer("limit");
  run.test_limit = integer("test_limit");
  run.seed = parse_integer<uint64_t>(text("seed"), "seed", path);
  run.batch_size = integer("batch_size");
  run.optimizer = text("optimizer");
  run.lr = real("lr");
  run.momentum = real("momentum");
  run.weight_decay = real("weight_decay");
  run.lr_step = integer("lr_step");
  run.lr_gamma = real("lr_gamma");
  info.tally.loss_sum = real("loss_sum");
  info.tally.correct = integer("correct");
  info.tally.seen = integer("seen");
  BYO_CHECK(info.epoch >= 0 && info.batch >= 0 && info.tally.seen >= 0 && info.tally.correct >= 0 &&
            info.tally.correct <= info.tally.seen)
      << "lenet: " << path << " is damaged: its position (epoch " << info.epoch << ", batch "
      << info.batch << ", " << info.tally.correct << " of " << info.tally.seen
      << " right) is impossible";
  info.first_loss = parse_optional(text("first_loss"), "first_loss", path);
  info.best_accuracy = parse_optional(text("best_accuracy"), "best_accuracy", path);
  info.test_accuracy = parse_optional(text("test_accuracy"), "test_accuracy", path);
  // The checksum vouches for the bytes, not for the training that made them: weights that
  // hold NaN would answer every image with "nan%".
  for (const auto& [name, value] : out.weights) {
    for (float f : value.to_vector()) {
      BYO_CHECK(std::isfinite(f)) << "lenet: " << path << ": " << name
                                  << " holds a NaN or infinite value; a model that diverged "
                                     "cannot be evaluated or resumed";
    }
  }
  return out;
}

std::string best_checkpoint_path(const std::string& path) {
  const std::filesystem::path p(path);
  if (!p.has_extension()) return path + ".best";
  std::filesystem::path best = p;
  best.replace_extension(".best" + p.extension().string());
  return best.string();
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
