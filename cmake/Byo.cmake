# Helpers that give every chapter the same shape:
#
#   byo_add_chapter(ch04 operators SOURCES src/a.cpp ... LINKS byo_ch03)
#       the library byo_ch04 (headers in the chapter's byo/ folder, which only targets that
#       link it can see), and the umbrella target ch04_operators that builds the chapter's
#       library, demo, tests and exercises: `cmake --build build --target ch04_operators`.
#       It is installed as byotorch::ch04 (byo_install_library below).
#   byo_add_demo(ch04 SOURCES demo.cpp)              the program ch04_demo
#   byo_add_tests(ch04 SOURCES a_test.cpp ...)        ch04_tests, every test labelled ch04,
#                                                    linked with tests/support
#   byo_add_benchmark(ch04 SOURCES bench.cpp)        ch04_bench (Google Benchmark)
#   byo_add_exercises(ch04 GRADER grade.cpp EXERCISES a.cpp b.cpp)
#       the graders ch04_exercises / ch04_exercises_solution and the target ch04_grade;
#       see "Exercises" below.

function(byo_add_chapter chapter name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS" ${ARGN})
  set(lib byo_${chapter})
  add_library(${lib} ${ARG_SOURCES})
  target_include_directories(${lib} PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>)
  target_link_libraries(${lib} PUBLIC ${ARG_LINKS} PRIVATE $<BUILD_INTERFACE:byo_warnings>)
  add_custom_target(${chapter}_${name} DEPENDS ${lib})
  set_property(GLOBAL PROPERTY BYO_${chapter}_UMBRELLA ${chapter}_${name})
  byo_install_library(${lib} ${chapter})
endfunction()

# Installs the library `lib` and the headers in its folder's byo/ as the target
# byotorch::<export_name> of the CMake package (cmake/byotorchConfig.cmake.in), and gives the
# same name to projects that add this repository with add_subdirectory or FetchContent.
#
# Each chapter's headers go to their own folder, <prefix>/include/byotorch/<export_name>,
# so an installed chapter sees only the chapters below it, as in the build tree.
function(byo_install_library lib export_name)
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${export_name})
  add_library(byotorch::${export_name} ALIAS ${lib})
  set(include_dir ${CMAKE_INSTALL_INCLUDEDIR}/byotorch/${export_name})
  target_include_directories(${lib} PUBLIC $<INSTALL_INTERFACE:${include_dir}>)
  install(TARGETS ${lib} EXPORT byotorchTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/byo DESTINATION ${include_dir}
          FILES_MATCHING PATTERN "*.h")
  set_property(GLOBAL APPEND PROPERTY BYO_INSTALLED_LIBRARIES ${lib})
  set_property(GLOBAL APPEND PROPERTY BYO_INSTALLED_INCLUDE_DIRS ${include_dir})
endfunction()

# Adds `target` to the umbrella target of `chapter`, if the chapter made one.
function(_byo_attach chapter target)
  get_property(umbrella GLOBAL PROPERTY BYO_${chapter}_UMBRELLA)
  if(umbrella)
    add_dependencies(${umbrella} ${target})
  endif()
endfunction()

function(byo_add_demo chapter)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LINKS" ${ARGN})
  if(NOT ARG_NAME)
    set(ARG_NAME ${chapter}_demo)
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE byo_${chapter} ${ARG_LINKS} byo_warnings)
  _byo_attach(${chapter} ${ARG_NAME})
endfunction()

function(byo_add_tests chapter)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LINKS" ${ARGN})
  if(NOT ARG_NAME)
    set(ARG_NAME ${chapter}_tests)
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE byo_${chapter} ${ARG_LINKS} byo_test_support
                                            GTest::gtest GTest::gtest_main byo_warnings)
  # PRE_TEST: the test list is read when ctest runs, not at build time, so building under
  # the sanitizers or cross-compiling never runs a test binary.
  gtest_discover_tests(${ARG_NAME} DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS ${chapter}
                       WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  _byo_attach(${chapter} ${ARG_NAME})
endfunction()

function(byo_add_benchmark chapter)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LINKS" ${ARGN})
  if(NOT ARG_NAME)
    set(ARG_NAME ${chapter}_bench)
  endif()
  if(NOT TARGET benchmark::benchmark)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE byo_${chapter} ${ARG_LINKS} benchmark::benchmark
                                            byo_warnings)
