# Warnings, sanitizers and the one helper used to declare every test program.

add_library(mailstorm_warnings INTERFACE)
add_library(mailstorm::warnings ALIAS mailstorm_warnings)
target_compile_options(mailstorm_warnings INTERFACE -Wall -Wextra -Wpedantic
                       $<$<BOOL:${MAILSTORM_WERROR}>:-Werror>)

# float-cast-overflow is not part of g++'s -fsanitize=undefined (it is of clang's): a double
# converted to an integer type that cannot hold it (TOML++ 3.3's formatter did so on [sweep]
# arrays, found by the clang fuzzer) is caught in the sanitizer build too.
if(MAILSTORM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined,float-cast-overflow
                      -fno-sanitize-recover=undefined,float-cast-overflow -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined,float-cast-overflow)
endif()

# mailstorm_add_test(NAME name SOURCES a.cpp b.cpp LIBS lib... [SLOW]): a Catch2 v2 test program
# whose test cases are each registered with CTest. SLOW labels them `slow`: statistical tests over
# many full runs, which the sanitizer build skips (they run in the Release build).
function(mailstorm_add_test)
  cmake_parse_arguments(T "SLOW" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE mailstorm_catch_main ${T_LIBS} mailstorm::warnings)
  if(T_SLOW)
    set(labels slow)
  else()
    set(labels unit)
  endif()
  catch_discover_tests(${T_NAME} TEST_PREFIX "${T_NAME}:" PROPERTIES TIMEOUT 1200 LABELS ${labels})
endfunction()
