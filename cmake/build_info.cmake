# Writes the build-info header (version and git revision) for every build, not only at configure
# time, so that result files name the commit the binary was built from. Run by the
# mailstorm_build_info target (cli/CMakeLists.txt) as
#   cmake -DSOURCE_DIR=... -DTEMPLATE=... -DOUT=... -DPROJECT_VERSION=... -DGIT=... -P build_info.cmake
# The header is rewritten only when its text changes, so an unchanged revision recompiles nothing.
# The revision is `git rev-parse --short HEAD`, with "-dirty" when tracked files differ from it;
# "unknown" outside a git checkout or without git.
set(MAILSTORM_GIT_REVISION "unknown")
if(GIT)
  execute_process(COMMAND ${GIT} rev-parse --short HEAD
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE head_result ERROR_QUIET)
  if(head_result EQUAL 0 AND head)
    set(MAILSTORM_GIT_REVISION "${head}")
    execute_process(COMMAND ${GIT} status --porcelain --untracked-files=no
                    WORKING_DIRECTORY ${SOURCE_DIR}
                    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE status_result ERROR_QUIET)
    if(status_result EQUAL 0 AND changes)
      set(MAILSTORM_GIT_REVISION "${head}-dirty")
    endif()
  endif()
endif()
configure_file(${TEMPLATE} ${OUT} @ONLY)
