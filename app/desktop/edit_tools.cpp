#include "app/desktop/edit_tools.h"

#include "app/desktop/edit_controller.h"
#include "app/desktop/map_canvas.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace parkatlas::desktop {

namespace {

const QColor kShapeColour(220, 40, 140);
const QColor kSnapColour(255, 120, 0);

QPointF pixelOf(const MapCanvas* canvas, geo::EditPoint point)
{
    return canvas->view().toPixel(point.x, point.y);
}

geo::EditPoint mapOf(const MapCanvas* canvas, QPointF position)
{
    const QPointF map = canvas->toMap(position);
    return {map.x(), map.y()};
}

/// A snapping mark: a square on a vertex, a cross on a segment.
void drawSnapMark(QPainter& painter, const MapCanvas* canvas, const geo::SnapHit& hit)
{
    if (!hit)
        return;
    const QPointF at = pixelOf(canvas, hit.point);
    painter.setPen(QPen(kSnapColour, 2.0));
    painter.setBrush(Qt::NoBrush);
    if (hit.kind == geo::SnapHit::Kind::Vertex) {
        painter.drawRect(QRectF(at.x() - 6, at.y() - 6, 12, 12));
    } else {
        painter.drawLine(at + QPointF(-6, -6), at + QPointF(6, 6));
        painter.drawLine(at + QPointF(-6, 6), at + QPointF(6, -6));
    }
}

} // namespace

// -- Snapper ----------------------------------------------------------------------------------

double Snapper::toleranceMap() const
{
    return m_tolerancePixels * m_canvas->view().mapUnitsPerPixel();
}

geo::SnapHit Snapper::snap(QPointF position, int skipLayer, std::size_t skipFeature) const
{
    if (!m_enabled)
        return {};
    std::vector<geo::SnapLayer> layers;
    const auto& canvasLayers = m_canvas->layers();
    for (std::size_t i = 0; i < canvasLayers.size(); ++i) {
        const MapCanvas::CanvasLayer& layer = canvasLayers[i];
        if (!layer.visible || layer.snapshot.isRaster() || !layer.snapshot.layer)
            continue;
        if (layer.snapshot.layer->geometry.kind() == geo::GeometryKind::Point)
            continue;
        layers.push_back({&layer.snapshot.layer->geometry, layer.snapshot.index.get(),
                          static_cast<int>(i)});
    }
    const geo::EditPoint point = mapOf(m_canvas, position);
    const double tolerance = toleranceMap();
    geo::SnapHit hit = geo::snapPoint(layers, point, tolerance);
    if (hit && hit.layer == skipLayer && hit.feature == skipFeature) {
        // Snapping onto the feature being changed: look again without that layer's feature.
        // (Rare; a second pass over the other layers is enough.)
        std::vector<geo::SnapLayer> others;
        for (const geo::SnapLayer& layer : layers)
            if (layer.id != skipLayer)
                others.push_back(layer);
        hit = geo::snapPoint(others, point, tolerance);
    }
    return hit;
}

std::optional<geo::SnapHit> Snapper::onFeature(const geo::SnapHit& like, geo::EditPoint point,
                                               double tolerance) const
{
    const geo::GeometryStore* store = storeOf(like.layer);
    if (!store || like.feature >= store->featureCount())
        return std::nullopt;
    const geo::SnapHit hit = geo::snapOnBoundaryOf(*store, like, point, tolerance);
    return hit ? std::optional(hit) : std::nullopt;
}

const geo::GeometryStore* Snapper::storeOf(int layer) const
{
    const auto& layers = m_canvas->layers();
    if (layer < 0 || static_cast<std::size_t>(layer) >= layers.size() ||
        !layers[static_cast<std::size_t>(layer)].snapshot.layer)
        return nullptr;
    return &layers[static_cast<std::size_t>(layer)].snapshot.layer->geometry;
}

// -- DrawTool ---------------------------------------------------------------------------------

DrawTool::DrawTool(MapCanvas* canvas, const Snapper* snapper, QObject* parent)
    : QObject(parent), m_canvas(canvas), m_snapper(snapper), m_measure(new MeasureTool(this))
{
    connect(m_measure, &MeasureTool::changed, this, &DrawTool::measureChanged);
}

void DrawTool::setMode(Mode mode)
{
    m_mode = mode;
    cancel();
}

void DrawTool::cancel()
{
    m_points.clear();
    m_hits.clear();
    m_cursor.reset();
    m_cursorHit = {};
    updateMeasure();
    m_canvas->update();
}

