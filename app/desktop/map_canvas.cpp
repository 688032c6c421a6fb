#include "app/desktop/map_canvas.h"

#include "app/desktop/interaction_bench.h"

#include "app/render/map_settings.h"
#include "app/render/render_job.h"

#include <QKeyEvent>
#include <QLineF>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace parkatlas::desktop {

namespace {

constexpr double kWheelZoomPerStep = 1.25; // one wheel notch (120 eighths of a degree)
constexpr double kKeyPanShare = 0.25;      // an arrow key moves a quarter of the view
constexpr double kFullExtentMargin = 0.03; // a little air around the full extent
constexpr double kClickRadiusPx = 4.0;     // a press and release closer than this is a click

geo::Envelope withMargin(geo::Envelope extent, double share)
{
    if (extent.isEmpty())
        return extent;
    const double dx = extent.width() * share;
    const double dy = extent.height() * share;
    extent.minX -= dx;
    extent.maxX += dx;
    extent.minY -= dy;
    extent.maxY += dy;
    return extent;
}

} // namespace

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent), m_measureTool(new MeasureTool(this))
{
    connect(m_measureTool, &MeasureTool::changed, this, qOverload<>(&QWidget::update));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(120, 90);
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(150);
    connect(&m_refreshTimer, &QTimer::timeout, this, &MapCanvas::refreshNow);
    m_view = render::MapToPixel::fitting({}, size());
}

MapCanvas::~MapCanvas()
{
    // Deleted with us as children; the workers drop their images.
    if (m_job)
        m_job->cancel();
    if (m_overlayJob)
        m_overlayJob->cancel();
}

void MapCanvas::setLayers(std::vector<render::LayerSnapshot> layers, geo::Crs crs)
{
    m_layers.clear();
    m_drawingOrder.clear();
    for (render::LayerSnapshot& snapshot : layers) {
        m_drawingOrder.push_back(m_layers.size());
        m_layers.push_back({std::move(snapshot), true});
    }
    m_crs = std::move(crs);
    m_decorations.setCrs(m_crs);
    m_measureTool->setCrs(m_crs);
    m_overlay.clear();
    cancelOverlayRender();
    m_overlayImage = QImage();
    std::vector<render::LayerSnapshot> all;
    for (const CanvasLayer& layer : m_layers)
        all.push_back(layer.snapshot);
    m_fullExtent = render::combinedExtent(all);
    cancelRender(); // its image would show the old layers
    m_image = QImage();
    m_imageExtent = {};
    zoomToFullExtent();
}

void MapCanvas::setLayerVisible(std::size_t index, bool visible)
{
    if (index >= m_layers.size() || m_layers[index].visible == visible)
        return;
    m_layers[index].visible = visible;
    refresh();
}

void MapCanvas::setDrawingOrder(std::vector<std::size_t> order)
{
    std::vector<std::size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != i)
            return; // not a permutation of the layers
    if (sorted.size() != m_layers.size() || order == m_drawingOrder)
        return;
    m_drawingOrder = std::move(order);
    refresh();
}

void MapCanvas::setLayerOpacity(std::size_t index, double opacity)
{
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (index >= m_layers.size() || m_layers[index].snapshot.opacity == opacity)
        return;
    m_layers[index].snapshot.opacity = opacity;
    refresh();
}

void MapCanvas::replaceLayer(std::size_t index, render::LayerSnapshot snapshot)
{
    if (index >= m_layers.size())
        return;
    snapshot.opacity = m_layers[index].snapshot.opacity;
    if (!snapshot.index && snapshot.layer == m_layers[index].snapshot.layer)
        snapshot.index = m_layers[index].snapshot.index;
    m_layers[index].snapshot = std::move(snapshot);
    refresh();
}

void MapCanvas::zoomToLayer(std::size_t index)
{
    if (index >= m_layers.size())
        return;
    const geo::Envelope extent = m_layers[index].snapshot.extent();
    if (extent.isEmpty())
        return;
    setExtent(withMargin(extent, kFullExtentMargin));
}

geo::Envelope MapCanvas::extent() const
{
    return m_view.visibleExtent();
}

void MapCanvas::setExtent(const geo::Envelope& extent)
{
    setView(render::MapToPixel::fitting(extent, size()));
}

void MapCanvas::zoomToFullExtent()
{
    setExtent(withMargin(m_fullExtent, kFullExtentMargin));
    m_showingFullExtent = true;
}

void MapCanvas::zoomAt(double factor, QPointF anchor)
{
    setView(m_view.zoomedAt(factor, anchor));
}

