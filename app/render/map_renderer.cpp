#include "app/render/map_renderer.h"

#include "app/render/marker_path.h"
#include "app/render/pdf_content.h"

#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QString>

#include "geo/huge_pages.h"
#include "geo/measure/area.h"
#include "geo/parallel.h"
#include "geo/units.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <numbers>
#include <optional>
#include <thread>
#include <unordered_map>

namespace parkatlas::render {

namespace {

constexpr double kMinFeatureSizePx = 0.5; // smaller features are not drawn
constexpr double kMinVertexStepPx = 0.5;  // closer vertices are merged
// On a raster image, a polygon smaller than this (both sides, pixels) is drawn as its envelope
// filled with its fill and outline mixed by how much of it the outline covers: all a pixel or
// two can show, at a fraction of the cost of filling and stroking a path.
constexpr double kTinyFeaturePx = 2.0;
// Polygons smaller than this (pixels) are filled without antialiasing, outlined with it (see
// LayerPainter::flushSmallPolygons).
constexpr double kSmallFeaturePx = 16.0;
// LayerPainter::flushSmallPolygons reads the cancel flag once per this many polygons (an atomic
// load each; a few microseconds of drawing between two).
constexpr std::size_t kCancelCheckStride = 64;
// Outlines of polygons at least this big (pixels, either side) are antialiased.
constexpr double kSmoothOutlinePx = 6.0;
constexpr double kStyleDpi = 96.0;    // style widths are given at this DPI
constexpr double kVectorGridPx = 1.0; // vertices of PDF and SVG output are rounded to this
// A render drawn in bands (MapSettings::bands): each at least this many rows, and drawn this
// many rows beyond its own, so that nothing it draws near its edges (a hairline clipped where it
// leaves the band's picture) reaches the rows it gives.
constexpr int kMinBandRows = 128;
constexpr int kBandMarginPx = 32;

/// Appends the ring's vertices, in pixels, to `out`, dropping those within kMinVertexStepPx of
/// the last kept one (the last vertex is always kept, so closed rings stay closed). With
/// `gridPx` > 0 every vertex is rounded to that grid first: a vector output (PDF, SVG) then
/// writes "1642" instead of "1641.87113" for each coordinate, a third of the bytes to write and
/// compress, for a shift of at most gridPx / 2 (0.02 mm on the 600-DPI grid of a page).
template <typename Points>
void appendRingPoints(const geo::RingView& ring, const MapToPixel& toPixel, Points& out,
                      double gridPx)
{
    const std::size_t count = ring.vertexCount();
    if (count == 0)
        return;
    const auto at = [&](std::size_t i) {
        QPointF p = toPixel.toPixel(ring.x(i), ring.y(i));
        if (gridPx > 0)
            p = QPointF(std::round(p.x() / gridPx) * gridPx, std::round(p.y() / gridPx) * gridPx);
        return p;
    };
    QPointF last = at(0);
    out.push_back(last);
    for (std::size_t i = 1; i < count; ++i) {
        const QPointF p = at(i);
        if (i + 1 < count && std::fabs(p.x() - last.x()) < kMinVertexStepPx &&
            std::fabs(p.y() - last.y()) < kMinVertexStepPx)
            continue;
        out.push_back(p);
        last = p;
    }
}

/// appendRingPoints into `out` alone (emptied first).
void appendRing(const geo::RingView& ring, const MapToPixel& toPixel, QPolygonF& out, double gridPx)
{
    out.clear();
    out.reserve(static_cast<qsizetype>(ring.vertexCount()));
    appendRingPoints(ring, toPixel, out, gridPx);
}

/// A polygon ring on a vector page's grid (appendRing with gridPx > 0) without the vertices
/// that change nothing drawn: the closing repeat of the first vertex (the path is closed with
/// "h" anyway), repeats, and vertices lying straight on, and between, their neighbours (the
/// rounded outline of a plot has many: a third of a 1M-parcel cadastre's "l" operators, half
/// with the repeats). Both the fill and the stroke are the same: a straight join is invisible
/// and a dash pattern runs on along the subpath's length. The first vertex stays first (a
/// dashed outline starts there).
void dropStraightVertices(QPolygonF& ring)
{
    qsizetype n = ring.size();
    if (n > 1 && ring.front() == ring.back())
        --n;
    if (n < 3)
        return;
    // Whole numbers of grid steps (kVectorGridPx is 1): the products below are exact.
    static_assert(kVectorGridPx == 1.0);
    // b between a and c on one straight line (or b repeats a or c).
    const auto straight = [](const QPointF& a, const QPointF& b, const QPointF& c) {
        const double abx = b.x() - a.x(), aby = b.y() - a.y();
        const double bcx = c.x() - b.x(), bcy = c.y() - b.y();
        if ((abx == 0 && aby == 0) || (bcx == 0 && bcy == 0))
            return true;
        return abx * bcy - aby * bcx == 0 && abx * bcx + aby * bcy > 0;
    };
    qsizetype kept = 1; // ring[0] is never dropped
    for (qsizetype i = 1; i < n; ++i) {
        while (kept >= 2 && straight(ring[kept - 2], ring[kept - 1], ring[i]))
            --kept;
        ring[kept++] = ring[i];
    }
    while (kept >= 3 && straight(ring[kept - 2], ring[kept - 1], ring[0]))
        --kept;
    ring.resize(kept);
}

/// Arrays and pictures of this many bytes and more are asked to sit on huge pages
/// (geo::adviseHugePages) before they are first written.
constexpr std::size_t kHugePageBytes = std::size_t{4} << 20;

/// std::allocator that advises huge pages for what it allocates (adviseHugePages): the small
/// polygons' arrays grow by doubling as a new scale has more of them, each time into fresh
/// memory that the copy then writes for the first time.
template <typename T> struct HugePageAllocator {
    using value_type = T;
    HugePageAllocator() = default;
    template <typename U> HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
    T* allocate(std::size_t count)
    {
        T* data = std::allocator<T>().allocate(count);
        geo::adviseHugePages(data, count * sizeof(T), kHugePageBytes);
        return data;
    }
    void deallocate(T* data, std::size_t count) noexcept
    {
        std::allocator<T>().deallocate(data, count);
    }
    template <typename U> bool operator==(const HugePageAllocator<U>&) const noexcept
    {
        return true;
    }
};

/// A small one-ring polygon kept for LayerPainter::flushSmallPolygons: its symbol and its
/// points in SmallPolygons::points.
struct SmallPolygon {
    const Symbol* symbol;
    std::uint32_t first;
    std::uint32_t count;
    bool smooth;  // outline antialiased
    bool counted; // counted in featuresDrawn once drawn (its band's, see countTopsIn)
};

struct SmallPolygons {
    std::vector<SmallPolygon, HugePageAllocator<SmallPolygon>> polygons;
    std::vector<QPointF, HugePageAllocator<QPointF>> points;
};

/// SmallPolygons kept from one render to the next. At a new scale a million-plot layer keeps
/// tens of megabytes of them; grown afresh in each render, their pages were first written
/// (a page fault each, dear on a virtual machine) and copied each time the array doubled, a
/// sixth of the CPU of a zoom at the full extent (README, issue 21, seventh session). A
/// LayerPainter takes one (a band each) and gives it back emptied, its capacity kept; at most
/// kKeptSmallPolygons are kept, none of more than kKeptSmallPolygonBytes.
constexpr std::size_t kKeptSmallPolygons = 4;
constexpr std::size_t kKeptSmallPolygonBytes = std::size_t{96} << 20;

struct SmallPolygonPool {
    std::mutex mutex;
    std::vector<std::unique_ptr<SmallPolygons>> kept;
};

SmallPolygonPool& smallPolygonPool()
{
    static SmallPolygonPool pool;
    return pool;
}

std::unique_ptr<SmallPolygons> takeSmallPolygons()
{
    SmallPolygonPool& pool = smallPolygonPool();
    const std::lock_guard lock(pool.mutex);
    if (pool.kept.empty())
        return std::make_unique<SmallPolygons>();
    std::unique_ptr<SmallPolygons> taken = std::move(pool.kept.back());
    pool.kept.pop_back();
    return taken;
}

void giveSmallPolygons(std::unique_ptr<SmallPolygons> polygons)
{
    if (!polygons)
        return;
    polygons->polygons.clear();
    polygons->points.clear();
    const std::size_t bytes = polygons->polygons.capacity() * sizeof(SmallPolygon) +
                              polygons->points.capacity() * sizeof(QPointF);
    if (bytes > kKeptSmallPolygonBytes)
        return;
    SmallPolygonPool& pool = smallPolygonPool();
    const std::lock_guard lock(pool.mutex);
    if (pool.kept.size() < kKeptSmallPolygons)
        pool.kept.push_back(std::move(polygons));
}

class LayerPainter {
public:
    LayerPainter(QPainter& painter, const MapToPixel& toPixel, double dpi,
                 bool levelOfDetail = false, PdfPageContent* pdfContent = nullptr)
        : m_painter(painter), m_toPixel(toPixel), m_scale(dpi / kStyleDpi),
          m_rasterImage(painter.paintEngine() &&
                        painter.paintEngine()->type() == QPaintEngine::Raster &&
                        painter.transform().isIdentity())
    {
        // The level of detail writes tiny polygons straight into the image's pixels: only on a
        // premultiplied ARGB image the painter draws on untransformed.
        if (levelOfDetail && m_rasterImage && painter.device() &&
            painter.device()->devType() == QInternal::Image) {
            auto* image = static_cast<QImage*>(painter.device());
            if (image->format() == QImage::Format_ARGB32_Premultiplied)
                m_image = image;
        }
        // Vector devices write every coordinate as text; rasters keep sub-pixel positions for
        // their antialiasing.
        const QPaintEngine* engine = painter.paintEngine();
        if (engine &&
            (engine->type() == QPaintEngine::Pdf || engine->type() == QPaintEngine::SVG)) {
            m_gridPx = kVectorGridPx;
            // PARKATLAS_PDF_EVERY_VERTEX=1 writes every vertex as before (a switch for the test
            // and the benchmark that compare the two pages).
            m_dropStraight = !qEnvironmentVariableIsSet("PARKATLAS_PDF_EVERY_VERTEX");
            if (engine->type() == QPaintEngine::Pdf)
                m_pdf = pdfContent;
        }
    }

