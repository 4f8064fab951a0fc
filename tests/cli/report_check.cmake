# cmake -DMAILSTORM=<exe> -DCHROMIUM=<browser or NOTFOUND> -DWORK=<folder>
#       (-DSCENARIO=<toml> | -DFOLDER=<result folder>) [-DMIN_CHARTS=n] -P report_check.cmake
# `mailstorm report` end to end: writes the page of a run (of SCENARIO, with --cascade) or of a
# fixture FOLDER, checks that it loads nothing from elsewhere, renders it in headless Chromium with
# every host name unresolvable, and checks in the rendered DOM that every chart drew marks, with
# no error and no Vega warning.
cmake_minimum_required(VERSION 3.25)
if(NOT CHROMIUM)
  message(FATAL_ERROR "chromium not found when CMake configured: install it with "
                      "`bash scripts/install-deps.sh`, then re-run cmake")
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
function(run_ok)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${ARGN}: exit status ${code}\n${out}\n${err}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
endfunction()

if(SCENARIO)
  run_ok(${MAILSTORM} run ${SCENARIO} --quiet --cascade --out ${WORK}/run)
  set(FOLDER ${WORK}/run)
endif()
run_ok(${MAILSTORM} report ${FOLDER} -o ${WORK}/report.html)
message(STATUS "${last_out}")
file(READ ${WORK}/report.html html)

# Self-contained: no element that would fetch anything. The libraries' code (which mentions <img>
# for its PNG export) is left out of this check; the resolver rule below covers what it does.
set(shell "")
set(rest "${html}")
while(TRUE)
  string(FIND "${rest}" "<script" at)
  if(at EQUAL -1)
    string(APPEND shell "${rest}")
    break()
  endif()
  string(SUBSTRING "${rest}" 0 ${at} before)
  string(SUBSTRING "${rest}" ${at} -1 rest)
  string(FIND "${rest}" ">" tag_end)
  math(EXPR tag_end "${tag_end} + 1")
  string(SUBSTRING "${rest}" 0 ${tag_end} tag)
  string(APPEND shell "${before}${tag}")
  string(FIND "${rest}" "</script>" close)
  if(close EQUAL -1)
    message(FATAL_ERROR "report.html: a <script> element is not closed")
  endif()
  string(SUBSTRING "${rest}" ${close} -1 rest)
endwhile()
foreach(pattern "<script[^>]* src=" "<link[ >]" "<iframe" "<img" "<object" "<embed" "@import" "url\\(")
  if(shell MATCHES "${pattern}")
    message(FATAL_ERROR "report.html has '${CMAKE_MATCH_0}': the page must not load anything")
  endif()
endforeach()
string(REGEX MATCH "data-charts-expected=\"([0-9]+)\"" _ "${html}")
set(expected ${CMAKE_MATCH_1})
if(NOT MIN_CHARTS)
  set(MIN_CHARTS 1)
endif()
if(NOT expected OR expected LESS MIN_CHARTS)
  message(FATAL_ERROR "the page announces '${expected}' charts, expected at least ${MIN_CHARTS}")
endif()

# Virtual time lets the scripts finish before the DOM is dumped; the resolver rule makes any
# network request fail, so a page that needed one would not draw.
execute_process(
  COMMAND ${CHROMIUM} --headless=new --no-sandbox --disable-gpu --no-first-run
          --disable-extensions --user-data-dir=${WORK}/profile --virtual-time-budget=20000
          "--host-resolver-rules=MAP * ~NOTFOUND" --dump-dom file://${WORK}/report.html
  RESULT_VARIABLE code OUTPUT_VARIABLE dom ERROR_VARIABLE chromium_err TIMEOUT 120)
file(WRITE ${WORK}/rendered.html "${dom}")
if(NOT code EQUAL 0)
  message(FATAL_ERROR "chromium exit status ${code}\n${chromium_err}")
endif()
string(REGEX MATCH "<body [^>]*data-charts-expected=[^>]*>" body "${dom}")
foreach(attribute report-done charts-rendered chart-errors chart-warnings)
  string(REGEX MATCH "data-${attribute}=\"([^\"]*)\"" _ "${body}")
  set(${attribute} "${CMAKE_MATCH_1}")
endforeach()
if(NOT report-done STREQUAL "true")
  message(FATAL_ERROR "the page's script did not finish (body: ${body}); see ${WORK}/rendered.html")
endif()
# (Semicolons would split CMake's list of matches: style="cursor: default;".)
string(REPLACE ";" "," dom_no_semicolons "${dom}")
string(REGEX MATCHALL "<div class=\"chart[^>]*>" charts "${dom_no_semicolons}")
set(problems "")
foreach(chart IN LISTS charts)
  if(NOT chart MATCHES "data-rendered=\"true\"" OR chart MATCHES "data-error=" OR
     NOT chart MATCHES "data-warnings=\"0\"")
    string(APPEND problems "\n  ${chart}")
  endif()
endforeach()
list(LENGTH charts containers)
if(NOT charts-rendered EQUAL expected OR NOT containers EQUAL expected OR NOT chart-errors EQUAL 0
   OR NOT chart-warnings EQUAL 0 OR problems)
  message(FATAL_ERROR "charts: ${expected} expected, ${containers} containers, ${charts-rendered} "
                      "drew, ${chart-errors} failed, ${chart-warnings} with warnings${problems}\n"
                      "see ${WORK}/rendered.html")
endif()
# Each chart is an SVG in its container.
string(REGEX MATCHALL "<svg" svgs "${dom}")
list(LENGTH svgs svg_count)
if(svg_count LESS expected)
  message(FATAL_ERROR "${svg_count} <svg> elements for ${expected} charts")
endif()
message(STATUS "all ${expected} charts drew")