void MapCanvas::panByPixels(QPointF pixels)
{
    setView(m_view.pannedByPixels(pixels));
}

double MapCanvas::scaleDenominator() const
{
    return render::scaleDenominator(m_view, m_crs, logicalDpiX());
}

void MapCanvas::setScaleBarVisible(bool visible)
{
    m_showScaleBar = visible;
    update();
}

void MapCanvas::setNorthArrowVisible(bool visible)
{
    m_showNorthArrow = visible;
    update();
}

std::optional<MapDecorationLayout> MapCanvas::decorationLayout() const
{
    return m_decorations.layout(m_view);
}

bool MapCanvas::isRendering() const
{
    return m_job && m_job->isActive();
}

bool MapCanvas::isRenderingOverlay() const
{
    return m_overlayJob && m_overlayJob->isActive();
}

void MapCanvas::setTool(Tool tool)
{
    if (tool == m_tool)
        return;
    m_tool = tool;
    m_measureTool->clear();
    if (tool == Tool::MeasureDistance)
        m_measureTool->setMode(MeasureTool::Mode::Distance);
    else if (tool == Tool::MeasureArea)
        m_measureTool->setMode(MeasureTool::Mode::Area);
    setCursor(tool == Tool::Identify ? Qt::ArrowCursor : Qt::CrossCursor);
}

void MapCanvas::setCanvasTool(CanvasTool* tool)
{
    m_canvasTool = tool;
    m_toolDragging = false;
    m_measureTool->clear();
    if (tool)
        setCursor(tool->cursor());
    else
        setCursor(m_tool == Tool::Identify ? Qt::ArrowCursor : Qt::CrossCursor);
    update();
}

void MapCanvas::setOverlayLayers(std::vector<render::LayerSnapshot> overlay)
{
    m_overlay = std::move(overlay);
    startOverlayRender();
}

void MapCanvas::refresh()
{
    m_refreshTimer.start();
}

void MapCanvas::refreshNow()
{
    m_refreshTimer.stop();
    startRender();
}

void MapCanvas::setView(const render::MapToPixel& view)
{
    if (!view.isValid())
        return;
    m_view = view;
    m_showingFullExtent = false;
    update(); // the last image, moved and scaled to the new view, until the new one is ready
    emit extentChanged();
    refresh();
}

void MapCanvas::cancelRender()
{
    if (!m_job)
        return;
    // Do not wait: the worker sees the flag within one feature and its image is dropped.
    m_job->cancel();
    m_job->disconnect(this);
    m_job->deleteLater();
    m_job = nullptr;
}

void MapCanvas::cancelOverlayRender()
{
    if (!m_overlayJob)
        return;
    m_overlayJob->cancel();
    m_overlayJob->disconnect(this);
    m_overlayJob->deleteLater();
    m_overlayJob = nullptr;
}

render::MapSettings MapCanvas::settingsFor(std::vector<render::LayerSnapshot> layers,
                                           QColor background) const
{
    const double ratio = devicePixelRatioF();
    const QSize deviceSize(static_cast<int>(std::lround(width() * ratio)),
                           static_cast<int>(std::lround(height() * ratio)));
    // The screen's level of detail: a picture the same to a level or two, much faster.
    return render::MapSettings(m_view.visibleExtent(), deviceSize, logicalDpiX() * ratio,
                               std::move(background), std::move(layers), m_crs, ratio)
        .withLevelOfDetail(!viewerFullDetailRequested());
}

void MapCanvas::startOverlayRender()
{
    cancelOverlayRender();
    std::vector<render::LayerSnapshot> visible;
    for (const render::LayerSnapshot& snapshot : m_overlay)
        if (snapshot.layer && (!snapshot.features || !snapshot.features->empty()))
            visible.push_back(snapshot);
    if (visible.empty() || width() <= 0 || height() <= 0) {
        m_overlayImage = QImage();
        update();
        emit overlayRenderFinished();
        return;
    }
    auto* job = new render::RenderJob(settingsFor(std::move(visible), Qt::transparent), this);
    connect(
        job, &render::RenderJob::finished, this,
        [this, job](const render::RenderResult& result) { onOverlayRenderFinished(job, result); });
    m_overlayJob = job;
    job->start();
}

void MapCanvas::onOverlayRenderFinished(render::RenderJob* job, const render::RenderResult& result)
{
    if (job != m_overlayJob)
        return;
    m_overlayJob = nullptr;
    job->deleteLater();
    if (result.cancelled)
        return;
    m_overlayImage = result.image;
    m_overlayExtent = result.settings.visibleExtent();
    update();
    emit overlayRenderFinished();
}

