# PARKATLAS_VERSION_FULL: the project version, and for a build from git between releases the
# number of commits and the commit, in a form Debian's version comparison orders correctly:
#   0.1.0                 a release (HEAD tagged v0.1.0)
#   0.1.0+git412.ca96692  412 commits in, at ca96692 (later builds sort higher)
# Read at configure time; scripts/package configures afresh so a package is always current.
set(PARKATLAS_VERSION_FULL ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
    execute_process(COMMAND ${GIT_EXECUTABLE} describe --tags --exact-match --match "v*"
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE tag
        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE untagged)
    if(untagged)
        execute_process(COMMAND ${GIT_EXECUTABLE} rev-list --count HEAD
            WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE count
            OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=7 HEAD
            WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE commit
            OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(count AND commit)
            set(PARKATLAS_VERSION_FULL "${PROJECT_VERSION}+git${count}.${commit}")
        endif()
    endif()
endif()
message(STATUS "ParkAtlas version ${PARKATLAS_VERSION_FULL}")
# Only the files that print it include the generated header, so a new commit recompiles two
# files, not every file of a target.
configure_file(${CMAKE_CURRENT_LIST_DIR}/parkatlas_version.h.in
    ${PROJECT_BINARY_DIR}/generated/parkatlas_version.h @ONLY)