endfunction()

# Exercises
# ---------
# Each exercise is a file in the chapter's exercises/ folder holding stubs that throw
# byo::NotImplemented; the learner edits that file. The reference solution with the same
# name lives in exercises/solutions/. A grader program (GRADER) checks every exercise,
# usually with gradcheck, and prints a table: pass, FAIL with the worst error, or not
# implemented. Two graders are built from the same GRADER source:
#
#   chNN_exercises           the learner's files. `cmake --build build --target chNN_grade`
#                            builds it and prints the table (the one grading command).
#                            It is not part of ALL nor of the chapter's umbrella target, so
#                            a half-written exercise (even a syntax error) fails only this
#                            command: the library, demo and tests still build. Its test runs
#                            that same command and is labelled "exercises" only, so neither
#                            the main suite nor `ctest -L chNN` runs the unfinished work.
#   chNN_exercises_solution  the reference solutions; part of the main suite (label chNN),
#                            so the grader itself is tested.
#
# CI proves the other direction: on a clean clone, `ctest -L exercises` must fail.
function(byo_add_exercises chapter)
  cmake_parse_arguments(ARG "" "" "GRADER;EXERCISES;LINKS" ${ARGN})
  set(stubs "")
  set(solutions "")
  foreach(file IN LISTS ARG_EXERCISES)
    list(APPEND stubs exercises/${file})
    list(APPEND solutions exercises/solutions/${file})
  endforeach()
  foreach(kind IN ITEMS learner solution)
    if(kind STREQUAL "learner")
      set(target ${chapter}_exercises)
      set(sources ${stubs})
      set(labels "exercises")
    else()
      set(target ${chapter}_exercises_solution)
      set(sources ${solutions})
      set(labels "${chapter}")
    endif()
    if(kind STREQUAL "learner")
      add_executable(${target} EXCLUDE_FROM_ALL exercises/${ARG_GRADER} ${sources})
    else()
      add_executable(${target} exercises/${ARG_GRADER} ${sources})
      _byo_attach(${chapter} ${target})
    endif()
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/exercises)
    target_link_libraries(${target} PRIVATE byo_${chapter} ${ARG_LINKS} byo_warnings)
    if(kind STREQUAL "learner")
      # The learner's command itself, build and grade; one build at a time in this tree.
      add_test(NAME ${target}
               COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target ${chapter}_grade)
      set_tests_properties(${target} PROPERTIES RESOURCE_LOCK byo_build_tree)
    else()
      add_test(NAME ${target} COMMAND ${target})
    endif()
    set_tests_properties(${target} PROPERTIES LABELS "${labels}")
  endforeach()
  # The learner's grader stays out of ALL and of the umbrella target (checked in the
  # generated build files).
  get_property(umbrella GLOBAL PROPERTY BYO_${chapter}_UMBRELLA)
  if(umbrella)
    file(RELATIVE_PATH dir ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR})
    add_test(NAME ${chapter}_exercises_apart
             COMMAND ${CMAKE_COMMAND} -DBUILD=${PROJECT_BINARY_DIR} -DDIR=${dir}
                     -DUMBRELLA=${umbrella} -DLEARNER=${chapter}_exercises
                     -P ${PROJECT_SOURCE_DIR}/cmake/CheckExercisesApart.cmake)
    set_tests_properties(${chapter}_exercises_apart PROPERTIES LABELS ${chapter})
  endif()
  add_custom_target(${chapter}_grade
    COMMAND ${chapter}_exercises
    DEPENDS ${chapter}_exercises
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Grading the exercises of ${chapter} (exercises/*.cpp)"
    USES_TERMINAL)
endfunction()