void MapCanvas::startRender()
{
    cancelRender();
    if (width() <= 0 || height() <= 0)
        return;
    std::vector<render::LayerSnapshot> visible;
    for (const std::size_t index : m_drawingOrder)
        if (m_layers[index].visible)
            visible.push_back(m_layers[index].snapshot);
    if (!m_overlay.empty())
        startOverlayRender();
    auto* job = new render::RenderJob(settingsFor(std::move(visible), Qt::white), this);
    connect(job, &render::RenderJob::finished, this,
            [this, job](const render::RenderResult& result) { onRenderFinished(job, result); });
    m_job = job;
    emit renderStarted();
    job->start();
}

void MapCanvas::onRenderFinished(render::RenderJob* job, const render::RenderResult& result)
{
    if (job != m_job)
        return;
    m_job = nullptr;
    job->deleteLater();
    if (result.cancelled)
        return;
    QStringList errors;
    for (const std::string& error : result.errors)
        errors.append(QString::fromStdString(error));
    if (!result.image.isNull()) {
        m_image = result.image;
        m_imageExtent = result.settings.visibleExtent();
        update();
        if (!result.settings.layers().empty())
            emit pictureShown(); // a picture of something, not the blank of an empty map
    }
    emit renderFinished(errors);
    emit pictureComplete();
}

void MapCanvas::drawPlacedImage(QPainter& painter, const QImage& image, const geo::Envelope& extent)
{
    // Where the image's extent falls in the current view: panning and zooming show the old
    // picture moved and scaled at once, and the new render replaces it when ready.
    const QPointF topLeft = m_view.toPixel(extent.minX, extent.maxY);
    const QPointF bottomRight = m_view.toPixel(extent.maxX, extent.minY);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter.drawImage(QRectF(topLeft, bottomRight), image);
}

void MapCanvas::drawMeasurement(QPainter& painter)
{
    const std::vector<QPointF> path = m_measureTool->pathWithFloatingPoint();
    if (path.empty())
        return;
    QPolygonF pixels;
    for (const QPointF& point : path)
        pixels.append(m_view.toPixel(point.x(), point.y()));
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QColor colour(230, 60, 20);
    if (m_measureTool->mode() == MeasureTool::Mode::Area && pixels.size() >= 3) {
        QColor fill = colour;
        fill.setAlpha(50);
        painter.setPen(QPen(colour, 2.0));
        painter.setBrush(fill);
        painter.drawPolygon(pixels);
    } else {
        painter.setPen(QPen(colour, 2.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawPolyline(pixels);
    }
    painter.setBrush(Qt::white);
    painter.setPen(QPen(colour, 1.5));
    for (qsizetype i = 0; i < static_cast<qsizetype>(m_measureTool->points().size()); ++i)
        painter.drawEllipse(pixels[i], 3.5, 3.5);
}

void MapCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (!m_image.isNull() && !m_imageExtent.isEmpty()) {
        drawPlacedImage(painter, m_image, m_imageExtent);
    } else if (m_layers.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Open a GeoPackage, a shapefile or a folder of shapefiles with "
                            "File \u2192 Open."));
    }
    if (!m_overlayImage.isNull() && !m_overlayExtent.isEmpty())
        drawPlacedImage(painter, m_overlayImage, m_overlayExtent);
    if (m_boxing) {
        const QRectF box = QRectF(m_pressPosition, m_lastDragPosition).normalized();
        painter.setPen(QPen(QColor(0, 120, 215), 1.0, Qt::DashLine));
        painter.setBrush(QColor(0, 120, 215, 40));
        painter.drawRect(box);
    }
    if ((m_showScaleBar || m_showNorthArrow) && !m_layers.empty())
        if (const auto layout = decorationLayout())
            MapDecorations::paint(painter, *layout, m_showScaleBar, m_showNorthArrow);
    drawMeasurement(painter);
    if (m_canvasTool) {
        painter.save();
        m_canvasTool->paint(painter);
        painter.restore();
    }
}

void MapCanvas::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Until the user moves the map, a resized canvas keeps showing everything; afterwards it
    // keeps its centre and scale, as a window onto the map.
    if (m_showingFullExtent || !m_view.isValid())
        zoomToFullExtent();
    else
        setView(m_view.resized(event->size()));
}

