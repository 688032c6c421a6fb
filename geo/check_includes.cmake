# cmake -DMODULE=name -DFOLDERS=a|b -DALLOWED=a|b|c -DROOT=dir -DSTAMP=file [-DHINT=text] -P this
# Fails, naming the module and each file and line ("geo/crs/x.h:3: #include …"), when a file
# of the module's folders (below ROOT) includes a geo/ header from a folder the module does not
# depend on (geo/CMakeLists.txt).
# An ALLOWED entry is a folder of geo/ ("." for geo/ itself) or one header ("rules/finding.h").
cmake_minimum_required(VERSION 3.22)
string(REPLACE "|" ";" folders "${FOLDERS}")
string(REPLACE "|" ";" allowed "${ALLOWED}")
set(problems "")
foreach(folder IN LISTS folders)
    file(GLOB files ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cpp)
    foreach(file IN LISTS files)
        file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"geo/")
        foreach(line IN LISTS lines)
            string(REGEX REPLACE "^[^\"]*\"geo/([^\"]*)\".*$" "\\1" header "${line}")
            if(header MATCHES "/")
                string(REGEX REPLACE "/.*$" "" target "${header}")
            else()
                set(target ".")
            endif()
            if(NOT target IN_LIST allowed AND NOT header IN_LIST allowed)
                # The line number, looked up only for a refused include (rare).
                file(READ ${file} text)
                string(FIND "${text}" "${line}" offset)
                string(SUBSTRING "${text}" 0 ${offset} before)
                string(REGEX MATCHALL "\n" newlines "${before}")
                list(LENGTH newlines at)
                math(EXPR at "${at} + 1")
                file(RELATIVE_PATH shown ${ROOT}/.. ${file})
                string(APPEND problems "\n  ${shown}:${at}: #include \"geo/${header}\"")
            endif()
        endforeach()
    endforeach()
endforeach()
if(problems)
    if(NOT HINT)
        string(CONCAT HINT "Declare the dependency in geo/CMakeLists.txt if it does not close a "
                           "cycle, or move the code to the module it belongs to.")
    endif()
    message(FATAL_ERROR "'${MODULE}' (folders ${FOLDERS}) may include only its own headers and "
                        "those of the modules it depends on (${ALLOWED}); these files include "
                        "others:${problems}\n${HINT}")
endif()
file(TOUCH ${STAMP})
