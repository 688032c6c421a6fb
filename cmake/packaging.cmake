# The installed layout (GNUInstallDirs under CMAKE_INSTALL_PREFIX, /usr in the package) and the
# Debian package CPack makes of it (scripts/package).
#   bin/parkatlas, bin/parkatlas-maps, bin/parkatlas-gui
#   share/parkatlas/styles/        styles, rules, names and page templates (geo::stylesDirectory
#                                  finds it from the program's own location: ../share/parkatlas)
#   share/parkatlas/sample/        the sample park
#   share/applications, share/icons/hicolor, share/mime/packages, share/man/man1,
#   share/bash-completion/completions
# Translations are compiled into parkatlas-gui (app/desktop/CMakeLists.txt).
include(GNUInstallDirs)

install(TARGETS parkatlas RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET parkatlas-maps)
    # map, report and sheet (Qt), which parkatlas execs from beside itself (app/cli/cli.cpp).
    install(TARGETS parkatlas-maps RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/styles/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/parkatlas/styles)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/sample/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/parkatlas/sample)
# The web map's page and MapLibre GL JS (npm ci in web/ by scripts/setup), which `publish`
# copies into every site (geo/publish/web_site.cpp finds ../share/parkatlas/web).
install(FILES ${PROJECT_SOURCE_DIR}/web/index.html ${PROJECT_SOURCE_DIR}/web/app.js
    ${PROJECT_SOURCE_DIR}/web/app.css DESTINATION ${CMAKE_INSTALL_DATADIR}/parkatlas/web)
install(FILES ${PROJECT_SOURCE_DIR}/web/node_modules/maplibre-gl/dist/maplibre-gl.js
    ${PROJECT_SOURCE_DIR}/web/node_modules/maplibre-gl/dist/maplibre-gl.css
    ${PROJECT_SOURCE_DIR}/web/node_modules/maplibre-gl/LICENSE.txt
    DESTINATION ${CMAKE_INSTALL_DATADIR}/parkatlas/web/node_modules/maplibre-gl/dist OPTIONAL)

if(TARGET parkatlas-gui)
    install(TARGETS parkatlas-gui RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/parkatlas.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/parkatlas-mime.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME parkatlas.xml)
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/parkatlas.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
    # The usual bitmap sizes, drawn from the one SVG at build time (rsvg-convert, from
    # librsvg2-bin, which scripts/package installs); without it only the SVG is installed.
    find_program(RSVG_CONVERT rsvg-convert)
    if(RSVG_CONVERT)
        foreach(size 16 22 24 32 48 64 128 256 512)
            set(png ${PROJECT_BINARY_DIR}/icons/${size}x${size}/parkatlas.png)
            add_custom_command(OUTPUT ${png}
                COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/icons/${size}x${size}
                COMMAND ${RSVG_CONVERT} -w ${size} -h ${size}
                    -o ${png} ${PROJECT_SOURCE_DIR}/packaging/parkatlas.svg
                DEPENDS ${PROJECT_SOURCE_DIR}/packaging/parkatlas.svg VERBATIM)
            list(APPEND PARKATLAS_ICONS ${png})
            install(FILES ${png}
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
        endforeach()
        add_custom_target(parkatlas_icons ALL DEPENDS ${PARKATLAS_ICONS})
    endif()
endif()

# Man pages (parkatlas(1) and parkatlas-COMMAND(1) for each command) and the bash completion,
# made from the program's own --help at build time, so they cannot drift from it.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND NOT CMAKE_CROSSCOMPILING)
    set(PARKATLAS_DOCS_DIR ${PROJECT_BINARY_DIR}/docs-from-help)
    add_custom_command(OUTPUT ${PARKATLAS_DOCS_DIR}/stamp
        COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/packaging/from_help.py
            $<TARGET_FILE:parkatlas> ${PARKATLAS_DOCS_DIR} ${PARKATLAS_VERSION_FULL}
        DEPENDS parkatlas ${PROJECT_SOURCE_DIR}/packaging/from_help.py
        COMMENT "Man pages and bash completion from parkatlas --help" VERBATIM)
    add_custom_target(parkatlas_docs ALL DEPENDS ${PARKATLAS_DOCS_DIR}/stamp)
    install(DIRECTORY ${PARKATLAS_DOCS_DIR}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR})
    install(FILES ${PARKATLAS_DOCS_DIR}/completion/parkatlas
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()

# The Debian package: parkatlas_<version>_<arch>.deb in the build folder.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME parkatlas)
set(CPACK_PACKAGE_VERSION ${PARKATLAS_VERSION_FULL})
set(CPACK_PACKAGE_CONTACT "ParkAtlas developers <parkatlas@localhost>")
set(CPACK_PACKAGE_VENDOR "ParkAtlas")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "GIS for industrial parks: areas in mu, plan check, idle-land audit, committee maps")
set(CPACK_PACKAGE_DESCRIPTION
    "ParkAtlas loads a development zone's boundary, parcels, plan, land acquisition, idle land,
roads and pipelines from shapefiles (GBK or UTF-8), GeoPackages, CAD drawings, geodatabases,
VCT files and Excel ledgers; computes every area in mu (亩) on the ellipsoid; flags plots
against the plan (控制性详细规划); audits idle land (闲置土地) clause by clause; and writes the
committee's maps, ledgers and findings. Command line (parkatlas) and viewer (parkatlas-gui).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/parkatlas")
# The dependencies are what dpkg-shlibdeps finds the programs linked against: no list by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beyond the libraries: a CJK font, without which every Chinese label is a row of boxes
# (CPack adds the shlibdeps list to this).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-15-postgis-3, odbc-mdbtools")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
