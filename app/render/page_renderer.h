#pragma once

#include "app/render/layer_snapshot.h"
#include "app/render/page_layout.h"
#include "geo/crs/crs.h"
#include "geo/ledger/ledger_table.h"
#include "geo/progress.h"

#include <QRectF>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

class QFont;
class QPainter;

namespace parkatlas::render {

class PdfPageContent;

enum class PageFormat { Pdf, Svg, Png };

/// The resolution PDF and SVG pages are drawn at, at least: map vertices are rounded to it.
constexpr double kVectorDpi = 600;

/// The font of page text in points: Latin letters and digits from DejaVu Sans, CJK from the CJK
/// font (cjkFont), so digits stay findable text in a PDF. For every page drawn with QPainter.
QFont pageFont(double points);
/// Rewrites the ToUnicode maps of a PDF written by Qt's PDF writer in place, so that text
/// extraction gives ideographs (用, not the radical ⽤ sharing its glyph) and spaces: for every
/// PDF a page writes.
void fixToUnicodeMaps(QByteArray& pdf);

/// The format a file name asks for (.pdf, .svg, .png, case-insensitive); nullopt otherwise.
std::optional<PageFormat> pageFormatFromPath(const QString& path);

/// What one export produced.
struct PageExportResult {
    bool cancelled = false;
    std::size_t featuresDrawn = 0;
    /// Layers that failed (the others are drawn), a legend or table cut short, anything drawn as
    /// pixels in a vector output: the user is told.
    QStringList warnings;
    double elapsedMs = 0;
};

/// A map page as a design institute lays it out: a double border (heavy outside, fine inside),
/// the title and subtitle across the top, the map frame (neatline) at the chosen scale with an
/// optional coordinate grid and the north arrow in its top-right corner; beside it (landscape)
/// or below it (portrait) the legend of the classes present in the frame, the area table, the
/// scale bar with round lengths and the title block (organisation, scale, CRS, date); a
/// footnote with the data sources, the area method and the coordinate system along the bottom.
///
/// Geometry is worked out in millimetres on construction, so the frame's extent is known before
/// painting (to build the table for what the frame shows). Painting is in device units of any
/// resolution; every size is physical (mm and points), so a PDF, an SVG and a PNG of the same
/// page look the same. No widgets and no shared state: any thread; a renderer may paint several
/// times.
class PageRenderer {
public:
    /// `layers` bottom first (RoleStyleBook::styleLayers), in `crs`. `parkName` fills "{park}"
    /// in the layout's texts.
    PageRenderer(PageLayout layout, std::vector<LayerSnapshot> layers, geo::Crs crs,
                 QString parkName);

    const PageLayout& layout() const { return m_layout; }
    QSizeF pageSizeMm() const { return m_pageMm; }
    /// The map frame on the page, in millimetres from the top-left corner.
    QRectF mapFrameMm() const { return m_frameMm; }
    /// What the map frame shows, in the map CRS.
    const geo::Envelope& frameExtent() const { return m_frameExtent; }
    /// The map's scale 1:N; 0 when the CRS is not in metres (then no scale bar is drawn).
    double scaleDenominator() const { return m_scale; }
    /// The title and subtitle with "{park}" filled in.
    QString title() const;
    QString subtitle() const;
    QString date() const;

    /// The area table; none: no table.
    void setTable(std::optional<geo::LedgerTable> table) { m_table = std::move(table); }
    /// Lines of the footnote (data sources, area method …), before the coordinate-system note and
    /// the layout's own footnote.
    void setFootnotes(QStringList lines) { m_footnotes = std::move(lines); }

    /// Paints the page onto `painter`, whose device is `dpi` dots per inch and at least the page
    /// size; white page first. Returns false when cancelled.
    /// With `pdfContent` (a PDF page), the map's polygon layers are written to it (see
    /// PdfPageContent) for the caller to splice into the file.
    bool paint(QPainter& painter, double dpi, const geo::CancelFlag& cancel,
               PageExportResult& result, PdfPageContent* pdfContent = nullptr) const;

    /// Writes the page: vector PDF (fonts embedded as subsets, text stays text), SVG, or PNG
    /// at `dpi`. PDF and SVG are drawn on a grid of kVectorDpi (map vertices rounded to 1/600
    /// inch, ±0.02 mm: whole numbers in the file, a third of the bytes of Qt's five decimals), or
    /// of `dpi` when that is finer. Written to a temporary file renamed into place when complete.
    /// Throws geo::IoError naming the path when it cannot be written (a folder that is not
    /// there or not writable, a writer that fails, a page too large for memory).
    PageExportResult exportTo(const QString& path, PageFormat format, double dpi,
                              const geo::CancelFlag& cancel) const;
    PageExportResult exportTo(const QString& path, PageFormat format, double dpi) const;

    /// The page as an image at `dpi` (a preview, or the PNG).
    QImage renderImage(double dpi, const geo::CancelFlag& cancel,
                       PageExportResult* result = nullptr) const;

private:
    QString fill(const QString& text) const;
    /// The north arrow's card in the map's top-right corner (mm).
    QRectF northArrowCard() const;

    PageLayout m_layout;
    std::vector<LayerSnapshot> m_layers;
    geo::Crs m_crs;
    QString m_parkName;
    std::optional<geo::LedgerTable> m_table;
    QStringList m_footnotes;

    QSizeF m_pageMm;
    double m_unit = 1; // the page's size factor: 1 on A3, 0.71 on A4, 2 on A1
    QRectF m_borderMm, m_innerMm, m_titleMm, m_frameMm, m_panelMm, m_footMm;
    geo::Envelope m_frameExtent;
    double m_scale = 0;
    double m_gridStep = 0; // map units; 0: no grid
};

} // namespace parkatlas::render
