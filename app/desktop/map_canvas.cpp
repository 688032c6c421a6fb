#include "app/desktop/map_canvas.h"

#include "app/render/map_settings.h"
#include "app/render/render_job.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QWheelEvent>

#include <cmath>
#include <numbers>

namespace parkatlas::desktop {

namespace {

constexpr double kWheelZoomPerStep = 1.25; // one wheel notch (120 eighths of a degree)
constexpr double kKeyPanShare = 0.25;      // an arrow key moves a quarter of the view
constexpr double kFullExtentMargin = 0.03; // a little air around the full extent

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

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent)
{
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
    if (m_job)
        m_job->cancel(); // deleted with us as a child; the worker drops its image
}

void MapCanvas::setLayers(std::vector<render::LayerSnapshot> layers, geo::Crs crs)
{
    m_layers.clear();
    for (render::LayerSnapshot& snapshot : layers)
        m_layers.push_back({std::move(snapshot), true});
    m_crs = std::move(crs);
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
    if (m_crs.isEmpty() || !m_view.isValid())
        return 0;
    double metresPerUnit = 1;
    if (m_crs.isGeographic()) {
        // Along the parallel through the centre of the view, on the datum's sphere of
        // equal equator: what a scale bar in the middle of the map would say.
        const double latitude = m_view.centerY() * std::numbers::pi / 180.0;
        metresPerUnit = m_crs.semiMajorM() * std::numbers::pi / 180.0 * std::cos(latitude);
    } else {
        metresPerUnit = m_crs.linearUnitM();
    }
    const double metresPerInch = 0.0254;
    return m_view.mapUnitsPerPixel() * metresPerUnit * logicalDpiX() / metresPerInch;
}

bool MapCanvas::isRendering() const
{
    return m_job && m_job->isActive();
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

void MapCanvas::startRender()
{
    cancelRender();
    if (width() <= 0 || height() <= 0)
        return;
    std::vector<render::LayerSnapshot> visible;
    for (const CanvasLayer& layer : m_layers)
        if (layer.visible)
            visible.push_back(layer.snapshot);
    const double ratio = devicePixelRatioF();
    const QSize deviceSize(static_cast<int>(std::lround(width() * ratio)),
                           static_cast<int>(std::lround(height() * ratio)));
    render::MapSettings settings(m_view.visibleExtent(), deviceSize, logicalDpiX() * ratio,
                                 Qt::white, std::move(visible), m_crs, ratio);
    auto* job = new render::RenderJob(std::move(settings), this);
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
    }
    emit renderFinished(errors);
}

void MapCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (!m_image.isNull() && !m_imageExtent.isEmpty()) {
        // Where the image's extent falls in the current view: panning and zooming show the old
        // picture moved and scaled at once, and the new render replaces it when ready.
        const QPointF topLeft = m_view.toPixel(m_imageExtent.minX, m_imageExtent.maxY);
        const QPointF bottomRight = m_view.toPixel(m_imageExtent.maxX, m_imageExtent.minY);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter.drawImage(QRectF(topLeft, bottomRight), m_image);
    } else if (m_layers.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Open a GeoPackage, a shapefile or a folder of shapefiles with "
                            "File \u2192 Open."));
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
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_lastDragPosition = event->position();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void MapCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragging) {
        const QPointF delta = event->position() - m_lastDragPosition;
        m_lastDragPosition = event->position();
        if (!delta.isNull())
            panByPixels(delta);
    }
    emit cursorMoved(m_view.toMap(event->position()));
}

void MapCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        unsetCursor();
        const QPointF delta = event->position() - m_lastDragPosition;
        if (!delta.isNull())
            panByPixels(delta);
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
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
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace parkatlas::desktop
