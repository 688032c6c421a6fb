#pragma once

#include <string>

namespace parkatlas::geo {

/// The folder of style and rule data (landuse.json, thresholds.json): $PARKATLAS_STYLES when
/// set, else next to the executable (../share/parkatlas/styles, ../../styles, ../styles), else
/// the source tree's styles/ (PARKATLAS_SOURCE_DIR, for builds run in place). Throws IoError
/// naming the places it looked when none holds landuse.json. Thread-safe.
std::string stylesDirectory();

/// stylesDirectory() + "/" + fileName.
std::string stylePath(const std::string& fileName);

} // namespace parkatlas::geo