    ~LayerPainter() { giveSmallPolygons(std::move(m_smallKept)); }
    LayerPainter(const LayerPainter&) = delete;
    LayerPainter& operator=(const LayerPainter&) = delete;

    /// Draws one layer; returns false when cancelled.
    bool draw(const LayerSnapshot& snapshot, const geo::CancelFlag& cancel,
              std::size_t& featuresDrawn)
    {
        const geo::GeometryStore& store = snapshot.layer->geometry;
        const LayerStyle& style = snapshot.style;
        const double unitsPerPixel = m_toPixel.mapUnitsPerPixel();
        const double minSize = kMinFeatureSizePx * unitsPerPixel;
        const double tinySize = kTinyFeaturePx * unitsPerPixel;
        const double smallSize = kSmallFeaturePx * unitsPerPixel;
        const double smoothSize = kSmoothOutlinePx * unitsPerPixel;

        // Widen the visible extent by the largest stroke (and point) size so that features just
        // outside still draw their part that shows.
        double largestPx = style.strokeWidth + style.pointDiameter;
        for (const Symbol& symbol : style.classes)
            largestPx = std::max(largestPx, symbol.strokeWidth + symbol.pointDiameter);
        geo::Envelope visible = m_toPixel.visibleExtent();
        double margin = (largestPx * m_scale + 2.0) * unitsPerPixel;
        if (style.featureWidthMapUnits)
            margin += maxWidth(*style.featureWidthMapUnits) / 2;
        visible.minX -= margin;
        visible.minY -= margin;
        visible.maxX += margin;
        visible.maxY += margin;

        const bool labels = (!style.labelFields.empty() || style.labelAreaMu) &&
                            (style.labelMaxMapUnitsPerPixel <= 0 ||
                             unitsPerPixel * m_scale <= style.labelMaxMapUnitsPerPixel);
        std::vector<std::size_t> labelled;
        m_small.polygons.clear();
        m_small.points.clear();
        m_current = nullptr;
        // Keyed by the symbols' addresses: a layer's own (another layer's style may take the
        // address of one drawn before).
        m_tinyColours.clear();
        m_tinyCurrent = nullptr;
        m_style = &style;
        m_paints.assign(style.classes.size() + 1, SymbolPaint{});

        // Blending straight into the pixels is right only where the painter would blend plainly
        // (source over, opaque, unclipped) - then its picture is the same to a level or two.
        const bool direct = m_image && m_painter.opacity() == 1.0 &&
                            m_painter.compositionMode() == QPainter::CompositionMode_SourceOver &&
                            !m_painter.hasClipping();
        if (direct) {
            m_bits = m_image->bits();
            m_bytesPerLine = m_image->bytesPerLine();
        }

        const geo::GeometryKind kind = store.kind();
        m_writing = kind == geo::GeometryKind::Polygon && writesItself(style);
        m_marked = false;
        const std::size_t featureCount =
            snapshot.features ? snapshot.features->size() : store.featureCount();
        for (std::size_t i = 0; i < featureCount; ++i) {
            if (cancel.isCancelled()) {
                m_style = nullptr;
                return false;
            }
            const std::size_t feature = snapshot.features ? (*snapshot.features)[i] : i;
            if (feature >= store.featureCount() || store.isEmpty(feature))
                continue;
            const geo::Envelope& envelope = store.envelope(feature);
            if (!envelope.intersects(visible))
                continue;
            if (kind != geo::GeometryKind::Point && envelope.width() < minSize &&
                envelope.height() < minSize)
                continue;
            const Symbol& symbol = style.symbolFor(feature);
            if (direct && kind == geo::GeometryKind::Polygon && envelope.width() < tinySize &&
                envelope.height() < tinySize) {
                // No pen or brush to set: the painter is not used.
                blendTinyPolygon(envelope, symbol);
                if (labels)
                    labelled.push_back(feature);
                if (counts(envelope))
                    ++featuresDrawn;
                continue;
            }
            if (m_writing) {
                writePolygon(store, feature, symbol);
                if (labels)
                    labelled.push_back(feature);
                ++featuresDrawn;
                continue;
            }
            // The painter takes the symbol's pen and brush only where it draws with them: not
            // for a tiny plot (a rectangle in a colour of its own) nor a small one (drawn when
            // the layer is done, by flushSmallPolygons, which sets its own).
            switch (kind) {
            case geo::GeometryKind::Polygon:
                if (m_rasterImage && envelope.width() < tinySize && envelope.height() < tinySize)
                    drawTinyPolygon(envelope, symbol);
                else if (m_rasterImage && envelope.width() < smallSize &&
                         envelope.height() < smallSize && store.partCount(feature) == 1 &&
                         store.ringCount(feature, 0) == 1 &&
                         symbol.fillPattern == Qt::SolidPattern) {
                    // Counted when flushSmallPolygons has drawn it, not now (one of fewer
                    // than three pixel points is not kept, and counted as before).
                    const bool counted = counts(envelope);
                    if (!keepSmallPolygon(store, feature, symbol,
                                          envelope.width() >= smoothSize ||
                                              envelope.height() >= smoothSize,
                                          counted) &&
                        counted)
                        ++featuresDrawn;
                    if (labels)
                        labelled.push_back(feature);
                    continue;
                } else {
                    use(symbol);
                    drawPolygon(store, feature);
                }
                break;
            case geo::GeometryKind::Line:
                use(symbol);
                drawLine(store, feature, style, symbol);
                break;
            case geo::GeometryKind::Point:
                use(symbol);
                drawPoints(store, feature, symbol);
                break;
            case geo::GeometryKind::None:
                continue;
            }
            if (labels)
                labelled.push_back(feature);
            if (counts(envelope))
                ++featuresDrawn;
        }
        if (!flushSmallPolygons(cancel, featuresDrawn)) {
            m_style = nullptr;
            return false;
        }
        m_style = nullptr; // the table is this layer's
        if (m_marked)
            m_pdf->endLayer();
        m_writing = false;
        m_marked = false;
        if (!labelled.empty())
            m_pending.push_back({&snapshot, std::move(labelled)});
        return true;
    }

