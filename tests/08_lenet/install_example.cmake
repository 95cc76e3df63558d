# The test `install_example` (labels ch08, install): byotorch used from outside, as
# examples/README.md tells a reader to. Installs this build into a scratch prefix, builds
# the examples/ project against it with find_package(byotorch), runs a short training and
# checks what it prints.
#
#   cmake -DBUILD_DIR=build -DSOURCE_DIR=. -DWORK_DIR=build/install-test -DMNIST_DIR=data/mnist
#         -P tests/08_lenet/install_example.cmake
foreach(var IN ITEMS BUILD_DIR SOURCE_DIR WORK_DIR MNIST_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_example: -D${var}=... is required")
  endif()
endforeach()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "install_example: ${what} failed (${status}):\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
# Everything that is installed must be built; a `ctest -L ch08` after building chapter 8
# alone has not built chapter 2's library, for one.
run("building the installed targets"
    ${CMAKE_COMMAND} --build ${BUILD_DIR} --target byo_ch08 byo_ch02 lenet)
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(file IN ITEMS include/byotorch/ch08/byo/npz.h include/byotorch/common/byo/check.h)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "install_example: ${file} was not installed")
  endif()
endforeach()
run("configuring examples/ against the prefix"
    ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
run("building examples/" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run("first_program" ${WORK_DIR}/build/first_program --data ${MNIST_DIR} --limit 3200
    --steps 100 --out ${WORK_DIR}/net.npz)
message("${last_output}")
if(NOT last_output MATCHES "saved 6 tensors to [^\n]*net.npz")
  message(FATAL_ERROR "install_example: first_program did not save its 6 tensors")
endif()
if(NOT last_output MATCHES "test accuracy \\(first 1000 images\\): ([0-9.]+)%")
  message(FATAL_ERROR "install_example: no accuracy line")
endif()
# 100 steps of Adam reach about 90% (see examples/README.md); far below means no learning.
if(CMAKE_MATCH_1 LESS 80)
  message(FATAL_ERROR "install_example: accuracy ${CMAKE_MATCH_1}% after 100 steps (want >= 80%)")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
