# Helpers that give every chapter the same shape:
#
#   byo_add_chapter(ch04 operators SOURCES src/a.cpp ... LINKS byo_ch03)
#       the library byo_ch04 (headers in the chapter's byo/ folder, which only targets that
#       link it can see), and the umbrella target ch04_operators that builds the chapter's
#       library, demo, tests and exercises: `cmake --build build --target ch04_operators`.
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
  target_include_directories(${lib} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${lib} PUBLIC ${ARG_LINKS} PRIVATE byo_warnings)
  add_custom_target(${chapter}_${name} DEPENDS ${lib})
  set_property(GLOBAL PROPERTY BYO_${chapter}_UMBRELLA ${chapter}_${name})
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
#                            Its test is labelled "exercises" only, so neither the main
#                            suite nor `ctest -L chNN` runs the learner's unfinished work.
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
    add_executable(${target} exercises/${ARG_GRADER} ${sources})
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/exercises)
    target_link_libraries(${target} PRIVATE byo_${chapter} ${ARG_LINKS} byo_warnings)
    add_test(NAME ${target} COMMAND ${target})
    set_tests_properties(${target} PROPERTIES LABELS "${labels}")
    _byo_attach(${chapter} ${target})
  endforeach()
  add_custom_target(${chapter}_grade
    COMMAND ${chapter}_exercises
    DEPENDS ${chapter}_exercises
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Grading the exercises of ${chapter} (exercises/*.cpp)"
    USES_TERMINAL)
endfunction()
