#pragma once

#include "app/render/layer_snapshot.h"
#include "app/render/map_to_pixel.h"
#include "geo/crs/crs.h"

#include <QColor>
#include <QImage>
#include <QMetaType>
#include <QRectF>
#include <QSize>

#include <vector>

namespace parkatlas::render {

/// The scale denominator N of 1:N at which `view` shows the map on a device of `dpi` dots per
/// inch: metres on the ground per metre on the device. In a geographic `crs`, measured along
/// the parallel through the view's centre on the datum's sphere (what a scale bar in the
/// middle would say); 0 when `crs` is empty or the view is not valid.
double scaleDenominator(const MapToPixel& view, const geo::Crs& crs, double dpi);

/// Everything one render needs, fixed when the render is asked for: what part of the map (in
/// the map CRS), the output size in device pixels and its DPI, the background, and the layers
/// to draw, bottom first. Immutable once built: the `with…` functions return changed copies.
/// Copies share the layers' data; a MapSettings may be handed to a worker and read there while
/// the GUI thread builds the next one.
class MapSettings {
public:
    MapSettings() = default;
    /// `extent` is what must be visible; the output shows it centred and, where the output's
    /// aspect ratio differs, a little more (see visibleExtent()). `outputSize` is in device
    /// pixels; `dpi` is the output's dots per inch, which scales line widths (96: screen pixels);
    /// `devicePixelRatio` is recorded on the image for high-DPI screens.
    MapSettings(geo::Envelope extent, QSize outputSize, double dpi, QColor background,
                std::vector<LayerSnapshot> layers, geo::Crs crs = {},
                double devicePixelRatio = 1.0);

    const geo::Envelope& extent() const { return m_extent; }
    QSize outputSize() const { return m_outputSize; }
    double dpi() const { return m_dpi; }
    double devicePixelRatio() const { return m_devicePixelRatio; }
    const QColor& background() const { return m_background; }
    const std::vector<LayerSnapshot>& layers() const { return m_layers; }
    /// The map CRS (empty when the layers have none and are drawn in their raw coordinates).
    const geo::Crs& crs() const { return m_crs; }

    /// The transform from map coordinates to output pixels.
    const MapToPixel& mapToPixel() const { return m_mapToPixel; }
    /// What the output shows: extent() widened to the output's aspect ratio.
    geo::Envelope visibleExtent() const { return m_mapToPixel.visibleExtent(); }
    /// N of the map's 1:N (render::scaleDenominator of this view, CRS and DPI); 0 when unknown.
    double scaleDenominator() const
    {
        return render::scaleDenominator(m_mapToPixel, m_crs, m_dpi);
    }
    bool isValid() const
    {
        return !m_outputSize.isEmpty() && !m_extent.isEmpty() && m_mapToPixel.isValid();
    }

    MapSettings withExtent(const geo::Envelope& extent) const;
    MapSettings withOutputSize(QSize outputSize) const;
    MapSettings withLayers(std::vector<LayerSnapshot> layers) const;
    /// Rectangles of the output (pixels) that labels keep clear of: what a page draws over its
    /// map (the north arrow). Labels also stay within the output.
    const std::vector<QRectF>& labelObstacles() const { return m_labelObstacles; }
    MapSettings withLabelObstacles(std::vector<QRectF> obstacles) const;
    /// The screen's level of detail (off by default): polygons of a pixel or two are blended
    /// straight into the image by the share of each pixel they cover, without a QPainter call
    /// each, which is what lets a million plots redraw in a fraction of a second. The picture
    /// matches the one drawn without it within a level or two of 255 per channel (a test holds
    /// them together); maps for paper (PDF, SVG, PNG exports) keep it off.
    bool levelOfDetail() const { return m_levelOfDetail; }
    MapSettings withLevelOfDetail(bool on) const;
    /// A picture of the same view the layers are drawn over instead of the background (null:
    /// the background). The map canvas draws the layers it cannot reuse a picture of (dashed,
    /// hatched, labelled) over the kept picture of those below them: the same drawing calls on
    /// the same pixels as one render of them all. Ignored unless it is outputSize() big; the
    /// other with… functions leave it out.
    const QImage& underlay() const { return m_underlay; }
    MapSettings withUnderlay(QImage underlay) const;
    /// How many bands of rows a render draws at once, each on a thread of its own (0, the
    /// default: with the level of detail on, one per core up to 4 or PARKATLAS_RENDER_BANDS;
    /// else 1). A band draws its rows
    /// and a margin of rows beyond them, from the same pixel positions as one render of the
    /// whole output, so the picture is that render's; MapRenderer draws in one band whatever
    /// a band could change (labels, placed over the whole output; dashed and hatched
    /// symbols, whose pattern starts at the edge of a picture; orthophotos).
    int bands() const { return m_bands; }
    MapSettings withBands(int bands) const;
    /// Rows `first` to `first + count - 1` of this output as an output of their own (see
    /// MapToPixel::rows), without the underlay, drawn in one band.
    MapSettings rows(int first, int count) const;

private:
    geo::Envelope m_extent;
    QSize m_outputSize;
    double m_dpi = 96;
    double m_devicePixelRatio = 1;
    QColor m_background = Qt::white;
    std::vector<LayerSnapshot> m_layers;
    geo::Crs m_crs;
    MapToPixel m_mapToPixel;
    std::vector<QRectF> m_labelObstacles;
    bool m_levelOfDetail = false;
    QImage m_underlay;
    int m_bands = 0;
};

/// The extent of all the snapshots' layers (empty when none has geometry).
geo::Envelope combinedExtent(const std::vector<LayerSnapshot>& layers);

} // namespace parkatlas::render

Q_DECLARE_METATYPE(parkatlas::render::MapSettings)
