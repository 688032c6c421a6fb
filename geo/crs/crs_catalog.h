#pragma once

#include <string>
#include <vector>

namespace parkatlas::geo {

/// One coordinate reference system PROJ's database knows.
struct CrsCatalogEntry {
    std::string authority; // "EPSG"
    std::string code;      // "4547"
    std::string name;      // "CGCS2000 / 3-degree Gauss-Kruger CM 114E"
    bool projected = false;
    std::string areaName; // "China - 112.5°E to 115.5°E", "" when PROJ has none

    /// "EPSG:4547", the form Crs::fromUserInput and the project file take.
    std::string definition() const { return authority + ":" + code; }
};

/// The geographic 2D and projected CRSs of EPSG in PROJ's database (deprecated ones left out),
/// in code order, for a CRS picker. Thread-safety: reentrant (its own PJ_CONTEXT per call).
/// Empty when the database cannot be read.
std::vector<CrsCatalogEntry> crsCatalog();

} // namespace parkatlas::geo
