#include "app/render/map_renderer.h"

#include "app/render/marker_path.h"

#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QString>

#include <algorithm>
#include <cmath>
#include <exception>

namespace parkatlas::render {

namespace {

constexpr double kMinFeatureSizePx = 0.5; // smaller features are not drawn
constexpr double kMinVertexStepPx = 0.5;  // closer vertices are merged
constexpr double kStyleDpi = 96.0;        // style widths are given at this DPI
constexpr double kVectorGridPx = 1.0;     // vertices of PDF and SVG output are rounded to this

/// Appends the ring's vertices, in pixels, to `out`, dropping those within kMinVertexStepPx of
/// the last kept one (the last vertex is always kept, so closed rings stay closed). With
/// `gridPx` > 0 every vertex is rounded to that grid first: a vector output (PDF, SVG) then
/// writes "1642" instead of "1641.87113" for each coordinate, a third of the bytes to write and
/// compress, for a shift of at most gridPx / 2 (0.02 mm on the 600-DPI grid of a page).
void appendRing(const geo::RingView& ring, const MapToPixel& toPixel, QPolygonF& out, double gridPx)
{
    out.clear();
    const std::size_t count = ring.vertexCount();
    if (count == 0)
        return;
    out.reserve(static_cast<qsizetype>(count));
    const auto at = [&](std::size_t i) {
        QPointF p = toPixel.toPixel(ring.x(i), ring.y(i));
        if (gridPx > 0)
            p = QPointF(std::round(p.x() / gridPx) * gridPx, std::round(p.y() / gridPx) * gridPx);
        return p;
    };
    QPointF last = at(0);
    out.append(last);
    for (std::size_t i = 1; i < count; ++i) {
        const QPointF p = at(i);
        if (i + 1 < count && std::fabs(p.x() - last.x()) < kMinVertexStepPx &&
            std::fabs(p.y() - last.y()) < kMinVertexStepPx)
            continue;
        out.append(p);
        last = p;
    }
}

class LayerPainter {
public:
    LayerPainter(QPainter& painter, const MapToPixel& toPixel, double dpi)
        : m_painter(painter), m_toPixel(toPixel), m_scale(dpi / kStyleDpi)
    {
        // Vector devices write every coordinate as text; rasters keep sub-pixel positions for
        // their antialiasing.
        const QPaintEngine* engine = painter.paintEngine();
        if (engine && (engine->type() == QPaintEngine::Pdf || engine->type() == QPaintEngine::SVG))
            m_gridPx = kVectorGridPx;
    }

    /// Draws one layer; returns false when cancelled.
    bool draw(const LayerSnapshot& snapshot, const std::atomic<bool>& cancel,
              std::size_t& featuresDrawn)
    {
        const geo::GeometryStore& store = snapshot.layer->geometry;
        const LayerStyle& style = snapshot.style;
        const double unitsPerPixel = m_toPixel.mapUnitsPerPixel();
        const double minSize = kMinFeatureSizePx * unitsPerPixel;

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

        const bool labels =
            style.labelField >= 0 &&
            style.labelField < static_cast<int>(snapshot.layer->attributes.fields().size()) &&
            (style.labelMaxMapUnitsPerPixel <= 0 ||
             unitsPerPixel * m_scale <= style.labelMaxMapUnitsPerPixel);
        m_labels.clear();
        m_current = nullptr;

        const geo::GeometryKind kind = store.kind();
        const std::size_t featureCount =
            snapshot.features ? snapshot.features->size() : store.featureCount();
        for (std::size_t i = 0; i < featureCount; ++i) {
            if (cancel.load(std::memory_order_relaxed))
                return false;
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
            use(symbol);
            switch (kind) {
            case geo::GeometryKind::Polygon:
                drawPolygon(store, feature);
                break;
            case geo::GeometryKind::Line:
                drawLine(store, feature, style, symbol);
                break;
            case geo::GeometryKind::Point:
                drawPoints(store, feature, symbol);
                break;
            case geo::GeometryKind::None:
                continue;
            }
            if (labels)
                m_labels.push_back(feature);
            ++featuresDrawn;
        }
        if (labels)
            drawLabels(snapshot, cancel);
        return true;
    }

private:
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
        if (symbol.stroke.alpha() == 0 || symbol.strokeWidth <= 0 ||
            symbol.strokeStyle == Qt::NoPen) {
            m_pen = QPen(Qt::NoPen);
        } else {
            m_pen = QPen(symbol.stroke, symbol.strokeWidth * m_scale, symbol.strokeStyle,
                         symbol.strokeStyle == Qt::SolidLine ? Qt::RoundCap : Qt::FlatCap,
                         Qt::RoundJoin);
        }
        m_painter.setPen(m_pen);
        m_painter.setBrush(brushFor(symbol, m_painter));
    }

