#pragma once

#include "app/render/map_settings.h"
#include "geo/progress.h"

#include <QImage>
#include <QMetaType>

#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

class QPainter;

namespace parkatlas::render {

class PdfPageContent;

/// What one render produced.
struct RenderResult {
    QImage image;                    // null when the settings were invalid
    MapSettings settings;            // what was drawn (the canvas places the image with it)
    bool cancelled = false;          // the image is incomplete and should not be shown
    std::vector<std::string> errors; // per layer: "layer 'roads': …"; the other layers are drawn
    std::size_t featuresDrawn = 0;
    std::size_t labelsDrawn = 0; // labels placed (the others would have overlapped them)
    double elapsedMs = 0;
};

/// Paints the layers of a MapSettings with QPainter. No widgets and no shared state: any thread
/// may run any number of renderers at once, each on its own image or painter.
///
/// Raster layers (orthophotos) are read for the visible part at the overview level the scale
/// needs and warped into the map CRS (geo::readRaster). Layers with an opacity under 1 are
/// drawn as one picture and blended.
///
/// Features whose envelope lies outside the visible extent, or that would be smaller than half
/// a pixel, are skipped; consecutive vertices that fall within half a pixel of each other are
/// merged. Polygons are filled even-odd, so holes stay empty. The cancel flag is read for every
/// feature; a cancelled render stops within one feature.
class MapRenderer {
public:
    explicit MapRenderer(MapSettings settings);

    /// Renders into a new image of settings().outputSize(), filled with the background first.
    RenderResult render(const geo::CancelFlag& cancel) const;
    RenderResult render() const;

    /// Paints the layers (not the background) onto `painter`, whose device must be at least
    /// outputSize() pixels; for a page layout, set the painter's transform first. Returns false
    /// when cancelled. Layers that fail are appended to `errors` and skipped. On a PDF page,
    /// with `pdfContent`, the plots of polygon layers are written to it (see PdfPageContent),
    /// which the caller splices into the file Qt writes.
    bool paint(QPainter& painter, const geo::CancelFlag& cancel, std::vector<std::string>& errors,
               std::size_t* featuresDrawn = nullptr, std::size_t* labelsDrawn = nullptr,
               PdfPageContent* pdfContent = nullptr) const;

    const MapSettings& settings() const { return m_settings; }

private:
    /// How many bands render() draws at once (MapSettings::bands), 1 where a band could draw
    /// its rows otherwise than one render of the whole output.
    int bandCount() const;
    /// Draws `image`'s rows in `bands` bands, each on a thread (the first on this one), each
    /// over its rows of `image` and a margin, then puts their rows together. Returns false
    /// when cancelled.
    bool paintBands(QImage& image, int bands, const geo::CancelFlag& cancel,
                    std::vector<std::string>& errors, std::size_t& featuresDrawn) const;

    /// Draws an orthophoto read at the output's resolution; returns false when cancelled.
    bool drawRaster(QPainter& painter, const RasterLayer& raster,
                    const geo::CancelFlag& cancel) const;

    MapSettings m_settings;
    // The features counted in featuresDrawn: those whose envelope's top (map y) is in
    // (first, second] (a band's; everything for a whole render).
    std::pair<double, double> m_countedTops{-std::numeric_limits<double>::infinity(),
                                            std::numeric_limits<double>::infinity()};
};

} // namespace parkatlas::render

Q_DECLARE_METATYPE(parkatlas::render::RenderResult)
