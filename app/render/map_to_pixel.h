#pragma once

#include "geo/model/geometry_store.h"

#include <QPointF>
#include <QSize>

namespace parkatlas::render {

/// The affine map between map coordinates (the map CRS, y up) and output pixels (y down) for
/// one output size: a centre, a size in map units per pixel, and the output size. No rotation.
/// A plain value: cheap to copy, safe to use from any thread.
class MapToPixel {
public:
    MapToPixel() = default;
    MapToPixel(double centerX, double centerY, double mapUnitsPerPixel, QSize outputSize);

    /// The transform that shows all of `extent` in `outputSize`, centred, with equal scale on
    /// both axes (the extent is widened in one direction to fit the output's aspect ratio).
    static MapToPixel fitting(const geo::Envelope& extent, QSize outputSize);

    double centerX() const { return m_centerX; }
    double centerY() const { return m_centerY; }
    double mapUnitsPerPixel() const { return m_mapUnitsPerPixel; }
    QSize outputSize() const { return m_outputSize; }
    bool isValid() const;

    QPointF toPixel(double x, double y) const
    {
        // The row offset is whole: a band's pixel is its view's, less a whole number of rows
        // (exact, so a band draws what its view draws on those rows; see rows()).
        return {(x - m_left) / m_mapUnitsPerPixel, (m_top - y) / m_mapUnitsPerPixel - m_firstRow};
    }
    /// Map coordinates of a pixel position (x easting, y northing).
    QPointF toMap(QPointF pixel) const
    {
        return {m_left + pixel.x() * m_mapUnitsPerPixel,
                m_top - (pixel.y() + m_firstRow) * m_mapUnitsPerPixel};
    }
    /// What the whole output shows, in map coordinates.
    geo::Envelope visibleExtent() const;

    /// Moved by a drag of `pixels` (the map follows the pointer).
    MapToPixel pannedByPixels(QPointF pixels) const;
    /// Zoomed by `factor` (> 1 zooms in) keeping the map point under `anchorPixel` in place.
    MapToPixel zoomedAt(double factor, QPointF anchorPixel) const;
    /// The same centre and scale for another output size (a resized window keeps its scale).
    MapToPixel resized(QSize outputSize) const;
    /// A band of this view: its rows `first` to `first + count - 1`, as an output `count` rows
    /// high whose row 0 is row `first` here. Each pixel position is this view's less `first`
    /// rows, computed from the same numbers (no new centre rounded), so a render of the band
    /// draws on those rows what a render of the whole view draws there. The centre (and so
    /// the scale) stays the view's. For the renderer's bands only: pan, zoom and resize a
    /// whole view.
    MapToPixel rows(int first, int count) const;

private:
    void update();

    double m_centerX = 0;
    double m_centerY = 0;
    double m_mapUnitsPerPixel = 1;
    QSize m_outputSize;
    double m_left = 0;     // map x at the left edge of pixel column 0
    double m_top = 0;      // map y at the top edge of pixel row 0 (of the whole view)
    double m_firstRow = 0; // a band's (rows()): its row 0 in the whole view, a whole number
};

} // namespace parkatlas::render
