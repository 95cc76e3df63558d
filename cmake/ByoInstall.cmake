# byotorch as a library: what `cmake --install build --prefix P` puts under P besides the
# headers and libraries that byo_install_library (cmake/Byo.cmake) installs per chapter.
#
#   P/lib/cmake/byotorch/   the CMake package:  find_package(byotorch CONFIG REQUIRED)
#                           byotorch::byotorch (the whole framework), byotorch::common,
#                           byotorch::ch01 ... byotorch::ch08
#   P/lib/pkgconfig/byotorch.pc   for everything that is not CMake:
#                           g++ app.cpp $(pkg-config --cflags --libs byotorch)
#
# The libraries are static, so what they link privately (zlib, libpng, libzip) must be
# linked by the user's program too: the package finds those with find_dependency and the
# targets carry them; the .pc file lists them under Requires.
include(CMakePackageConfigHelpers)

# The whole framework: chapter 8 and everything below it.
add_library(byo_byotorch INTERFACE)
target_link_libraries(byo_byotorch INTERFACE byo_ch08)
set_target_properties(byo_byotorch PROPERTIES EXPORT_NAME byotorch)
add_library(byotorch::byotorch ALIAS byo_byotorch)
install(TARGETS byo_byotorch EXPORT byotorchTargets)

set(BYO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/byotorch)
install(EXPORT byotorchTargets NAMESPACE byotorch:: DESTINATION ${BYO_CMAKE_DIR})
# The package config records whether the libraries were built with OpenMP (then their
# users must link it too).
set(BYO_WITH_OPENMP ${OpenMP_CXX_FOUND})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/byotorchConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/byotorchConfig.cmake
                              INSTALL_DESTINATION ${BYO_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/byotorchConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/byotorchConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/byotorchConfigVersion.cmake
        DESTINATION ${BYO_CMAKE_DIR})

# pkg-config: the prefix is found relative to the .pc file, so the file is right wherever
# `cmake --install --prefix` puts it.
file(RELATIVE_PATH BYO_PC_PREFIX /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
get_property(libraries GLOBAL PROPERTY BYO_INSTALLED_LIBRARIES)
get_property(include_dirs GLOBAL PROPERTY BYO_INSTALLED_INCLUDE_DIRS)
set(BYO_PC_CFLAGS "")
foreach(dir IN LISTS include_dirs)
  string(APPEND BYO_PC_CFLAGS " -I\${prefix}/${dir}")
endforeach()
# A static library must come before the libraries it uses: chapter 8 first, common last.
list(REVERSE libraries)
set(BYO_PC_LIBS "")
foreach(lib IN LISTS libraries)
  string(APPEND BYO_PC_LIBS " -l${lib}")
endforeach()
# What byotorch::ch07 carries as a compile definition (chapters/07_im2col/CMakeLists.txt).
string(APPEND BYO_PC_CFLAGS " -DBYO_SIMD_WIDTH=${BYO_SIMD_WIDTH}")
if(OpenMP_CXX_FOUND)
  string(APPEND BYO_PC_CFLAGS " ${OpenMP_CXX_FLAGS}")
  string(APPEND BYO_PC_LIBS " ${OpenMP_CXX_FLAGS}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/byotorch.pc.in ${CMAKE_CURRENT_BINARY_DIR}/byotorch.pc
               @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/byotorch.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