void DrawTool::updateMeasure()
{
    m_measure->setCrs(m_canvas->crs());
    m_measure->setMode(m_mode == Mode::Polygon ? MeasureTool::Mode::Area
                                               : MeasureTool::Mode::Distance);
    m_measure->clear();
    for (const geo::EditPoint& point : m_points)
        m_measure->addPoint({point.x, point.y});
    if (m_cursor && !m_points.empty())
        m_measure->setFloatingPoint(QPointF(m_cursor->x, m_cursor->y));
}

void DrawTool::addPoint(QPointF position)
{
    const geo::SnapHit hit = m_snapper->snap(position);
    const geo::EditPoint point = hit ? hit.point : mapOf(m_canvas, position);
    if (!m_points.empty() && m_points.back() == point)
        return; // the same corner twice (a double click's first click)
    if (m_tracing && hit && !m_hits.empty() && m_hits.back()) {
        // Both corners on one boundary: follow it. Neighbouring plots share their corners, so
        // the two snaps may have found the same boundary through different features: look for
        // the new corner on the previous corner's feature, then the other way round.
        const geo::SnapHit& previous = m_hits.back();
        std::vector<geo::EditPoint> traced;
        const double tolerance = m_snapper->toleranceMap();
        if (const auto again = m_snapper->onFeature(previous, point, tolerance))
            traced = geo::traceBetween(*m_snapper->storeOf(previous.layer), previous, *again);
        else if (const auto before = m_snapper->onFeature(hit, previous.point, tolerance))
            traced = geo::traceBetween(*m_snapper->storeOf(hit.layer), *before, hit);
        for (const geo::EditPoint& between : traced) {
            m_points.push_back(between);
            m_hits.push_back({});
        }
    }
    m_points.push_back(point);
    m_hits.push_back(hit);
    updateMeasure();
    m_canvas->update();
}

bool DrawTool::press(QPointF, Qt::KeyboardModifiers)
{
    return false; // a drag pans; a click adds a corner
}

void DrawTool::click(QPointF position, Qt::KeyboardModifiers)
{
    addPoint(position);
}

void DrawTool::doubleClick(QPointF)
{
    finish();
}

void DrawTool::rightClick(QPointF)
{
    finish();
}

void DrawTool::hover(QPointF position)
{
    m_cursorHit = m_snapper->snap(position);
    m_cursor = m_cursorHit ? m_cursorHit.point : mapOf(m_canvas, position);
    updateMeasure();
    m_canvas->update();
}

bool DrawTool::key(int key, Qt::KeyboardModifiers)
{
    switch (key) {
    case Qt::Key_Escape:
        cancel();
        return true;
    case Qt::Key_Backspace:
        if (!m_points.empty()) {
            m_points.pop_back();
            m_hits.pop_back();
            updateMeasure();
        }
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        finish();
        return true;
    default:
        return false;
    }
}

void DrawTool::finish()
{
    const std::size_t needed = m_mode == Mode::Polygon ? 3 : 2;
    if (m_points.size() < needed)
        return;
    geo::EditGeometry shape;
    if (m_mode == Mode::Polygon) {
        shape.kind = geo::GeometryKind::Polygon;
        shape.polygons.push_back({{m_points}});
    } else {
        shape.kind = geo::GeometryKind::Line;
        shape.lines.push_back(m_points);
    }
    m_points.clear();
    m_hits.clear();
    updateMeasure();
    m_canvas->update();
    emit finished(shape);
}

