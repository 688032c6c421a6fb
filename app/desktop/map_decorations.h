#pragma once

#include "app/render/map_to_pixel.h"
#include "geo/crs/crs.h"

#include <QPointF>
#include <QRectF>
#include <QString>

#include <memory>
#include <optional>

class QPainter;

namespace parkatlas::geo {
class Transform;
}

namespace parkatlas::desktop {

/// The round length a scale bar shows: the longest of 1, 2 and 5 × 10ⁿ metres not over
/// `maxLengthM` (0 when `maxLengthM` is not a positive finite number).
double roundScaleBarLengthM(double maxLengthM);

/// "500 m", "2 km", "0.5 m": a scale bar's label for `lengthM` (metres under 1 km, else km).
QString scaleBarLabel(double lengthM);

/// Where the scale bar and the north arrow of a view go and what they say.
struct MapDecorationLayout {
    /// The bar itself (its left end at the left, `lengthPx` long), in widget pixels.
    QRectF scaleBar;
    double lengthM = 0;  // the ground length the bar stands for
    double lengthPx = 0; // its length on the screen, in logical pixels
    QString label;
    /// The north arrow's box and the direction of true north there, in degrees clockwise from
    /// the top of the screen (the meridian convergence of a projected CRS; 0 in degrees).
    QRectF northArrow;
    double northDeg = 0;
};

/// The scale bar and north arrow drawn over the map canvas (not into the map image): the bar at
/// the bottom left, a round length (roundScaleBarLengthM) at the metres per pixel of the bar's
/// place, measured along a short geodesic on the datum's ellipsoid (the same way in a projected
/// and in a geographic CRS, where the scale changes with latitude), and
/// an arrow to true north at the top right. Keeps one PROJ transform to degrees for the map CRS
/// (made when the CRS changes, not on every paint). GUI thread.
class MapDecorations {
public:
    MapDecorations();
    ~MapDecorations();
    MapDecorations(const MapDecorations&) = delete;
    MapDecorations& operator=(const MapDecorations&) = delete;

    /// The map CRS (empty: raw coordinates, nothing is drawn).
    void setCrs(const geo::Crs& crs);

    /// The layout for `view`; nullopt when nothing can be said (no CRS, no valid view, a place
    /// that cannot be put in degrees).
    std::optional<MapDecorationLayout> layout(const render::MapToPixel& view) const;

    /// Draws `layout`: the bar (with `showScaleBar`) and the arrow (with `showNorthArrow`).
    static void paint(QPainter& painter, const MapDecorationLayout& layout, bool showScaleBar,
                      bool showNorthArrow);

    /// Longitude, latitude (degrees) of map point `xy`; false when it cannot be had.
    bool toDegrees(double xy[2]) const;

private:
    geo::Crs m_crs;
    std::unique_ptr<geo::Transform> m_toDegrees; // null when the map CRS is geographic
};

} // namespace parkatlas::desktop
