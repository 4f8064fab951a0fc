# The binary names the commit it was built from: `mailstorm --version` against
# `git rev-parse --short HEAD` (and "-dirty" exactly when tracked files have changes). Fails when
# the binary is older than the checkout: rebuild before testing. Outside a git checkout the
# binary must say "unknown".
execute_process(COMMAND ${MAILSTORM} --version OUTPUT_VARIABLE version RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "mailstorm --version exited ${code}")
endif()
string(REGEX MATCH "\\(git ([^)]*)\\)" found "${version}")
if(NOT found)
  message(FATAL_ERROR "no \"(git REVISION)\" in: ${version}")
endif()
set(revision "${CMAKE_MATCH_1}")
set(expected "unknown")
if(GIT)
  execute_process(COMMAND ${GIT} rev-parse --short HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE head_code ERROR_QUIET)
  if(head_code EQUAL 0 AND head)
    set(expected "${head}")
    execute_process(COMMAND ${GIT} status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(changes)
      set(expected "${head}-dirty")
    endif()
  endif()
endif()
if(NOT revision STREQUAL expected)
  message(FATAL_ERROR "mailstorm says it was built from '${revision}', the checkout is '${expected}': "
                      "a stale binary (rebuild), or the build does not read the revision")
endif()
message(STATUS "mailstorm --version names ${revision}")
