#include "byo/check.h"

namespace byo {

Error::Error(std::string file, int line, std::string message)
    : std::runtime_error(file + ":" + std::to_string(line) + ": " + message),
      file_(std::move(file)),
      line_(line),
      message_(std::move(message)) {}

NotImplemented::NotImplemented(std::string file, int line, std::string what)
    : Error(std::move(file), line, "not implemented yet: " + what) {}

namespace detail {

Error CheckMessage::error() const {
  std::string message = stream_.str();
  if (message.empty()) message = std::string("check failed: ") + condition_;
  return Error(file_, line_, message);
}

}  // namespace detail
}  // namespace byo