    /// Counts only the features whose envelope's top (map y) is in (low, high]: a band of a
    /// render counts those whose top is in its rows, so the bands count each feature once.
    void countTopsIn(double low, double high)
    {
        m_countLow = low;
        m_countHigh = high;
    }

    /// Takes the labels `other` collected (a layer drawn on a picture of its own), to be drawn
    /// with this painter's.
    void takeLabels(LayerPainter& other)
    {
        for (PendingLabels& pending : other.m_pending)
            m_pending.push_back(std::move(pending));
        other.m_pending.clear();
        for (const QRectF& marker : other.m_placedLabels)
            keepClear(marker);
    }

    /// Draws the labels of every layer drawn so far, in drawing order, over all of them (a
    /// parcel's label is never under a building footprint) and clear of every point's marker.
    /// Returns false when cancelled.
    bool drawLabels(const geo::CancelFlag& cancel)
    {
        for (PendingLabels& pending : m_pending) {
            if (cancel.isCancelled())
                return false;
            m_painter.save();
            m_painter.setOpacity(1.0);
            drawLabels(*pending.snapshot, pending.features, cancel);
            m_painter.restore();
        }
        m_pending.clear();
        return !cancel.isCancelled();
    }

private:
    bool counts(const geo::Envelope& envelope) const
    {
        return envelope.maxY > m_countLow && envelope.maxY <= m_countHigh;
    }

    static double maxWidth(const std::vector<float>& widths)
    {
        double largest = 0;
        for (const float width : widths)
            if (width > largest) // NaN compares false
                largest = width;
        return largest;
    }

    void use(const Symbol& symbol)
    {
        if (&symbol == m_current)
            return;
        m_current = &symbol;
        const SymbolPaint& paint = paintOf(symbol);
        m_pen = paint.pen;
        m_painter.setPen(m_pen);
        m_painter.setBrush(paint.brush);
    }

    /// The pen and brush of each symbol of the layer being drawn, made when first needed
    /// (index 0: the layer's own symbol, i + 1: its class i). A QPen or QBrush made anew
    /// allocates, and QPainter compares a new one with the last one set value by value; the
    /// same one again it knows by its data. A symbol of no class of the layer: made each time.
    struct TinyColours;
    struct SymbolPaint {
        QPen pen;
        QBrush brush;
        bool made = false;
        TinyColours* tiny = nullptr; // see tinyColoursOf
    };
    std::vector<SymbolPaint> m_paints;
    const LayerStyle* m_style = nullptr;
    SymbolPaint m_otherPaint;

    /// The entry of m_paints for `symbol`, null for a symbol of no class of the layer.
    SymbolPaint* paintEntry(const Symbol& symbol)
    {
        if (!m_style)
            return nullptr;
        if (&symbol == static_cast<const Symbol*>(m_style))
            return &m_paints[0];
        const auto address = reinterpret_cast<std::uintptr_t>(&symbol);
        const auto classes = reinterpret_cast<std::uintptr_t>(m_style->classes.data());
        if (address >= classes && address < classes + m_style->classes.size() * sizeof(Symbol))
            return &m_paints[(address - classes) / sizeof(Symbol) + 1];
        return nullptr;
    }

    const SymbolPaint& paintOf(const Symbol& symbol)
    {
        SymbolPaint* paint = paintEntry(symbol);
        if (!paint)
            paint = &m_otherPaint;
        if (!paint->made || paint == &m_otherPaint) {
            paint->pen = penFor(symbol);
            paint->brush = brushFor(symbol, m_painter);
            paint->made = true;
        }
        return *paint;
    }

    /// Whether the plots of a polygon layer in `style` go to m_pdf (PdfPageContent) instead of
    /// through the painter: on a PDF page, where every symbol's pen and brush are ones that Qt's
    /// PDF engine writes plainly (a solid, opaque, non-cosmetic pen; no brush or a solid one,
    /// every brush of the layer as opaque as the others, and where they are translucent, every
    /// symbol with a brush) and the layer is opaque, so that what is written is what Qt would
    /// write (but for a translucent brush's opacity, set once; see appendPdfFill).
    bool writesItself(const LayerStyle& style)
    {
        int fillAlpha = -1;
        // PARKATLAS_PDF_EVERY_VERTEX=1 is the writer as it was: every vertex, through Qt.
        if (!m_pdf || !m_dropStraight || m_painter.opacity() != 1.0 ||
            qEnvironmentVariableIsSet("PARKATLAS_PDF_THROUGH_QT"))
            return false;
        if (m_painter.hasClipping() && m_painter.clipBoundingRect().isEmpty())
            return false; // Qt draws nothing, not even the marker
        const auto plain = [this, &fillAlpha](const Symbol& symbol) {
            const QPen pen = penFor(symbol);
            if (pen.style() == Qt::NoPen || pen.isCosmetic() || pen.widthF() <= 0 ||
                pen.brush().style() != Qt::SolidPattern || !pen.brush().isOpaque())
                return false;
            const QBrush brush = brushFor(symbol, m_painter);
            if (brush.style() == Qt::NoBrush)
                return true;
            if (brush.style() != Qt::SolidPattern ||
                (fillAlpha >= 0 && brush.color().alpha() != fillAlpha))
                return false;
            fillAlpha = brush.color().alpha();
            return true;
        };
        bool unfilled = brushFor(style, m_painter).style() == Qt::NoBrush;
        if (!plain(style))
            return false;
        for (const Symbol& symbol : style.classes) {
            if (!plain(symbol))
                return false;
            unfilled = unfilled || brushFor(symbol, m_painter).style() == Qt::NoBrush;
        }
        // Qt sets a translucent brush's opacity by a graphics state of its own naming: written
        // once, by Qt for the first plot, and so only where every plot has a brush. An opaque
        // brush's is "/GSa gs", written here with each brush as Qt writes it.
        m_opaqueFills = fillAlpha < 0 || fillAlpha == 255;
        return m_opaqueFills || !unfilled;
    }

    /// drawPolygon for m_pdf: the first plot's pen and brush and a marker go through the painter
    /// (PdfPageContent), then each plot's path, and its pen and brush when they change, are
    /// written as Qt's PDF engine writes them: a pen or brush set on the painter is written
    /// before the next plot drawn, the pen only when it differs from the last one set.
    void writePolygon(const geo::GeometryStore& store, std::size_t feature, const Symbol& symbol)
    {
        if (!m_marked) {
            use(symbol);
            m_painter.drawPolygon(m_pdf->beginLayer(), Qt::OddEvenFill);
            m_marked = true;
            m_written = &symbol;
            m_writtenPen = m_pen;
            m_writtenBrush = brushFor(symbol, m_painter).style() != Qt::NoBrush;
            m_penDirty = m_brushDirty = false;
        } else if (&symbol != m_written) {
            m_written = &symbol;
            const QPen pen = penFor(symbol);
            if (pen != m_writtenPen) {
                m_writtenPen = pen;
                m_penDirty = true;
            }
            m_writtenBrush = brushFor(symbol, m_painter).style() != Qt::NoBrush;
            m_brushDirty = true;
        }
        QByteArray& out = m_pdf->out();
        const auto paint = [&] {
            if (m_brushDirty && m_writtenBrush) {
                appendPdfFill(out, m_written->fill);
                if (m_opaqueFills)
                    out.append("/GSa gs\n");
            }
            if (m_penDirty)
                appendPdfStroke(out, m_writtenPen);
            m_brushDirty = m_penDirty = false;
        };
        if (store.partCount(feature) == 1 && store.ringCount(feature, 0) == 1) {
            if (!ringInPixels(store.ring(feature, 0, 0)))
                return;
            paint();
            appendPdfPolygon(out, m_buffer.constData(), m_buffer.size(), m_writtenBrush);
            m_pdf->plotDone();
            return;
        }
        const QPainterPath path = pathInPixels(store, feature);
        paint();
        if (path.elementCount() == 0)
            return;
        appendPdfPath(out, path);
        out.append(m_writtenBrush ? "B*\n" : "S\n");
        m_pdf->plotDone();
    }

