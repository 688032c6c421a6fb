#pragma once

#include <QString>

#include <optional>

namespace parkatlas::desktop {

/// A pair of coordinates typed into the Find box.
struct LocatorCoordinates {
    double x = 0; // easting, or longitude in degrees
    double y = 0; // northing, or latitude in degrees
    /// True when they are longitude and latitude in degrees, false when in the map's CRS.
    bool degrees = false;
};

/// Reads two coordinates as planners type or paste them: "500000, 3375000" (the map's CRS),
/// "114.0, 30.5" (longitude, latitude), "30.5, 114.0" (latitude first, as map sites copy them:
/// taken so when only that order fits), "114.5°E 30.25°N", "N30.25 E114.5", "东经114.5 北纬30.25",
/// degrees-minutes-seconds ("114°30′15″E, 30°15′N"), full-width digits and commas. Plain numbers
/// are degrees when they fit as longitude and latitude and the map has a CRS (`mapHasCrs`;
/// in a geographic map they are its own coordinates either way); else the map's coordinates.
/// nullopt when `text` is not two coordinates (a plot number, a name).
std::optional<LocatorCoordinates> parseLocatorCoordinates(const QString& text, bool mapHasCrs);

} // namespace parkatlas::desktop
