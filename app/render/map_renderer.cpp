#include "app/render/map_renderer.h"

#include <QElapsedTimer>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QString>

#include <cmath>
#include <exception>

namespace parkatlas::render {

namespace {

constexpr double kMinFeatureSizePx = 0.5; // smaller features are not drawn
constexpr double kMinVertexStepPx = 0.5;  // closer vertices are merged
constexpr double kStyleDpi = 96.0;        // style widths are given at this DPI

/// Appends the ring's vertices, in pixels, to `out`, dropping those within kMinVertexStepPx of
/// the last kept one (the last vertex is always kept, so closed rings stay closed).
void appendRing(const geo::RingView& ring, const MapToPixel& toPixel, QPolygonF& out)
{
    out.clear();
    const std::size_t count = ring.vertexCount();
    if (count == 0)
        return;
    out.reserve(static_cast<qsizetype>(count));
    QPointF last = toPixel.toPixel(ring.x(0), ring.y(0));
    out.append(last);
    for (std::size_t i = 1; i < count; ++i) {
        const QPointF p = toPixel.toPixel(ring.x(i), ring.y(i));
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
    }

    /// Draws one layer; returns false when cancelled.
    bool draw(const LayerSnapshot& snapshot, const std::atomic<bool>& cancel,
              std::size_t& featuresDrawn)
    {
        const geo::GeometryStore& store = snapshot.layer->geometry;
        const LayerStyle& style = snapshot.style;
        const double unitsPerPixel = m_toPixel.mapUnitsPerPixel();
        const double minSize = kMinFeatureSizePx * unitsPerPixel;

        // Widen the visible extent by the stroke (and point) size so that features just
        // outside still draw their part that shows.
        geo::Envelope visible = m_toPixel.visibleExtent();
        const double marginPx = (style.strokeWidth + style.pointDiameter) * m_scale + 2.0;
        visible.minX -= marginPx * unitsPerPixel;
        visible.minY -= marginPx * unitsPerPixel;
        visible.maxX += marginPx * unitsPerPixel;
        visible.maxY += marginPx * unitsPerPixel;

        QPen pen(style.stroke, style.strokeWidth * m_scale, Qt::SolidLine, Qt::RoundCap,
                 Qt::RoundJoin);
        if (style.stroke.alpha() == 0 || style.strokeWidth <= 0)
            pen = Qt::NoPen;
        const QBrush brush = style.fill.alpha() == 0 ? QBrush(Qt::NoBrush) : QBrush(style.fill);
        m_painter.setPen(pen);
        m_painter.setBrush(brush);

        const geo::GeometryKind kind = store.kind();
        const std::size_t featureCount = store.featureCount();
        for (std::size_t feature = 0; feature < featureCount; ++feature) {
            if (cancel.load(std::memory_order_relaxed))
                return false;
            if (store.isEmpty(feature))
                continue;
            const geo::Envelope& envelope = store.envelope(feature);
            if (!envelope.intersects(visible))
                continue;
            if (kind != geo::GeometryKind::Point && envelope.width() < minSize &&
                envelope.height() < minSize)
                continue;
            switch (kind) {
            case geo::GeometryKind::Polygon:
                drawPolygon(store, feature);
                break;
            case geo::GeometryKind::Line:
                drawLine(store, feature);
                break;
            case geo::GeometryKind::Point:
                drawPoints(store, feature, style);
                break;
            case geo::GeometryKind::None:
                continue;
            }
            ++featuresDrawn;
        }
        return true;
    }

private:
    void drawPolygon(const geo::GeometryStore& store, std::size_t feature)
    {
        QPainterPath path;
        path.setFillRule(Qt::OddEvenFill);
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                appendRing(store.ring(feature, part, ring), m_toPixel, m_buffer);
                if (m_buffer.size() < 2)
                    continue;
                path.addPolygon(m_buffer);
                path.closeSubpath();
            }
        m_painter.drawPath(path);
    }

    void drawLine(const geo::GeometryStore& store, std::size_t feature)
    {
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                appendRing(store.ring(feature, part, ring), m_toPixel, m_buffer);
                if (m_buffer.size() >= 2)
                    m_painter.drawPolyline(m_buffer);
            }
    }

    void drawPoints(const geo::GeometryStore& store, std::size_t feature, const LayerStyle& style)
    {
        const double radius = style.pointDiameter * m_scale / 2.0;
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                const geo::RingView points = store.ring(feature, part, ring);
                for (std::size_t i = 0; i < points.vertexCount(); ++i)
                    m_painter.drawEllipse(m_toPixel.toPixel(points.x(i), points.y(i)), radius,
                                          radius);
            }
    }

    QPainter& m_painter;
    const MapToPixel& m_toPixel;
    double m_scale;
    QPolygonF m_buffer;
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