    QPen penFor(const Symbol& symbol) const
    {
        const double widthPx = symbol.strokeWidth * m_scale;
        if (symbol.stroke.alpha() == 0 || symbol.strokeWidth <= 0 ||
            symbol.strokeStyle == Qt::NoPen)
            return QPen(Qt::NoPen);
        if (m_rasterImage && widthPx < 1.0) {
            // Thinner than a pixel on screen: a one-pixel hairline (Qt's fast cosmetic stroker)
            // as opaque as the share of the pixel the line would cover looks the same.
            QColor colour = symbol.stroke;
            colour.setAlphaF(colour.alphaF() * static_cast<float>(widthPx));
            return QPen(colour, 0, symbol.strokeStyle, Qt::FlatCap, Qt::MiterJoin);
        }
        return QPen(symbol.stroke, widthPx, symbol.strokeStyle,
                    symbol.strokeStyle == Qt::SolidLine ? Qt::RoundCap : Qt::FlatCap,
                    Qt::RoundJoin);
    }


    /// Keeps a small one-ring polygon (pixels) for flushSmallPolygons; false when it comes to
    /// fewer than three points (nothing to draw).
    bool keepSmallPolygon(const geo::GeometryStore& store, std::size_t feature,
                          const Symbol& symbol, bool smooth, bool counted)
    {
        // Straight into the kept array (its capacity grown by doubling here, as push_back
        // would, so that the pushes below never reallocate), not through m_buffer.
        const geo::RingView ring = store.ring(feature, 0, 0);
        auto& points = m_small.points;
        const std::size_t first = points.size();
        if (first + ring.vertexCount() > points.capacity())
            points.reserve(std::max(2 * points.capacity(), first + ring.vertexCount()));
        appendRingPoints(ring, m_toPixel, points, m_gridPx);
        const std::size_t count = points.size() - first;
        if (count < 3) {
            points.resize(first);
            return false;
        }
        m_small.polygons.push_back({&symbol, static_cast<std::uint32_t>(first),
                                    static_cast<std::uint32_t>(count), smooth, counted});
        return true;
    }

    /// Small polygons of a raster output in two passes: every fill without antialiasing (the
    /// plots tile, so their edges meet without seams), then every outline over them, where the
    /// edges show: antialiased from kSmoothOutlinePx up, below that a plain hairline (a plot of
    /// a few pixels has no edge for smoothing to show). The order within the layer changes
    /// only where its polygons overlap. The picture is the one a polygon of a few pixels can
    /// show, at a fraction of the cost of antialiasing each fill.
    ///
    /// Most of a zoom's drawing happens here, so the cancel flag is read as often as in the
    /// feature loop (every kCancelCheckStride polygons); the polygons are counted in
    /// featuresDrawn as their outlines are drawn. Returns false when cancelled (the kept
    /// polygons are dropped).
    bool flushSmallPolygons(const geo::CancelFlag& cancel, std::size_t& featuresDrawn)
    {
        if (m_small.polygons.empty())
            return true;
        const auto cancelled = [&](std::size_t index) {
            if (index % kCancelCheckStride != 0 || !cancel.isCancelled())
                return false;
            m_small.polygons.clear();
            m_small.points.clear();
            m_painter.setRenderHint(QPainter::Antialiasing, true);
            m_current = nullptr;
            return true;
        };
        m_painter.setRenderHint(QPainter::Antialiasing, false);
        m_painter.setPen(Qt::NoPen);
        const Symbol* current = nullptr;
        for (std::size_t i = 0; i < m_small.polygons.size(); ++i) {
            if (cancelled(i))
                return false;
            const SmallPolygon& polygon = m_small.polygons[i];
            if (polygon.symbol != current) {
                current = polygon.symbol;
                m_painter.setBrush(paintOf(*current).brush);
            }
            m_painter.drawPolygon(m_small.points.data() + polygon.first,
                                  static_cast<int>(polygon.count), Qt::OddEvenFill);
        }
        m_painter.setBrush(Qt::NoBrush);
        current = nullptr;
        bool smooth = false;
        for (std::size_t i = 0; i < m_small.polygons.size(); ++i) {
            if (cancelled(i))
                return false;
            const SmallPolygon& polygon = m_small.polygons[i];
            if (polygon.symbol != current) {
                // Classes that differ only in their fill share the layer's outline: its pen
                // is set once (QPainter would compare each new pen with it).
                if (!current || !sameOutline(*current, *polygon.symbol))
                    m_painter.setPen(paintOf(*polygon.symbol).pen);
                current = polygon.symbol;
            }
            if (polygon.smooth != smooth) {
                smooth = polygon.smooth;
                m_painter.setRenderHint(QPainter::Antialiasing, smooth);
            }
            m_painter.drawPolyline(m_small.points.data() + polygon.first,
                                   static_cast<int>(polygon.count));
            if (polygon.counted)
                ++featuresDrawn;
        }
        m_painter.setRenderHint(QPainter::Antialiasing, true);
        m_small.polygons.clear();
        m_small.points.clear();
        m_current = nullptr; // the painter's pen and brush are no longer a symbol's
        return true;
    }

    static bool sameOutline(const Symbol& a, const Symbol& b)
    {
        return a.stroke == b.stroke && a.strokeWidth == b.strokeWidth &&
               a.strokeStyle == b.strokeStyle;
    }

    /// A polygon of a pixel or two: its envelope grown by half its outline's width (the
    /// outline is drawn on the edge, half of it outside), antialiased, in its fill and outline
    /// mixed (see tinyColour). Measured against QGIS drawing the same plots one by one, the
    /// picture differs by a mean of 12 levels in 255 (scripts/bench --render).
    void drawTinyPolygon(const geo::Envelope& envelope, const Symbol& symbol)
    {
        const QPointF topLeft = m_toPixel.toPixel(envelope.minX, envelope.maxY);
        const QPointF bottomRight = m_toPixel.toPixel(envelope.maxX, envelope.minY);
        const bool hasStroke =
            symbol.stroke.alpha() > 0 && symbol.strokeWidth > 0 && symbol.strokeStyle != Qt::NoPen;
        const double strokePx = hasStroke ? symbol.strokeWidth * m_scale : 0;
        const QRectF rect = QRectF(topLeft, bottomRight)
                                .adjusted(-strokePx / 2, -strokePx / 2, strokePx / 2, strokePx / 2);
        m_painter.fillRect(rect, tinyColour(symbol, rect.width(), rect.height(), strokePx));
    }

    /// drawTinyPolygon without the painter: the same rectangle and colour, each pixel it
    /// touches blended (source over) by the share of the pixel it covers, as an antialiased
    /// fill covers it. The colour is made once per symbol and size class, not per feature.
    void blendTinyPolygon(const geo::Envelope& envelope, const Symbol& symbol)
    {
        const QPointF topLeft = m_toPixel.toPixel(envelope.minX, envelope.maxY);
        const QPointF bottomRight = m_toPixel.toPixel(envelope.maxX, envelope.minY);
        TinyColours& colours = tinyColoursOf(symbol);
        const double strokePx = colours.strokePx;
        const double left = topLeft.x() - strokePx / 2;
        const double top = topLeft.y() - strokePx / 2;
        const double right = bottomRight.x() + strokePx / 2;
        const double bottom = bottomRight.y() + strokePx / 2;
        // The mix of outline and fill depends on the size: sizes in steps of 1/16 pixel share
        // one colour (the mix changes by well under a level within a step).
        const int widthStep = static_cast<int>((right - left) * 16);
        const int heightStep = static_cast<int>((bottom - top) * 16);
        const auto made = [&] {
            return qPremultiply(
                tinyColour(symbol, (widthStep + 0.5) / 16, (heightStep + 0.5) / 16, strokePx)
                    .rgba());
        };
        QRgb colour;
        if (widthStep >= 0 && widthStep < kTinySteps && heightStep >= 0 &&
            heightStep < kTinySteps) {
            QRgb& kept = colours.colours[static_cast<std::size_t>(heightStep * kTinySteps + widthStep)];
            if (kept == kTinyUnset)
                kept = made();
            colour = kept;
        } else {
            colour = made();
        }
        if (qAlpha(colour) > 0)
            blendRect(left, top, right, bottom, colour);
    }