void MapCanvas::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && m_canvasTool &&
        m_canvasTool->press(event->position(), event->modifiers())) {
        m_toolDragging = true;
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton && m_canvasTool) {
        m_canvasTool->rightClick(event->position());
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton) {
        m_pressed = true;
        m_moved = false;
        m_pressPosition = event->position();
        m_lastDragPosition = event->position();
        m_pressModifiers = event->modifiers();
        m_boxing = m_tool == Tool::Identify && (event->modifiers() & Qt::ShiftModifier);
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton && m_tool != Tool::Identify) {
        m_measureTool->setFloatingPoint(std::nullopt); // the figure stays; Esc clears it
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void MapCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (m_toolDragging) {
        m_canvasTool->drag(event->position());
        emit cursorMoved(m_view.toMap(event->position()));
        return;
    }
    if (m_canvasTool && !m_dragging)
        m_canvasTool->hover(event->position());
    if (m_pressed) {
        if (!m_moved && QLineF(m_pressPosition, event->position()).length() > kClickRadiusPx) {
            m_moved = true;
            if (!m_boxing) {
                m_dragging = true;
                setCursor(Qt::ClosedHandCursor);
            }
        }
        if (m_dragging) {
            const QPointF delta = event->position() - m_lastDragPosition;
            if (!delta.isNull())
                panByPixels(delta);
        }
        m_lastDragPosition = event->position();
        if (m_boxing)
            update();
    }
    if (m_tool != Tool::Identify && !m_measureTool->points().empty() && !m_dragging)
        m_measureTool->setFloatingPoint(m_view.toMap(event->position()));
    emit cursorMoved(m_view.toMap(event->position()));
}

void MapCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_toolDragging && event->button() == Qt::LeftButton) {
        m_toolDragging = false;
        if (m_canvasTool)
            m_canvasTool->release(event->position());
        event->accept();
        return;
    }
    if (!m_pressed || event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    m_pressed = false;
    event->accept();
    if (!m_moved && QLineF(m_pressPosition, event->position()).length() > kClickRadiusPx)
        m_moved = true; // a press, a jump and a release with no move in between
    if (m_dragging) {
        m_dragging = false;
        if (m_canvasTool)
            setCursor(m_canvasTool->cursor());
        else
            setCursor(m_tool == Tool::Identify ? Qt::ArrowCursor : Qt::CrossCursor);
        const QPointF delta = event->position() - m_lastDragPosition;
        if (!delta.isNull())
            panByPixels(delta);
        return;
    }
    if (m_boxing) {
        m_boxing = false;
        update();
        if (m_moved) {
            const QPointF a = m_view.toMap(m_pressPosition);
            const QPointF b = m_view.toMap(event->position());
            geo::Envelope box;
            box.expand(a.x(), a.y());
            box.expand(b.x(), b.y());
            emit boxSelected(box, m_pressModifiers);
            return;
        }
    }
    if (m_moved) // a drag that became nothing (boxing off, not panning)
        return;
    if (m_canvasTool) {
        m_canvasTool->click(event->position(), m_pressModifiers);
        return;
    }
    const QPointF mapPoint = m_view.toMap(event->position());
    if (m_tool == Tool::Identify) {
        emit featureClicked(mapPoint, m_pressModifiers);
    } else {
        m_measureTool->addPoint(mapPoint);
        m_measureTool->setFloatingPoint(std::nullopt);
    }
}

void MapCanvas::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (m_canvasTool && event->button() == Qt::LeftButton) {
        m_canvasTool->doubleClick(event->position());
        event->accept();
        return;
    }
    // A double click is two clicks: its second press comes here instead of to
    // mousePressEvent, so treat it as one.
    mousePressEvent(event);
}

void MapCanvas::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomAt(std::pow(kWheelZoomPerStep, steps), event->position());
    event->accept();
}

void MapCanvas::keyPressEvent(QKeyEvent* event)
{
    const double dx = width() * kKeyPanShare;
    const double dy = height() * kKeyPanShare;
    const QPointF centre(width() / 2.0, height() / 2.0);
    if (m_canvasTool && m_canvasTool->key(event->key(), event->modifiers())) {
        event->accept();
        update();
        return;
    }
    switch (event->key()) {
    // An arrow key looks further that way: the map moves the other way.
    case Qt::Key_Left:
        panByPixels({dx, 0});
        break;
    case Qt::Key_Right:
        panByPixels({-dx, 0});
        break;
    case Qt::Key_Up:
        panByPixels({0, dy});
        break;
    case Qt::Key_Down:
        panByPixels({0, -dy});
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAt(kWheelZoomPerStep, centre);
        break;
    case Qt::Key_Minus:
        zoomAt(1.0 / kWheelZoomPerStep, centre);
        break;
    case Qt::Key_Home:
        zoomToFullExtent();
        break;
    case Qt::Key_Escape:
        if (m_tool == Tool::Identify)
            emit clearRequested();
        else
            m_measureTool->clear();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace parkatlas::desktop
