#pragma once

#include "geo/envelope.h"

#include <optional>
#include <string>

namespace parkatlas::geo {

/// The Chinese geodetic datums with Gauss-Krüger zone families in EPSG.
enum class ChineseDatum { Cgcs2000, Xian1980, Beijing1954 };

const char* toString(ChineseDatum datum);

/// EPSG code of a Gauss-Krüger CRS: zone width 3 or 6 degrees, central meridian in degrees
/// (75–135), with the zone number prefixed to the easting or not. nullopt when EPSG has none.
std::optional<int> gaussKrugerEpsg(ChineseDatum datum, int zoneWidthDeg, int centralMeridianDeg,
                                   bool zonePrefixedEasting);

/// A CRS proposed from coordinates alone (a layer with no .prj). Never applied silently: the
/// user confirms it with --s-srs or in the project file.
struct ZoneProposal {
    int zone = 0; // 25–45 (3-degree) or 13–23 (6-degree)
    int zoneWidthDeg = 3;
    int centralMeridianDeg = 0;
    int epsgCgcs2000 = 0; // the usual case today
    int epsgXian1980 = 0; // what older surveys use for the same zone
    int epsgBeijing1954 = 0;
    std::string reason; // "eastings 38 4xx xxx–38 5xx xxx carry zone number 38 …"
};

/// Recognises 8-digit eastings whose first two digits are a Gauss-Krüger zone number (as
/// Chinese surveys write them) with northings inside China. nullopt when the extent does not
/// look like that (or spans two zones).
std::optional<ZoneProposal> proposeZoneFromExtent(const Envelope& extent);

/// A hint for coordinates with no CRS that are not zone-prefixed: degrees, or eastings without
/// a zone (which cannot name their central meridian). Empty when there is nothing to say.
std::string crsHintFromExtent(const Envelope& extent);

} // namespace parkatlas::geo