void DrawTool::paint(QPainter& painter)
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    if (!m_points.empty()) {
        QPolygonF pixels;
        for (const geo::EditPoint& point : m_points)
            pixels.append(pixelOf(m_canvas, point));
        if (m_cursor)
            pixels.append(pixelOf(m_canvas, *m_cursor));
        QColor fill = kShapeColour;
        fill.setAlpha(60);
        painter.setPen(QPen(kShapeColour, 2.0, m_mode == Mode::SplitLine ? Qt::DashLine
                                                                         : Qt::SolidLine));
        if (m_mode == Mode::Polygon && pixels.size() >= 3) {
            painter.setBrush(fill);
            painter.drawPolygon(pixels);
        } else {
            painter.setBrush(Qt::NoBrush);
            painter.drawPolyline(pixels);
        }
        painter.setBrush(Qt::white);
        painter.setPen(QPen(kShapeColour, 1.5));
        for (qsizetype i = 0; i < static_cast<qsizetype>(m_points.size()); ++i)
            painter.drawEllipse(pixels[i], 3.5, 3.5);
        // The live figure beside the cursor.
        if (m_cursor && m_mode != Mode::SplitLine) {
            const double areaM2 = m_measure->areaM2();
            const double lengthM = m_measure->lengthM();
            QString text;
            if (m_mode == Mode::Polygon && m_points.size() >= 2)
                text = tr("%1 mu, perimeter %2 m")
                           .arg(QString::number(areaM2 * 15.0 / 10000.0, 'f', 2),
                                QString::number(lengthM, 'f', 1));
            else if (m_mode == Mode::Line)
                text = tr("%1 m").arg(QString::number(lengthM, 'f', 1));
            if (!text.isEmpty()) {
                const QPointF at = pixelOf(m_canvas, *m_cursor) + QPointF(14, -10);
                const QRectF box = painter.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2);
                painter.setPen(Qt::NoPen);
                painter.setBrush(QColor(255, 255, 255, 220));
                painter.drawRect(box.translated(at));
                painter.setPen(Qt::black);
                painter.drawText(at, text);
            }
        }
    }
    drawSnapMark(painter, m_canvas, m_cursorHit);
}

// -- VertexTool -------------------------------------------------------------------------------

VertexTool::VertexTool(MapCanvas* canvas, const Snapper* snapper, EditController* controller,
                       QObject* parent)
    : QObject(parent), m_canvas(canvas), m_snapper(snapper), m_controller(controller)
{
}

std::optional<VertexTool::Grab> VertexTool::vertexAt(QPointF position) const
{
    const auto& layer = m_controller->currentLayer();
    if (!layer)
        return std::nullopt;
    const geo::EditPoint point = mapOf(m_canvas, position);
    const double tolerance = m_snapper->toleranceMap();
    geo::Envelope box;
    box.expand(point.x - tolerance, point.y - tolerance);
    box.expand(point.x + tolerance, point.y + tolerance);
    std::optional<Grab> best;
    double bestDistance = tolerance;
    for (std::size_t row = 0; row < layer->featureCount(); ++row) {
        if (!layer->geometry.envelope(row).intersects(box))
            continue;
        const geo::EditGeometry geometry = m_controller->geometryOf(layer->fids[row]);
        if (const auto ref = geo::nearestVertex(geometry, point, bestDistance)) {
            const geo::EditPoint at = geometry.path(*ref)[ref->vertex];
            const double distance = std::hypot(at.x - point.x, at.y - point.y);
            if (!best || distance <= bestDistance) {
                best = Grab{layer->fids[row], *ref};
                bestDistance = distance;
            }
        }
    }
    return best;
}

bool VertexTool::press(QPointF position, Qt::KeyboardModifiers)
{
    m_dragging = vertexAt(position);
    m_dragTo.reset();
    if (m_dragging)
        m_selected = m_dragging;
    m_canvas->update();
    return m_dragging.has_value();
}

void VertexTool::drag(QPointF position)
{
    if (!m_dragging)
        return;
    const int row = m_controller->rowOf(m_dragging->fid);
    const geo::SnapHit hit =
        m_snapper->snap(position, m_layerIndex, row < 0 ? 0 : static_cast<std::size_t>(row));
    m_dragTo = hit ? hit.point : mapOf(m_canvas, position);
    m_canvas->update();
}

void VertexTool::release(QPointF position)
{
    if (!m_dragging)
        return;
    drag(position);
    const Grab grab = *m_dragging;
    const geo::EditPoint to = *m_dragTo;
    m_dragging.reset();
    m_dragTo.reset();
    const geo::EditGeometry before = m_controller->geometryOf(grab.fid);
    if (before.path(grab.vertex)[grab.vertex.vertex] == to)
        return;
    QString why;
    if (!m_controller->changeGeometry(grab.fid, geo::withVertexMoved(before, grab.vertex, to),
                                      tr("Move vertex"), &why))
        emit refused(why);
    m_canvas->update();
}

void VertexTool::click(QPointF position, Qt::KeyboardModifiers)
{
    m_selected = vertexAt(position);
    m_canvas->update();
}