    void drawPolygon(const geo::GeometryStore& store, std::size_t feature)
    {
        QPainterPath path;
        path.setFillRule(Qt::OddEvenFill);
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                appendRing(store.ring(feature, part, ring), m_toPixel, m_buffer, m_gridPx);
                if (m_buffer.size() < 2)
                    continue;
                path.addPolygon(m_buffer);
                path.closeSubpath();
            }
        m_painter.drawPath(path);
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
                }
            }
    }

    /// Labels after all the layer's features, with a white halo, each at the first vertex
    /// (points: right of the marker; others: centred on the envelope's centre).
    void drawLabels(const LayerSnapshot& snapshot, const std::atomic<bool>& cancel)
    {
        const geo::Layer& layer = *snapshot.layer;
        const LayerStyle& style = snapshot.style;
        // Point sizes are real points: the image's DPI (set by render()) sizes them.
        const QFont font(style.labelFont, m_painter.device());
        m_painter.setFont(font);
        m_painter.setBrush(Qt::NoBrush);
        const QFontMetricsF metrics(font, m_painter.device());
        QPen halo(QColor(255, 255, 255, 220), 3.0 * m_scale, Qt::SolidLine, Qt::RoundCap,
                  Qt::RoundJoin);
        for (const std::size_t feature : m_labels) {
            if (cancel.load(std::memory_order_relaxed))
                return;
            const QString text =
                QString::fromStdString(layer.attributes.text(feature, style.labelField));
            if (text.isEmpty())
                continue;
            const geo::GeometryStore& store = layer.geometry;
            QPointF at;
            if (store.kind() == geo::GeometryKind::Point) {
                const geo::RingView point = store.ring(feature, 0, 0);
                const Symbol& symbol = style.symbolFor(feature);
                at = m_toPixel.toPixel(point.x(0), point.y(0)) +
                     QPointF(symbol.pointDiameter * m_scale / 2 + 3 * m_scale,
                             metrics.ascent() / 2 - metrics.descent() / 2);
            } else {
                const geo::Envelope& envelope = store.envelope(feature);
                at = m_toPixel.toPixel((envelope.minX + envelope.maxX) / 2,
                                       (envelope.minY + envelope.maxY) / 2) -
                     QPointF(metrics.horizontalAdvance(text) / 2, 0);
            }
            // The halo is an outline; the label itself stays text, so a PDF or SVG of the map
            // can be searched and copied from.
            QPainterPath path;
            path.addText(at, font, text);
            m_painter.strokePath(path, halo);
            m_painter.setPen(style.labelColour);
            m_painter.drawText(at, text);
        }
    }

    QPainter& m_painter;
    const MapToPixel& m_toPixel;
    double m_scale;
    double m_gridPx = 0;
    QPolygonF m_buffer;
    QPen m_pen;
    const Symbol* m_current = nullptr;
    std::vector<std::size_t> m_labels;
};

} // namespace

MapRenderer::MapRenderer(MapSettings settings) : m_settings(std::move(settings)) {}

RenderResult MapRenderer::render() const
{
    const std::atomic<bool> never{false};
    return render(never);
}

RenderResult MapRenderer::render(const std::atomic<bool>& cancel) const
{
    QElapsedTimer timer;
    timer.start();
    RenderResult result;
    result.settings = m_settings;
    if (!m_settings.isValid()) {
        result.errors.push_back("nothing to draw: the output size or the extent is invalid");
        return result;
    }
    QImage image(m_settings.outputSize(), QImage::Format_ARGB32_Premultiplied);
    const int dotsPerMetre = static_cast<int>(std::lround(m_settings.dpi() / 0.0254));
    image.setDotsPerMeterX(dotsPerMetre);
    image.setDotsPerMeterY(dotsPerMetre);
    image.fill(m_settings.background());
    {
        QPainter painter(&image);
        result.cancelled = !paint(painter, cancel, result.errors, &result.featuresDrawn);
    }
    image.setDevicePixelRatio(m_settings.devicePixelRatio());
    result.image = std::move(image);
    result.elapsedMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return result;
}

bool MapRenderer::paint(QPainter& painter, const std::atomic<bool>& cancel,
                        std::vector<std::string>& errors, std::size_t* featuresDrawn) const
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    LayerPainter layerPainter(painter, m_settings.mapToPixel(), m_settings.dpi());
    std::size_t drawn = 0;
    bool finished = true;
    for (const LayerSnapshot& snapshot : m_settings.layers()) {
        if (!snapshot.layer)
            continue;
        painter.save();
        bool done = true;
        try {
            done = layerPainter.draw(snapshot, cancel, drawn);
        } catch (const std::exception& error) {
            errors.push_back("layer '" + snapshot.layer->name + "': " + error.what());
        }
        painter.restore();
        if (!done) {
            finished = false;
            break;
        }
    }
    if (featuresDrawn)
        *featuresDrawn += drawn;
    return finished;
}

} // namespace parkatlas::render
