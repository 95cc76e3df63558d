/// @file
/// @brief Weights to and from PyTorch: a state dict as NumPy's `.npz`.
///
/// An `.npz` file is a zip archive holding one `.npy` file per array, named after it. It
/// is what `numpy.savez` writes and `numpy.load` reads, so a PyTorch user moves weights
/// in either direction with one standard call:
///
///     # byotorch -> PyTorch
///     sd = {k: torch.from_numpy(v) for k, v in np.load("lenet.npz").items()}
///     model.load_state_dict(sd)
///     # PyTorch -> byotorch
///     np.savez("lenet.npz", **{k: v.detach().numpy() for k, v in model.state_dict().items()})
///
/// The keys are the state dict's dotted names, which byotorch's modules choose as PyTorch
/// does (`conv1.weight`, `fc3.bias`): a LeNet5 here and the usual PyTorch LeNet class map
/// one to one, shapes included (a Linear's weight is (out, in) in both).
///
/// One `.npy` file (format version 1.0; 2.0 is read too):
///
///     0x93 "NUMPY"  1 0  HEADER_LEN (uint16, little-endian)
///     {'descr': '<f4', 'fortran_order': False, 'shape': (6, 1, 5, 5), }   padded with
///     spaces and a newline so that the data starts at a multiple of 64 bytes
///     the float32 values, little-endian, row-major
///
/// The reader takes only what byotorch holds, float32 in C order, and refuses anything
/// else (another dtype, Fortran order, a header or data of the wrong length) with a
/// byo::Error naming the file and the array. libzip (Debian: libzip-dev) reads and writes
/// the zip container, stored or deflated.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "byo/ndarray.h"
#include "byo/nn/module.h"
#include "byo/nn/state_dict.h"

namespace byo {

/// @brief `array` as the bytes of an `.npy` file (float32, C order, format 1.0).
std::vector<uint8_t> encode_npy(const NDArray& array);
/// @brief The array in the `.npy` bytes; `where` names them in errors. Refuses anything but
///        '<f4' in C order with a header of at most 64 KiB and exactly the data its shape needs.
NDArray decode_npy(std::span<const uint8_t> bytes, const std::string& where);

/// @brief Writes `state` to `path` as an `.npz` (one `NAME.npy` per entry, in order),
///        through a temporary file renamed into place.
void save_npz(const nn::StateDict& state, const std::string& path);
/// @brief The arrays of the `.npz` file at `path`, in its order, named without `.npy`.
nn::StateDict load_npz(const std::string& path);

/// @brief `module.state_dict()` to `path` as an `.npz`.
void save_npz(const nn::Module& module, const std::string& path);
/// @brief Loads the `.npz` at `path` into `module` with `load_state_dict`: every key must be
///        there with its shape, and no other (the error names the key).
void load_npz(nn::Module& module, const std::string& path);

}  // namespace byo