    /// Source-over of a premultiplied colour on the pixels of [left, right) × [top, bottom)
    /// (pixels, fractional), each by the share of it the rectangle covers.
    void blendRect(double left, double top, double right, double bottom, QRgb colour)
    {
        const int width = m_image->width();
        const int height = m_image->height();
        left = std::max(left, 0.0);
        top = std::max(top, 0.0);
        right = std::min(right, static_cast<double>(width));
        bottom = std::min(bottom, static_cast<double>(height));
        if (right <= left || bottom <= top)
            return;
        const int x0 = static_cast<int>(left);
        const int y0 = static_cast<int>(top);
        const int x1 = std::min(width, static_cast<int>(std::ceil(right)));
        const int y1 = std::min(height, static_cast<int>(std::ceil(bottom)));
        const float alpha = static_cast<float>(qAlpha(colour));
        const float red = static_cast<float>(qRed(colour));
        const float green = static_cast<float>(qGreen(colour));
        const float blue = static_cast<float>(qBlue(colour));
        for (int y = y0; y < y1; ++y) {
            const double coverY = std::min(bottom, y + 1.0) - std::max(top, static_cast<double>(y));
            auto* line = reinterpret_cast<QRgb*>(m_bits + static_cast<qsizetype>(y) * m_bytesPerLine);
            for (int x = x0; x < x1; ++x) {
                const float cover = static_cast<float>(
                    coverY * (std::min(right, x + 1.0) - std::max(left, static_cast<double>(x))));
                const float keep = 1.0f - alpha * cover / 255.0f;
                const QRgb under = line[x];
                const auto mix = [&](float source, int destination) {
                    return static_cast<int>(source * cover + static_cast<float>(destination) * keep +
                                            0.5f);
                };
                line[x] = qRgba(mix(red, qRed(under)), mix(green, qGreen(under)),
                                mix(blue, qBlue(under)), mix(alpha, qAlpha(under)));
            }
        }
    }

    /// The colour of a polygon whose outline, `strokePx` wide, grows it to w × h pixels: the
    /// outline covers a band of that width all round, the fill the rest.
    static QColor tinyColour(const Symbol& symbol, double width, double height, double strokePx)
    {
        const bool hasFill = symbol.fill.alpha() > 0 && symbol.fillPattern != Qt::NoBrush;
        const double area = std::max(width * height, 1e-6);
        const double inner =
            std::max(0.0, width - 2 * strokePx) * std::max(0.0, height - 2 * strokePx);
        const double strokeShare = strokePx > 0 ? 1 - inner / area : 0;
        const double strokeAlpha = strokeShare * symbol.stroke.alphaF();
        const double fillAlpha = hasFill ? (1 - strokeShare) * symbol.fill.alphaF() : 0;
        const double alpha = strokeAlpha + fillAlpha;
        if (alpha <= 0)
            return QColor(0, 0, 0, 0);
        auto mix = [&](double stroke, double fill) {
            return (stroke * strokeAlpha + fill * fillAlpha) / alpha;
        };
        return QColor::fromRgbF(
            static_cast<float>(mix(symbol.stroke.redF(), symbol.fill.redF())),
            static_cast<float>(mix(symbol.stroke.greenF(), symbol.fill.greenF())),
            static_cast<float>(mix(symbol.stroke.blueF(), symbol.fill.blueF())),
            static_cast<float>(std::min(1.0, alpha)));
    }

    void drawPolygon(const geo::GeometryStore& store, std::size_t feature)
    {
        // Most plots are one ring: drawn straight as a polygon, without building a path.
        if (store.partCount(feature) == 1 && store.ringCount(feature, 0) == 1) {
            if (ringInPixels(store.ring(feature, 0, 0)))
                m_painter.drawPolygon(m_buffer, Qt::OddEvenFill);
            return;
        }
        m_painter.drawPath(pathInPixels(store, feature));
    }

    /// A polygon's ring in pixels in m_buffer, on the page's grid, without its straight vertices
    /// where they are left out (m_dropStraight); false when fewer than two points are left.
    bool ringInPixels(const geo::RingView& ring)
    {
        appendRing(ring, m_toPixel, m_buffer, m_gridPx);
        if (m_dropStraight)
            dropStraightVertices(m_buffer);
        return m_buffer.size() >= 2;
    }

    /// A polygon of several rings or parts as one odd-even path in pixels (ringInPixels each).
    QPainterPath pathInPixels(const geo::GeometryStore& store, std::size_t feature)
    {
        QPainterPath path;
        path.setFillRule(Qt::OddEvenFill);
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                if (!ringInPixels(store.ring(feature, part, ring)))
                    continue;
                path.addPolygon(m_buffer);
                path.closeSubpath();
            }
        return path;
    }

    void drawLine(const geo::GeometryStore& store, std::size_t feature, const LayerStyle& style,
                  const Symbol& symbol)
    {
        double groundPx = 0;
        if (style.featureWidthMapUnits && feature < style.featureWidthMapUnits->size()) {
            const double width = (*style.featureWidthMapUnits)[feature];
            if (width > 0)
                groundPx = width / m_toPixel.mapUnitsPerPixel();
        }
        const bool atGroundWidth = groundPx >= style.minRealWidthPx;
        if (atGroundWidth) {
            QColor ground = symbol.stroke;
            ground.setAlpha(90);
            m_painter.setPen(QPen(ground, groundPx, Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
        }
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                appendRing(store.ring(feature, part, ring), m_toPixel, m_buffer, m_gridPx);
                if (m_buffer.size() < 2)
                    continue;
                m_painter.drawPolyline(m_buffer);
                if (atGroundWidth) {
                    m_painter.setPen(m_pen);
                    m_painter.drawPolyline(m_buffer);
                }
            }
        if (atGroundWidth)
            m_painter.setPen(m_pen);
    }

    void drawPoints(const geo::GeometryStore& store, std::size_t feature, const Symbol& symbol)
    {
        const double radius = symbol.pointDiameter * m_scale / 2.0;
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                const geo::RingView points = store.ring(feature, part, ring);
                for (std::size_t i = 0; i < points.vertexCount(); ++i) {
                    const QPointF centre = m_toPixel.toPixel(points.x(i), points.y(i));
                    if (symbol.pointShape == PointShape::Circle)
                        m_painter.drawEllipse(centre, radius, radius);
                    else
                        m_painter.drawPath(markerPath(symbol.pointShape, centre, radius));
                    // No label may cover a marker.
                    keepClear(
                        QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius));
                }
            }
    }

