# Checks the include directions of server/core's folders (run by CTest as
# include_directions): cmake -DCORE=<server/core> -P includes.cmake
#   store/  never includes ws/, api/, admin/ or broker/: it knows the rest of the
#           server only through StoreSink and Audience;
#   broker/ never includes ws/, api/ or admin/: a store, it delivers through StoreSink;
#   cluster/ never includes api/: the routes and the admin channel ask it;
#   ws/     never includes api/;
#   push/   never includes api/: it knows nothing of HTTP;
#   admin/  never includes api/;
#   config/ includes only config/ (and shared/, Qt).
# A failure names the file and the include.
set(rules
    "store|ws/|api/|admin/|broker/"
    "broker|ws/|api/|admin/"
    "cluster|api/"
    "ws|api/"
    "push|api/"
    "admin|api/"
    "config|ws/|api/|admin/|store/|push/|broker/")
set(failures "")
set(checked 0)
foreach(rule IN LISTS rules)
    string(REPLACE "|" ";" parts "${rule}")
    list(POP_FRONT parts folder)
    file(GLOB_RECURSE sources "${CORE}/${folder}/*.h" "${CORE}/${folder}/*.cpp")
    foreach(source IN LISTS sources)
        math(EXPR checked "${checked} + 1")
        file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"")
        foreach(line IN LISTS includes)
            foreach(forbidden IN LISTS parts)
                if(line MATCHES "\"${forbidden}")
                    file(RELATIVE_PATH shown "${CORE}" "${source}")
                    string(APPEND failures "\n  ${shown}: ${line}")
                endif()
            endforeach()
        endforeach()
    endforeach()
endforeach()
if(checked EQUAL 0)
    message(FATAL_ERROR "no sources found under ${CORE}")
endif()
if(failures)
    message(FATAL_ERROR "includes against the layering:${failures}")
endif()
message(STATUS "${checked} files follow the include directions")