void VertexTool::doubleClick(QPointF position)
{
    const auto& layer = m_controller->currentLayer();
    if (!layer || vertexAt(position))
        return;
    const geo::EditPoint point = mapOf(m_canvas, position);
    const double tolerance = m_snapper->toleranceMap();
    std::optional<std::pair<std::int64_t, geo::SegmentHit>> best;
    for (std::size_t row = 0; row < layer->featureCount(); ++row) {
        geo::Envelope box = layer->geometry.envelope(row);
        box.minX -= tolerance;
        box.minY -= tolerance;
        box.maxX += tolerance;
        box.maxY += tolerance;
        if (point.x < box.minX || point.x > box.maxX || point.y < box.minY || point.y > box.maxY)
            continue;
        const auto hit =
            geo::nearestSegment(m_controller->geometryOf(layer->fids[row]), point, tolerance);
        if (hit && (!best || hit->distance < best->second.distance))
            best = std::make_pair(layer->fids[row], *hit);
    }
    if (!best)
        return;
    QString why;
    const geo::EditGeometry geometry = geo::withVertexInserted(
        m_controller->geometryOf(best->first), best->second.from, best->second.at);
    if (!m_controller->changeGeometry(best->first, geometry, tr("Add vertex"), &why))
        emit refused(why);
    m_canvas->update();
}

void VertexTool::hover(QPointF position)
{
    m_hovered = vertexAt(position);
    m_canvas->update();
}

bool VertexTool::key(int key, Qt::KeyboardModifiers)
{
    if ((key != Qt::Key_Delete && key != Qt::Key_Backspace) || !m_selected)
        return key == Qt::Key_Escape ? (m_selected.reset(), true) : false;
    const Grab grab = *m_selected;
    m_selected.reset();
    const auto removed = geo::withVertexRemoved(m_controller->geometryOf(grab.fid), grab.vertex);
    if (!removed) {
        emit refused(tr("A polygon keeps at least 3 corners and a line 2: delete the feature "
                        "instead."));
        return true;
    }
    QString why;
    if (!m_controller->changeGeometry(grab.fid, *removed, tr("Delete vertex"), &why))
        emit refused(why);
    return true;
}

void VertexTool::paint(QPainter& painter)
{
    const auto& layer = m_controller->currentLayer();
    if (!layer)
        return;
    painter.setRenderHint(QPainter::Antialiasing, true);
    const geo::Envelope visible = m_canvas->extent();
    // Every vertex of the edited features in view (a few thousand at most at a readable scale).
    constexpr std::size_t kMaxVertices = 20000;
    std::size_t drawn = 0;
    painter.setPen(QPen(kShapeColour, 1.0));
    painter.setBrush(Qt::white);
    for (std::size_t row = 0; row < layer->featureCount() && drawn < kMaxVertices; ++row) {
        if (!layer->geometry.envelope(row).intersects(visible))
            continue;
        for (std::size_t part = 0; part < layer->geometry.partCount(row); ++part)
            for (std::size_t ring = 0; ring < layer->geometry.ringCount(row, part); ++ring) {
                const geo::RingView view = layer->geometry.ring(row, part, ring);
                for (std::size_t v = 0; v < view.vertexCount(); ++v, ++drawn)
                    painter.drawRect(QRectF(pixelOf(m_canvas, {view.x(v), view.y(v)}) -
                                                QPointF(2.5, 2.5),
                                            QSizeF(5, 5)));
            }
    }
    auto mark = [&](const std::optional<Grab>& grab, const QColor& colour) {
        if (!grab)
            return;
        const geo::EditGeometry geometry = m_controller->geometryOf(grab->fid);
        const auto& path = geometry.path(grab->vertex);
        if (grab->vertex.vertex >= path.size())
            return;
        painter.setPen(QPen(colour, 2.0));
        painter.setBrush(colour);
        painter.drawRect(QRectF(pixelOf(m_canvas, path[grab->vertex.vertex]) - QPointF(4, 4),
                                QSizeF(8, 8)));
    };
    mark(m_hovered, kSnapColour);
    mark(m_selected, kShapeColour);
    if (m_dragging && m_dragTo) {
        painter.setPen(QPen(kSnapColour, 1.5, Qt::DashLine));
        const geo::EditGeometry geometry = m_controller->geometryOf(m_dragging->fid);
        const auto& path = geometry.path(m_dragging->vertex);
        const std::size_t n = path.size();
        const std::size_t v = m_dragging->vertex.vertex;
        const QPointF to = pixelOf(m_canvas, *m_dragTo);
        const bool ring = geometry.kind == geo::GeometryKind::Polygon;
        if (v > 0 || ring)
            painter.drawLine(pixelOf(m_canvas, path[(v + n - 1) % n]), to);
        if (v + 1 < n || ring)
            painter.drawLine(to, pixelOf(m_canvas, path[(v + 1) % n]));
    }
}

} // namespace parkatlas::desktop
