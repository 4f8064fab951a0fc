# cmake -DMAILSTORM=<exe> -DDOC=<docs/scenarios.md> -DMODE=write|check -P docs_scenarios.cmake
# Writes the scenario reference from `mailstorm params --markdown`, or checks the committed one.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${MAILSTORM} params --markdown
                OUTPUT_VARIABLE generated ERROR_VARIABLE errors RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "`mailstorm params --markdown` failed (${result}): ${errors}")
endif()
if(MODE STREQUAL "write")
  file(WRITE ${DOC} "${generated}")
  message(STATUS "wrote ${DOC}")
elseif(MODE STREQUAL "check")
  if(NOT EXISTS ${DOC})
    message(FATAL_ERROR "${DOC} is missing. Generate it with: "
                        "cmake --build build --target docs_scenarios")
  endif()
  file(READ ${DOC} committed)
  if(NOT committed STREQUAL generated)
    message(FATAL_ERROR "${DOC} is stale: it differs from `mailstorm params --markdown`. "
                        "Regenerate it with: cmake --build build --target docs_scenarios "
                        "(then commit docs/scenarios.md)")
  endif()
else()
  message(FATAL_ERROR "MODE must be write or check")
endif()
