/// @file
/// @brief Errors: `byo::Error`, `byo::NotImplemented` and the `BYO_CHECK` macro.
///
/// Every bad input in byotorch ends in a `byo::Error` whose message says what was wrong
/// (the shapes, the file, the index), never in undefined behaviour:
///
///     BYO_CHECK(a.shape() == b.shape())
///         << "zip: shapes " << shape_str(a.shape()) << " and " << shape_str(b.shape());
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace byo {

/// @brief The exception every byotorch check throws; `what()` is "file:line: message".
class Error : public std::runtime_error {
 public:
  /// @brief An error raised at `file`:`line` with the message `message`.
  Error(std::string file, int line, std::string message);

  /// @brief The source file of the check that failed.
  const std::string& file() const { return file_; }
  /// @brief The source line of the check that failed.
  int line() const { return line_; }
  /// @brief The message alone, without file and line.
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

/// @brief Thrown by the exercise stubs that the learner has not written yet.
class NotImplemented : public Error {
 public:
  /// @brief `what` names the function still to be written.
  NotImplemented(std::string file, int line, std::string what);
};

namespace detail {

/// @brief Collects the message streamed after a failed `BYO_CHECK`.
class CheckMessage {
 public:
  CheckMessage(const char* file, int line, const char* condition)
      : file_(file), line_(line), condition_(condition) {}

  /// @brief Appends anything that `std::ostream` can print.
  template <typename T>
  CheckMessage& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

  /// @brief The error this message describes.
  Error error() const;

 private:
  const char* file_;
  int line_;
  const char* condition_;
  std::ostringstream stream_;
};

/// @brief `Raise{} & message` throws: `&` binds after every `<<` of the message.
struct Raise {
  [[noreturn]] void operator&(const CheckMessage& message) const { throw message.error(); }
};

}  // namespace detail
}  // namespace byo

/// @brief Throws `byo::Error` unless `cond` holds: `BYO_CHECK(n > 0) << "n is " << n;`
///
/// The message is only built when the check fails, so checks cost one branch.
/// (The `?:` form makes the macro one expression, safe inside an unbraced if/else.)
#define BYO_CHECK(cond) \
  (cond) ? (void)0 : ::byo::detail::Raise{} & ::byo::detail::CheckMessage(__FILE__, __LINE__, #cond)

/// @brief Throws `byo::NotImplemented` naming the current function; for exercise stubs.
#define BYO_NOT_IMPLEMENTED() throw ::byo::NotImplemented(__FILE__, __LINE__, __func__)