    /// One layer's labels, with a white halo, one line per field (and the area in mu): a
    /// point's right of its marker, else left, above or below it; a polygon's or line's on the
    /// centre of its envelope, else just above or below it where that stays within the
    /// envelope. The larger features first; a label is left out when no place is free: its box
    /// would overlap one already placed in this render, leave the output (a page's map frame)
    /// or cover what MapSettings::labelObstacles keeps clear. Labels never cover each other.
    void drawLabels(const LayerSnapshot& snapshot, std::vector<std::size_t>& features,
                    const geo::CancelFlag& cancel)
    {
        const geo::Layer& layer = *snapshot.layer;
        const LayerStyle& style = snapshot.style;
        const geo::GeometryStore& store = layer.geometry;
        const bool isPoint = store.kind() == geo::GeometryKind::Point;
        if (!isPoint)
            std::stable_sort(features.begin(), features.end(), [&](std::size_t a, std::size_t b) {
                const geo::Envelope& ea = store.envelope(a);
                const geo::Envelope& eb = store.envelope(b);
                return ea.width() * ea.height() > eb.width() * eb.height();
            });
        // Point sizes are real points: the image's DPI (set by render()) sizes them.
        const QFont font(style.labelFont, m_painter.device());
        m_painter.setFont(font);
        m_painter.setBrush(Qt::NoBrush);
        const QFontMetricsF metrics(font, m_painter.device());
        const double lineHeight = metrics.height();
        QPen halo(QColor(255, 255, 255, 220), 3.0 * m_scale, Qt::SolidLine, Qt::RoundCap,
                  Qt::RoundJoin);
        const int fieldCount = static_cast<int>(layer.attributes.fields().size());
        std::optional<geo::AreaCalculator> area;
        if (style.labelAreaMu && !layer.crs.isEmpty())
            area.emplace(layer.crs, geo::AreaMethod::Ellipsoidal);
        QStringList lines;
        std::vector<QPointF> textAt;
        for (const std::size_t feature : features) {
            if (cancel.isCancelled())
                return;
            lines.clear();
            for (const int field : style.labelFields)
                if (field >= 0 && field < fieldCount)
                    if (QString text =
                            QString::fromStdString(layer.attributes.text(feature, field));
                        !text.isEmpty())
                        lines.append(std::move(text));
            if (area) {
                const double areaM2 = area->areaM2(store, feature, layer.fids[feature]);
                if (std::isfinite(areaM2) && areaM2 > 0)
                    lines.append(QStringLiteral("%1 亩").arg(geo::muFromM2(areaM2), 0, 'f', 2));
            }
            if (lines.isEmpty())
                continue;
            double blockWidth = 0;
            for (const QString& line : lines)
                blockWidth = std::max(blockWidth, metrics.horizontalAdvance(line));
            const double blockHeight = lineHeight * static_cast<double>(lines.size());
            // Candidate places, best first.
            QRectF candidates[4];
            int candidateCount = 0;
            if (isPoint) {
                const geo::RingView point = store.ring(feature, 0, 0);
                const Symbol& symbol = style.symbolFor(feature);
                const QPointF at = m_toPixel.toPixel(point.x(0), point.y(0));
                const double gap = symbol.pointDiameter * m_scale / 2 + 3 * m_scale;
                candidates[candidateCount++] =
                    QRectF(at.x() + gap, at.y() - blockHeight / 2, blockWidth, blockHeight);
                candidates[candidateCount++] = QRectF(
                    at.x() - gap - blockWidth, at.y() - blockHeight / 2, blockWidth, blockHeight);
                candidates[candidateCount++] = QRectF(
                    at.x() - blockWidth / 2, at.y() - gap - blockHeight, blockWidth, blockHeight);
                candidates[candidateCount++] =
                    QRectF(at.x() - blockWidth / 2, at.y() + gap, blockWidth, blockHeight);
            } else {
                const geo::Envelope& envelope = store.envelope(feature);
                const QPointF centre = m_toPixel.toPixel((envelope.minX + envelope.maxX) / 2,
                                                         (envelope.minY + envelope.maxY) / 2);
                const QRectF centred(centre.x() - blockWidth / 2, centre.y() - blockHeight / 2,
                                     blockWidth, blockHeight);
                candidates[candidateCount++] = centred;
                // Just above and just below the centre, where the plot is tall enough to hold
                // the label there too.
                const QPointF corner = m_toPixel.toPixel(envelope.minX, envelope.maxY);
                const QPointF opposite = m_toPixel.toPixel(envelope.maxX, envelope.minY);
                const QRectF within = QRectF(corner, opposite).normalized();
                // A block's height and the labels' air away: clear of a neighbour's centred
                // label.
                for (const double shift : {-(blockHeight + 3), blockHeight + 3}) {
                    const QRectF moved = centred.translated(0, shift);
                    if (within.contains(moved))
                        candidates[candidateCount++] = moved;
                }
            }
            QRectF box;
            bool placed = false;
            for (int c = 0; c < candidateCount && !placed; ++c)
                if (placeLabel(candidates[c])) {
                    box = candidates[c];
                    placed = true;
                }
            if (!placed)
                continue;
            // The halo is an outline; the label itself stays text, so a PDF or SVG of the map
            // can be searched and copied from.
            QPainterPath path;
            textAt.clear();
            for (qsizetype i = 0; i < lines.size(); ++i) {
                const double x = isPoint
                                     ? box.left()
                                     : box.center().x() - metrics.horizontalAdvance(lines[i]) / 2;
                textAt.emplace_back(x, box.top() + lineHeight * static_cast<double>(i) +
                                           metrics.ascent());
                path.addText(textAt.back(), font, lines[i]);
            }
            m_painter.strokePath(path, halo);
            m_painter.setPen(style.labelColour);
            for (qsizetype i = 0; i < lines.size(); ++i)
                m_painter.drawText(textAt[static_cast<std::size_t>(i)], lines[i]);
            ++m_labelsDrawn;
        }
    }

    /// Takes `box` (pixels) for a label unless it overlaps one taken before, leaves the output
    /// or covers an obstacle; a grid of 64-pixel cells keeps the look-up short however many
    /// labels there are.
    bool placeLabel(const QRectF& box)
    {
        constexpr double kCell = 64.0;
        const QRectF padded = box.adjusted(-1, -1, 1, 1); // a hair of air between labels
        if (!m_inside.contains(padded))
            return false;
        for (const QRectF& obstacle : m_obstacles)
            if (obstacle.intersects(padded))
                return false;
        const int x0 = static_cast<int>(std::floor(padded.left() / kCell));
        const int x1 = static_cast<int>(std::floor(padded.right() / kCell));
        const int y0 = static_cast<int>(std::floor(padded.top() / kCell));
        const int y1 = static_cast<int>(std::floor(padded.bottom() / kCell));
        for (int x = x0; x <= x1; ++x)
            for (int y = y0; y <= y1; ++y)
                if (const auto cell = m_labelGrid.find(cellKey(x, y)); cell != m_labelGrid.end())
                    for (const std::size_t index : cell->second)
                        if (m_placedLabels[index].intersects(padded))
                            return false;
        keepClear(padded);
        return true;
    }

    /// Marks `box` (pixels) as taken: a placed label, or a point's marker that labels must not
    /// cover.
    void keepClear(const QRectF& box)
    {
        constexpr double kCell = 64.0;
        m_placedLabels.push_back(box);
        const int x0 = static_cast<int>(std::floor(box.left() / kCell));
        const int x1 = static_cast<int>(std::floor(box.right() / kCell));
        const int y0 = static_cast<int>(std::floor(box.top() / kCell));
        const int y1 = static_cast<int>(std::floor(box.bottom() / kCell));
        for (int x = x0; x <= x1; ++x)
            for (int y = y0; y <= y1; ++y)
                m_labelGrid[cellKey(x, y)].push_back(m_placedLabels.size() - 1);
    }

    static std::int64_t cellKey(int x, int y)
    {
        return (static_cast<std::int64_t>(x) << 32) ^ static_cast<std::uint32_t>(y);
    }

public:
    std::size_t labelsDrawn() const { return m_labelsDrawn; }
    /// Labels go within `inside` (pixels: the output, a page's map frame) and clear of
    /// `obstacles`.
    void setLabelBounds(const QRectF& inside, std::vector<QRectF> obstacles)
    {
        m_inside = inside;
        m_obstacles = std::move(obstacles);
    }

private:
    QPainter& m_painter;
    const MapToPixel& m_toPixel;
    double m_scale;
    double m_gridPx = 0;
    bool m_dropStraight = false; // on the vector grid: see dropStraightVertices
    // Drawing on a raster image untransformed (the screen, a PNG): sub-pixel shortcuts apply.
    // Not for vector output (PDF, SVG) or a page layout, which get the exact geometry.
    bool m_rasterImage;
    QPolygonF m_buffer;
    // The level of detail's image (null: everything through the painter), its pixels while a
    // layer is drawn, and the tiny polygons' colours of the current symbol by size class.
    QImage* m_image = nullptr;
    uchar* m_bits = nullptr;
    qsizetype m_bytesPerLine = 0;
    // The tiny polygons' colours of each symbol drawn in this layer by size class, in steps
    // of 1/16 pixel (kTinySteps of them each way: up to 4 pixels), each made when first
    // needed (kTinyUnset until then), and the symbol's outline width in pixels. A table per
    // symbol, looked up without hashing, stays in the cache where a shared hash table did not.
    struct TinyColours {
        const Symbol* symbol = nullptr;
        double strokePx = 0;
        std::vector<QRgb> colours;
    };
    static constexpr int kTinySteps = 64;
    // No premultiplied colour: alpha 0 with colour.
    static constexpr QRgb kTinyUnset = 0x00ffffffu;
    std::vector<std::unique_ptr<TinyColours>> m_tinyColours;
    TinyColours* m_tinyCurrent = nullptr;

