# The book is tested like the code: one test per README, labelled `docs` and the chapter's
# label (`ctest -L docs`, `ctest -L ch04`), runs docs/check_readme.py on it. It runs every
# command whose output the README shows, compares with the block after one normalisation
# (times, rates, paths), checks the code excerpts against their source files, and fails
# with a diff. How: docs/README.md, "Outputs are tested".
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "Python 3 not found: the README tests (label docs) are skipped")
  return()
endif()

function(byo_add_readme_test name readme labels)
  add_test(NAME docs_${name}
           COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/docs/check_readme.py
                   --source ${PROJECT_SOURCE_DIR} --build ${PROJECT_BINARY_DIR} ${readme}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # RUN_SERIAL: the outputs include timings and thread counts, so no other test shares
  # the cores with them.
  set_tests_properties(docs_${name} PROPERTIES LABELS "docs;${labels}" RUN_SERIAL TRUE)
endfunction()

byo_add_readme_test(readme README.md docs)
byo_add_readme_test(docs_readme docs/README.md docs)
foreach(chapter IN LISTS BYO_CHAPTERS)
  string(SUBSTRING ${chapter} 0 2 number)
  foreach(page README going_further)
    if(EXISTS ${PROJECT_SOURCE_DIR}/chapters/${chapter}/${page}.md)
      byo_add_readme_test(ch${number}_${page} chapters/${chapter}/${page}.md ch${number})
    endif()
  endforeach()
endforeach()

# The README's install line is .ci/packages.txt, the list CI installs.
add_test(NAME docs_packages
         COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/docs/check_packages.py
                 --source ${PROJECT_SOURCE_DIR})
set_tests_properties(docs_packages PROPERTIES LABELS docs)

# Every `cmake --build build --target X` and `ctest -L Y` in a README or an exercise stub
# names a target that exists and a label that selects tests.
add_test(NAME docs_commands
         COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/docs/check_commands.py
                 --source ${PROJECT_SOURCE_DIR} --build ${PROJECT_BINARY_DIR})
set_tests_properties(docs_commands PROPERTIES LABELS docs)
