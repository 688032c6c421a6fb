#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parkatlas::geo {

/// A Transverse Mercator CRS as an ESRI .prj writes it, read from the text without PROJ
/// (microseconds, where making a Crs through PROJ's database takes a tenth of a second). Only
/// a projected CRS of this exact shape is recognised, the way Chinese Gauss-Krüger zones
/// (CGCS2000, Xi'an 1980, Beijing 1954) and most Transverse Mercator zones are written:
///   PROJCS[name, GEOGCS[name, DATUM[name, SPHEROID[…, a, 1/f]], PRIMEM[…, 0], UNIT["Degree", …]],
///          PROJECTION["Gauss_Kruger" | "Transverse_Mercator"], the five PARAMETERs
///          (False_Easting, False_Northing, Central_Meridian, Scale_Factor,
///          Latitude_Of_Origin), UNIT["Meter", 1]]
/// Anything else (another unit, a datum shift, an authority, an unknown parameter) gives
/// nullopt.
struct EsriTransverseMercator {
    std::string projected;  // PROJCS's name, "CGCS2000_3_Degree_GK_CM_114E"
    std::string geographic; // GEOGCS's, "GCS_China_Geodetic_Coordinate_System_2000"
    std::string datum;      // "D_China_2000"
    std::string projection; // "Gauss_Kruger" or "Transverse_Mercator"
    double semiMajorM = 0;
    double inverseFlattening = 0;
    double centralMeridianDeg = 0;
    double latitudeOfOriginDeg = 0;
    double scaleFactor = 1;
    double falseEastingM = 0; // in metres: the unit is the metre
    double falseNorthingM = 0;
};

std::optional<EsriTransverseMercator> readEsriTransverseMercator(std::string_view prj);

/// The EPSG code GDAL's shapefile driver identifies a .prj as, found without PROJ's database,
/// when the .prj is one of the Chinese Gauss-Krüger zones written exactly as ArcGIS and PROJ
/// write them: CGCS2000, Xi'an 1980 or Beijing 1954, 3° or 6° zones, named by central meridian
/// ("CGCS2000_3_Degree_GK_CM_114E": EPSG:4547) or by zone with the zone in the easting
/// ("Xian_1980_GK_Zone_19": EPSG:2333), with the names, spheroid and parameters that name
/// implies. Anything else (another name, a parameter off, another datum) gives nullopt, and is
/// left to GDAL. EsriPrjTest.EveryChineseGaussKrugerZoneIsTheEpsgCrsGdalIdentifies holds each of
/// the 192 zones to what GDAL's driver makes of the same .prj.
std::optional<int> chineseGaussKrugerEpsgOfEsriPrj(std::string_view prj);

} // namespace parkatlas::geo