    TinyColours& tinyColoursOf(const Symbol& symbol)
    {
        if (m_tinyCurrent && m_tinyCurrent->symbol == &symbol)
            return *m_tinyCurrent;
        // A class of the layer finds its table through m_paints (the plots' classes change
        // from one plot to the next: no search through the tables made so far).
        SymbolPaint* paint = paintEntry(symbol);
        if (paint && paint->tiny) {
            m_tinyCurrent = paint->tiny;
            return *m_tinyCurrent;
        }
        if (!paint)
            for (const std::unique_ptr<TinyColours>& colours : m_tinyColours)
                if (colours->symbol == &symbol) {
                    m_tinyCurrent = colours.get();
                    return *colours;
                }
        auto colours = std::make_unique<TinyColours>();
        colours->symbol = &symbol;
        const bool hasStroke =
            symbol.stroke.alpha() > 0 && symbol.strokeWidth > 0 && symbol.strokeStyle != Qt::NoPen;
        colours->strokePx = hasStroke ? symbol.strokeWidth * m_scale : 0;
        colours->colours.assign(static_cast<std::size_t>(kTinySteps) * kTinySteps, kTinyUnset);
        m_tinyCurrent = colours.get();
        if (paint)
            paint->tiny = m_tinyCurrent;
        m_tinyColours.push_back(std::move(colours));
        return *m_tinyCurrent;
    }

    QPen m_pen;
    const Symbol* m_current = nullptr;
    // Plots written to m_pdf (see writePolygon): whether this layer's are, whether its marker
    // is drawn, and the pen and brush of the plots written, as Qt's engine would hold them.
    PdfPageContent* m_pdf = nullptr;
    bool m_writing = false;
    bool m_opaqueFills = false; // every brush of the layer opaque: "/GSa gs" with each
    bool m_marked = false;
    const Symbol* m_written = nullptr;
    QPen m_writtenPen;
    bool m_writtenBrush = false;
    bool m_penDirty = false;
    bool m_brushDirty = false;
    struct PendingLabels {
        const LayerSnapshot* snapshot;
        std::vector<std::size_t> features;
    };
    std::vector<PendingLabels> m_pending; // labels of the layers drawn, drawn last
    QRectF m_inside;                      // where labels may go: the output
    std::vector<QRectF> m_obstacles;      // and not here
    // The small polygons of the layer being drawn (see flushSmallPolygons), in arrays kept
    // between renders (see SmallPolygonPool).
    std::unique_ptr<SmallPolygons> m_smallKept = takeSmallPolygons();
    SmallPolygons& m_small = *m_smallKept;
    // Label boxes placed so far in this render (all layers), and a grid over them.
    std::vector<QRectF> m_placedLabels;
    std::unordered_map<std::int64_t, std::vector<std::size_t>> m_labelGrid;
    std::size_t m_labelsDrawn = 0;
    double m_countLow = -std::numeric_limits<double>::infinity();
    double m_countHigh = std::numeric_limits<double>::infinity();
};

} // namespace

MapRenderer::MapRenderer(MapSettings settings) : m_settings(std::move(settings)) {}

RenderResult MapRenderer::render() const
{
    const geo::CancelFlag never;
    return render(never);
}

RenderResult MapRenderer::render(const geo::CancelFlag& cancel) const
{
    QElapsedTimer timer;
    timer.start();
    RenderResult result;
    result.settings = m_settings;
    if (!m_settings.isValid()) {
        result.errors.push_back("nothing to draw: the output size or the extent is invalid");
        return result;
    }
    const QImage& underlay = m_settings.underlay();
    const bool over = !underlay.isNull() && underlay.size() == m_settings.outputSize();
    // Over the underlay: a copy of its pixels (the caller's picture stays as it was).
    QImage image = over ? underlay.convertToFormat(QImage::Format_ARGB32_Premultiplied)
                        : QImage(m_settings.outputSize(), QImage::Format_ARGB32_Premultiplied);
    if (over && image.constBits() == underlay.constBits())
        image.detach();
    if (!over) // before fill() first writes the pixels (8 MB at 1920 × 1080)
        geo::adviseHugePages(image.bits(), static_cast<std::size_t>(image.sizeInBytes()),
                             kHugePageBytes);
    const int dotsPerMetre = static_cast<int>(std::lround(m_settings.dpi() / 0.0254));
    image.setDotsPerMeterX(dotsPerMetre);
    image.setDotsPerMeterY(dotsPerMetre);
    image.setDevicePixelRatio(1.0);
    if (!over)
        image.fill(m_settings.background());
    if (const int bands = bandCount(); bands > 1) {
        result.cancelled = !paintBands(image, bands, cancel, result.errors, result.featuresDrawn);
    } else {
        QPainter painter(&image);
        result.cancelled =
            !paint(painter, cancel, result.errors, &result.featuresDrawn, &result.labelsDrawn);
    }
    image.setDevicePixelRatio(m_settings.devicePixelRatio());
    result.image = std::move(image);
    result.elapsedMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return result;
}

int MapRenderer::bandCount() const
{
    int bands = m_settings.bands();
    if (bands == 0) {
        // With the screen's level of detail, one band per core (at most 4): on a quiet two-core
        // machine two bands bring a zoom at the full extent of 1M plots from 240-320 ms to
        // 150-230 ms and a redraw of the full extent from 175 to 97 ms, for about 40 % more
        // CPU (README, issue 21, sixth session). PARKATLAS_RENDER_BANDS=N asks for N bands (1:
        // one), else PARKATLAS_THREADS, as every parallel step, for a user sharing the machine.
        static const int asked = qEnvironmentVariableIntValue("PARKATLAS_RENDER_BANDS");
        const int cores = static_cast<int>(geo::requestedWorkerCount());
        const int perCore =
            std::clamp(cores > 0 ? cores : static_cast<int>(std::thread::hardware_concurrency()),
                       1, 4);
        bands = m_settings.levelOfDetail() ? (asked > 0 ? asked : perCore) : 1;
    }
    bands = std::min(bands, m_settings.outputSize().height() / kMinBandRows);
    if (bands <= 1)
        return 1;
    // What a band could draw otherwise than the whole output does: one band.
    const double styleScale = m_settings.dpi() / kStyleDpi;
    const double unitsPerPixel = m_settings.mapToPixel().mapUnitsPerPixel();
    const auto patterned = [](const Symbol& symbol) {
        const bool dashed = symbol.stroke.alpha() > 0 && symbol.strokeWidth > 0 &&
                            symbol.strokeStyle != Qt::NoPen && symbol.strokeStyle != Qt::SolidLine;
        const bool hatched = symbol.fill.alpha() > 0 && symbol.fillPattern != Qt::NoBrush &&
                             symbol.fillPattern != Qt::SolidPattern;
        return dashed || hatched;
    };
    for (const LayerSnapshot& snapshot : m_settings.layers()) {
        if (snapshot.raster)
            return 1;
        const LayerStyle& style = snapshot.style;
        const bool labels = (!style.labelFields.empty() || style.labelAreaMu) &&
                            (style.labelMaxMapUnitsPerPixel <= 0 ||
                             unitsPerPixel * styleScale <= style.labelMaxMapUnitsPerPixel);
        if (labels || patterned(style) ||
            std::any_of(style.classes.begin(), style.classes.end(), patterned))
            return 1;
    }
    return bands;
}

