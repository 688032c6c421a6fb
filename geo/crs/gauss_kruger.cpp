#include "geo/crs/gauss_kruger.h"

#include <cmath>
#include <cstdio>

namespace parkatlas::geo {

const char* toString(ChineseDatum datum)
{
    switch (datum) {
    case ChineseDatum::Cgcs2000:
        return "CGCS2000";
    case ChineseDatum::Xian1980:
        return "Xi'an 1980";
    case ChineseDatum::Beijing1954:
        return "Beijing 1954";
    }
    return "";
}

std::optional<int> gaussKrugerEpsg(ChineseDatum datum, int zoneWidthDeg, int centralMeridianDeg,
                                   bool zonePrefixedEasting)
{
    if (centralMeridianDeg < 75 || centralMeridianDeg > 135)
        return std::nullopt;
    if (zoneWidthDeg == 3) {
        if (centralMeridianDeg % 3 != 0)
            return std::nullopt;
        const int index = (centralMeridianDeg - 75) / 3; // 0..20
        switch (datum) {
        case ChineseDatum::Cgcs2000:
            return (zonePrefixedEasting ? 4513 : 4534) + index;
        case ChineseDatum::Xian1980:
            return (zonePrefixedEasting ? 2349 : 2370) + index;
        case ChineseDatum::Beijing1954:
            return (zonePrefixedEasting ? 2401 : 2422) + index;
        }
    }
    if (zoneWidthDeg == 6) {
        if ((centralMeridianDeg + 3) % 6 != 0)
            return std::nullopt;
        const int index = (centralMeridianDeg - 75) / 6; // 0..10
        switch (datum) {
        case ChineseDatum::Cgcs2000:
            return (zonePrefixedEasting ? 4491 : 4502) + index;
        case ChineseDatum::Xian1980:
            return (zonePrefixedEasting ? 2327 : 2338) + index;
        case ChineseDatum::Beijing1954:
            return (zonePrefixedEasting ? 21413 : 21453) + index;
        }
    }
    return std::nullopt;
}

namespace {
// Northings of Gauss-Krüger coordinates inside China (about 3°N to 54°N), in metres.
bool northingInChina(double y)
{
    return y > 300000.0 && y < 6100000.0;
}
} // namespace

std::optional<ZoneProposal> proposeZoneFromExtent(const Envelope& extent)
{
    if (extent.isEmpty() || !std::isfinite(extent.minX) || !std::isfinite(extent.maxX))
        return std::nullopt;
    if (!northingInChina(extent.minY) || !northingInChina(extent.maxY))
        return std::nullopt;
    const double zoneOfMin = std::floor(extent.minX / 1e6);
    const double zoneOfMax = std::floor(extent.maxX / 1e6);
    if (zoneOfMin != zoneOfMax)
        return std::nullopt;
    const int zone = static_cast<int>(zoneOfMin);
    // Within the zone, eastings stay within ±400 km of the 500 km false easting.
    const double localMin = extent.minX - zone * 1e6;
    const double localMax = extent.maxX - zone * 1e6;
    if (localMin < 100000.0 || localMax > 900000.0)
        return std::nullopt;

    ZoneProposal proposal;
    proposal.zone = zone;
    if (zone >= 25 && zone <= 45) {
        proposal.zoneWidthDeg = 3;
        proposal.centralMeridianDeg = 3 * zone;
    } else if (zone >= 13 && zone <= 23) {
        proposal.zoneWidthDeg = 6;
        proposal.centralMeridianDeg = 6 * zone - 3;
    } else {
        return std::nullopt;
    }
    proposal.epsgCgcs2000 = *gaussKrugerEpsg(ChineseDatum::Cgcs2000, proposal.zoneWidthDeg,
                                             proposal.centralMeridianDeg, true);
    proposal.epsgXian1980 = *gaussKrugerEpsg(ChineseDatum::Xian1980, proposal.zoneWidthDeg,
                                             proposal.centralMeridianDeg, true);
    proposal.epsgBeijing1954 = *gaussKrugerEpsg(ChineseDatum::Beijing1954, proposal.zoneWidthDeg,
                                                proposal.centralMeridianDeg, true);
    char buffer[400];
    std::snprintf(buffer, sizeof buffer,
                  "eastings %.0f–%.0f carry the %d-degree Gauss-Krüger zone number %d "
                  "(central meridian %dE); proposed EPSG:%d (CGCS2000), or EPSG:%d (Xi'an 1980) / "
                  "EPSG:%d (Beijing 1954) for older surveys",
                  extent.minX, extent.maxX, proposal.zoneWidthDeg, zone,
                  proposal.centralMeridianDeg, proposal.epsgCgcs2000, proposal.epsgXian1980,
                  proposal.epsgBeijing1954);
    proposal.reason = buffer;
    return proposal;
}

std::string crsHintFromExtent(const Envelope& extent)
{
    if (extent.isEmpty())
        return {};
    if (extent.minX >= -180 && extent.maxX <= 180 && extent.minY >= -90 && extent.maxY <= 90) {
        if (extent.minX >= 73 && extent.maxX <= 136 && extent.minY >= 3 && extent.maxY <= 54)
            return "the coordinates look like longitude/latitude in China: EPSG:4490 (CGCS2000) "
                   "or EPSG:4326 (WGS 84) would fit, but neither is assumed";
        return "the coordinates could be longitude/latitude degrees, or local units";
    }
    if (extent.minX > 100000 && extent.maxX < 900000 && northingInChina(extent.minY) &&
        northingInChina(extent.maxY))
        return "the coordinates look like Gauss-Krüger metres without a zone number, so the "
               "central meridian cannot be read from them";
    return {};
}

} // namespace parkatlas::geo
