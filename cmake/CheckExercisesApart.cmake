# Checks, in the generated build files, that the learner's grader chNN_exercises is built by
# neither ALL nor the chapter's umbrella target, so that a half-written exercise (even a
# syntax error) breaks only `cmake --build build --target chNN_grade`: the library, demo and
# tests still build. Run by the test chNN_exercises_apart:
#   cmake -DBUILD=<build dir> -DDIR=chapters/NN_x -DUMBRELLA=chNN_x -DLEARNER=chNN_exercises
#         -P cmake/CheckExercisesApart.cmake
if(EXISTS "${BUILD}/CMakeFiles/Makefile2")
  file(STRINGS "${BUILD}/CMakeFiles/Makefile2" lines
       REGEX "^(${DIR}/all|${DIR}/CMakeFiles/${UMBRELLA}.dir/all): .*/${LEARNER}.dir/all$")
elseif(EXISTS "${BUILD}/build.ninja")
  find_program(NINJA ninja REQUIRED)
  execute_process(COMMAND ${NINJA} -C "${BUILD}" -t query ${UMBRELLA} all
                  OUTPUT_VARIABLE out)
  string(REGEX MATCHALL "[^\n]*${LEARNER}[^\n]*" lines "${out}")
  list(FILTER lines INCLUDE REGEX "^ +[^ ]*${LEARNER}$")  # inputs, not the target itself
else()
  message(STATUS "only the Makefile and Ninja generators can be checked; skipped")
  return()
endif()
if(lines)
  message(FATAL_ERROR "${LEARNER} (the learner's exercise files) is built by ALL or by "
                      "${UMBRELLA}: a half-written exercise would break the chapter's build. "
                      "Found: ${lines}")
endif()
message(STATUS "${LEARNER} is built only by its grading command, not by ALL nor ${UMBRELLA}")