bool MapRenderer::paintBands(QImage& image, int bands, const geo::CancelFlag& cancel,
                             std::vector<std::string>& errors, std::size_t& featuresDrawn) const
{
    struct Band {
        int first = 0; // the rows it gives the picture: first to end - 1
        int end = 0;
        int top = 0; // the rows it draws: those and a margin
        int bottom = 0;
        std::pair<double, double> tops; // the features it counts (see countTopsIn)
        QImage image;
        std::vector<std::string> errors;
        std::size_t drawn = 0;
        bool finished = false;
    };
    const int height = image.height();
    const MapToPixel& view = m_settings.mapToPixel();
    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    std::vector<Band> parts(static_cast<std::size_t>(bands));
    for (int k = 0; k < bands; ++k) {
        Band& band = parts[static_cast<std::size_t>(k)];
        band.first = static_cast<int>(static_cast<qint64>(height) * k / bands);
        band.end = static_cast<int>(static_cast<qint64>(height) * (k + 1) / bands);
        band.top = std::max(0, band.first - kBandMarginPx);
        band.bottom = std::min(height, band.end + kBandMarginPx);
        // The map y of the row boundaries, computed once: neighbours share them.
        band.tops = {k == bands - 1 ? -kInfinity : view.toMap(QPointF(0, band.end)).y(),
                     k == 0 ? kInfinity : view.toMap(QPointF(0, band.first)).y()};
    }
    const auto draw = [&](Band& band) {
        try {
            // Over what the band's rows hold (the background, or the underlay).
            band.image = image.copy(0, band.top, image.width(), band.bottom - band.top);
            MapRenderer renderer(m_settings.rows(band.top, band.bottom - band.top));
            renderer.m_countedTops = band.tops;
            QPainter painter(&band.image);
            band.finished = renderer.paint(painter, cancel, band.errors, &band.drawn, nullptr);
        } catch (const std::exception& error) {
            band.errors.push_back(std::string("rows: ") + error.what());
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t k = 1; k < parts.size(); ++k)
        threads.emplace_back([&draw, &band = parts[k]] { draw(band); });
    draw(parts.front());
    for (std::thread& thread : threads)
        thread.join();

    bool finished = true;
    const auto rowBytes = static_cast<std::size_t>(image.width()) * 4;
    for (const Band& band : parts) {
        finished = finished && band.finished;
        for (const std::string& error : band.errors)
            if (std::find(errors.begin(), errors.end(), error) == errors.end())
                errors.push_back(error);
        featuresDrawn += band.drawn;
        if (band.image.isNull() || !band.finished)
            continue;
        for (int row = band.first; row < band.end; ++row)
            std::memcpy(image.scanLine(row), band.image.constScanLine(row - band.top), rowBytes);
    }
    return finished;
}

bool MapRenderer::paint(QPainter& painter, const geo::CancelFlag& cancel,
                        std::vector<std::string>& errors, std::size_t* featuresDrawn,
                        std::size_t* labelsDrawn, PdfPageContent* pdfContent) const
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    LayerPainter layerPainter(painter, m_settings.mapToPixel(), m_settings.dpi(),
                              m_settings.levelOfDetail(), pdfContent);
    layerPainter.countTopsIn(m_countedTops.first, m_countedTops.second);
    layerPainter.setLabelBounds(QRectF(QPointF(0, 0), QSizeF(m_settings.outputSize())),
                                m_settings.labelObstacles());
    std::size_t drawn = 0;
    bool finished = true;
    // The scale, less a hair: a page set at exactly 1:25 000 computes it from rounded pixel
    // sizes and must count as 1:25 000, not beyond it.
    const double scale = m_settings.scaleDenominator() * (1 - 1e-3);
    for (const LayerSnapshot& styled : m_settings.layers()) {
        if (!styled.layer || styled.opacity <= 0)
            continue;
        // The style's scale limits (0 or an unknown scale: none).
        if (!styled.style.shownAtScale(scale))
            continue;
        LayerSnapshot outlined;
        const bool outlinesOnly = styled.style.outlinesOnlyAtScale(scale);
        if (outlinesOnly) {
            outlined = styled;
            outlined.style = styled.style.outlinesOnly();
        }
        const LayerSnapshot& snapshot = outlinesOnly ? outlined : styled;
        painter.save();
        bool done = true;
        try {
            if (snapshot.raster) {
                painter.setOpacity(snapshot.opacity);
                done = drawRaster(painter, *snapshot.raster, cancel);
            } else if (snapshot.opacity < 1 && painter.transform().isIdentity()) {
                // Blend the layer as one picture: its features drawn over each other do not
                // show through one another.
                QImage layerImage(m_settings.outputSize(), QImage::Format_ARGB32_Premultiplied);
                const int dotsPerMetre = static_cast<int>(std::lround(m_settings.dpi() / 0.0254));
                layerImage.setDotsPerMeterX(dotsPerMetre);
                layerImage.setDotsPerMeterY(dotsPerMetre);
                layerImage.fill(Qt::transparent);
                {
                    QPainter layerPainterDevice(&layerImage);
                    layerPainterDevice.setRenderHint(QPainter::Antialiasing, true);
                    LayerPainter alone(layerPainterDevice, m_settings.mapToPixel(),
                                       m_settings.dpi(), m_settings.levelOfDetail());
                    alone.countTopsIn(m_countedTops.first, m_countedTops.second);
                    done = alone.draw(snapshot, cancel, drawn);
                    layerPainter.takeLabels(alone);
                }
                painter.setOpacity(snapshot.opacity);
                painter.drawImage(QPoint(0, 0), layerImage);
            } else {
                // A page layout (transformed painter): blend feature by feature.
                painter.setOpacity(snapshot.opacity);
                done = layerPainter.draw(snapshot, cancel, drawn);
            }
        } catch (const std::exception& error) {
            errors.push_back("layer '" + snapshot.layer->name + "': " + error.what());
        }
        painter.restore();
        if (!done) {
            finished = false;
            break;
        }
    }
    // Labels over every layer's features, each in its layer's place in the list.
    if (finished) {
        try {
            finished = layerPainter.drawLabels(cancel);
        } catch (const std::exception& error) {
            errors.push_back(std::string("labels: ") + error.what());
        }
    }
    if (featuresDrawn)
        *featuresDrawn += drawn;
    if (labelsDrawn)
        *labelsDrawn += layerPainter.labelsDrawn();
    return finished;
}

bool MapRenderer::drawRaster(QPainter& painter, const RasterLayer& raster,
                             const geo::CancelFlag& cancel) const
{
    const MapToPixel& toPixel = m_settings.mapToPixel();
    const geo::Envelope visible = toPixel.visibleExtent();
    const geo::Envelope& extent = raster.extent;
    if (!extent.intersects(visible))
        return true;
    // Read only the output pixels the raster covers, on whole pixels, so that the grid GDAL
    // resamples onto is the output's own.
    const QSize size = m_settings.outputSize();
    const QPointF topLeft =
        toPixel.toPixel(std::max(extent.minX, visible.minX), std::min(extent.maxY, visible.maxY));
    const QPointF bottomRight =
        toPixel.toPixel(std::min(extent.maxX, visible.maxX), std::max(extent.minY, visible.minY));
    const int left = std::clamp(static_cast<int>(std::floor(topLeft.x())), 0, size.width());
    const int top = std::clamp(static_cast<int>(std::floor(topLeft.y())), 0, size.height());
    const int right = std::clamp(static_cast<int>(std::ceil(bottomRight.x())), 0, size.width());
    const int bottom = std::clamp(static_cast<int>(std::ceil(bottomRight.y())), 0, size.height());
    if (right <= left || bottom <= top)
        return true;
    const QPointF mapTopLeft = toPixel.toMap(QPointF(left, top));
    const QPointF mapBottomRight = toPixel.toMap(QPointF(right, bottom));
    const geo::Envelope window{mapTopLeft.x(), mapBottomRight.y(), mapBottomRight.x(),
                               mapTopLeft.y()};
    const geo::RasterImage pixels =
        geo::readRaster(raster.info, window, right - left, bottom - top, m_settings.crs(), &cancel);
    if (cancel.isCancelled())
        return false;
    if (pixels.isEmpty())
        return true;
    // A view on the pixels, no copy: drawn before `pixels` goes.
    const QImage image(pixels.rgba.data(), pixels.width, pixels.height, pixels.width * 4,
                       QImage::Format_RGBA8888);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter.drawImage(QRect(left, top, pixels.width, pixels.height), image);
    return true;
}

} // namespace parkatlas::render
