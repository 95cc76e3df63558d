/// @file
/// @brief `lenet`: LeNet-5 on MNIST — train, eval, predict, bench (and pictures).
///
///     lenet train                      # modern LeNet-5, 5 epochs, ~99% test accuracy
///     lenet train --variant classic    # sigmoid + average pooling, 10 epochs
///     lenet eval --checkpoint lenet-modern.byot
///     lenet predict --checkpoint lenet-modern.byot --index 0
///     lenet bench
///     lenet plot --metrics lenet-modern.jsonl --out curve.svg
///     lenet show --checkpoint lenet-modern.byot --index 0 --out-dir images
///     lenet export --checkpoint lenet-modern.byot --out lenet-modern.npz     (for PyTorch)
///     lenet import --weights torch.npz --variant modern --out lenet-torch.byot
///
/// Every error (missing data, a damaged checkpoint, a nonsense flag) is one message on
/// stderr and a non-zero exit status: 1 for errors, 2 for a bad command line, 130 after
/// Ctrl-C.
#include <iostream>
#include <map>

#include "byo/check.h"
#include "byo/fast_kernels.h"
#include "byo/gemm.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "lenet: LeNet-5 on MNIST with byotorch (train, eval, predict, bench, plot, show, export, "
      "import)",
      "lenet"};
  app.require_subcommand(1);
  // Every refusal starts as the others do ("error: ..."), whichever part caught it.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return "error: " + CLI::FailureMessage::simple(failed, e);
  });
  std::map<CLI::App*, byo::lenet::cli::Command> commands;
  const auto remember = [&](byo::lenet::cli::Command command) {
    commands[app.get_subcommands({}).back()] = std::move(command);
  };
  remember(byo::lenet::cli::add_train(app));
  remember(byo::lenet::cli::add_eval(app));
  remember(byo::lenet::cli::add_predict(app));
  remember(byo::lenet::cli::add_bench(app));
  remember(byo::lenet::cli::add_plot(app));
  remember(byo::lenet::cli::add_show(app));
  remember(byo::lenet::cli::add_export(app));
  remember(byo::lenet::cli::add_import(app));
  if (argc < 2) {  // no subcommand: show what there is
    std::cerr << app.help();
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message; any refused command line exits with 2, as getopt's do.
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
  // The fast kernels of chapter 7 (im2col + packed GEMM, OpenMP), one visible call; and
  // --threads N as "at most N": fewer while other processes keep the cores busy.
  byo::use_fast_kernels();
  byo::set_thread_adaptation(true);
  // Optimiser state of weights whose gradient is zero decays into denormal floats, each a
  // slow microcode assist (chapter 7, src/denormals.cpp); as torch.set_flush_denormal.
  byo::set_flush_denormals(true);
  try {
    for (CLI::App* chosen : app.get_subcommands()) return commands.at(chosen)();
  } catch (const byo::Error& e) {
    std::cerr << "error: " << e.message() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
