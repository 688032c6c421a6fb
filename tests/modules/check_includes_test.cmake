# cmake -DCHECK=geo/check_includes.cmake -DFIXTURE=tests/modules/fixture/geo -DWORK=dir -P this
# The build's include check (geo/check_includes.cmake) on a small tree: a module whose file
# includes a header of a module it does not depend on is refused, naming the file and the line;
# the same tree passes once the dependency is declared, and a module with a clean file passes.
cmake_minimum_required(VERSION 3.22)
file(MAKE_DIRECTORY ${WORK})

function(run_check name folders allowed)
    file(REMOVE ${WORK}/${name}.checked)
    execute_process(
        COMMAND ${CMAKE_COMMAND} -DMODULE=${name} -DFOLDERS=${folders} -DALLOWED=${allowed}
                -DROOT=${FIXTURE} -DSTAMP=${WORK}/${name}.checked -P ${CHECK}
        RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(result ${result} PARENT_SCOPE)
    set(said "${out}${err}" PARENT_SCOPE)
endfunction()

# crs depends on core only: its header that reads model/ is refused, with file and line.
run_check(crs "crs" ".|crs")
if(result EQUAL 0)
    message(FATAL_ERROR "crs including geo/model/geometry_store.h was accepted:\n${said}")
endif()
if(NOT said MATCHES "geo/crs/gauss_kruger.h:5: #include \"geo/model/geometry_store.h\"")
    message(FATAL_ERROR "the refusal does not name geo/crs/gauss_kruger.h line 5:\n${said}")
endif()
if(said MATCHES "crs.cpp" OR said MATCHES "envelope.h")
    message(FATAL_ERROR "the refusal names includes that are allowed:\n${said}")
endif()
if(EXISTS ${WORK}/crs.checked)
    message(FATAL_ERROR "a refused module was marked checked")
endif()

# model depends on crs: allowed, and checked.
run_check(model "model" ".|crs|model")
if(NOT result EQUAL 0 OR NOT EXISTS ${WORK}/model.checked)
    message(FATAL_ERROR "model including geo/crs/crs.h was refused:\n${said}")
endif()

# With model declared (as one module of both folders, as `data` was), the same file passes.
run_check(data "crs|model" ".|crs|model")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "a declared dependency was refused:\n${said}")
endif()
