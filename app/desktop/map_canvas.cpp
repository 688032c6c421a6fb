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
#include <cstring>
#include <limits>
#include <numbers>

namespace parkatlas::desktop {

namespace {

constexpr double kWheelZoomPerStep = 1.25; // one wheel notch (120 eighths of a degree)
constexpr double kKeyPanShare = 0.25;      // an arrow key moves a quarter of the view
constexpr double kFullExtentMargin = 0.03; // a little air around the full extent
constexpr double kClickRadiusPx = 4.0;     // a press and release closer than this is a click
constexpr std::size_t kCachedPictures = 4; // complete pictures kept for reuse (8 MB at 1080p)
constexpr double kWholePixel = 1e-3; // a shift this close to whole device pixels counts as whole
constexpr double kStyleDpi = 96.0;   // the renderer's: style widths are given at this DPI

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

/// True for a dashed or dotted outline or a hatched fill: Qt's dasher starts the pattern where
/// it clips the line, and a hatch is aligned to the picture's corner, so either falls elsewhere
/// in a picture of another extent.
bool patterned(const render::Symbol& symbol)
{
    return (symbol.strokeStyle != Qt::SolidLine && symbol.strokeStyle != Qt::NoPen &&
            symbol.strokeWidth > 0 && symbol.stroke.alpha() > 0) ||
           (symbol.fillPattern != Qt::SolidPattern && symbol.fillPattern != Qt::NoBrush &&
            symbol.fill.alpha() > 0);
}

/// True when the renderer labels `layer` at `unitsPerPixel` (its test, with a hair to spare).
bool labelledAt(const render::LayerSnapshot& layer, double unitsPerPixel)
{
    const render::LayerStyle& style = layer.style;
    return (!style.labelFields.empty() || style.labelAreaMu) &&
           (style.labelMaxMapUnitsPerPixel <= 0 ||
            unitsPerPixel * (1 - 1e-6) <= style.labelMaxMapUnitsPerPixel);
}

/// How many layers of `settings`, from the bottom, a picture of which shows the same pixels as
/// a picture of another view would where the two overlap (to a level of antialiasing): up to the
/// first orthophoto (resampled for the whole view), layer labelled at this scale (labels are
/// placed for the whole view, away from each other), or dashed outline or hatch (see
/// patterned). Where any layer is labelled, also up to the first point layer (labels keep clear
/// of the markers drawn before them). The layers above are drawn afresh over a kept picture of
/// these (MapSettings::underlay).
std::size_t reusableBase(const render::MapSettings& settings)
{
    const double unitsPerPixel =
        settings.mapToPixel().mapUnitsPerPixel() * settings.dpi() / kStyleDpi;
    const std::vector<render::LayerSnapshot>& layers = settings.layers();
    const bool anyLabels = std::any_of(layers.begin(), layers.end(), [&](const auto& layer) {
        return labelledAt(layer, unitsPerPixel);
    });
    std::size_t base = 0;
    for (const render::LayerSnapshot& layer : layers) {
        const render::LayerStyle& style = layer.style;
        if (layer.raster || patterned(style) ||
            std::any_of(style.classes.begin(), style.classes.end(), patterned) ||
            labelledAt(layer, unitsPerPixel) ||
            (anyLabels && layer.layer && layer.layer->geometry.kind() == geo::GeometryKind::Point))
            break;
        ++base;
    }
    return base;
}

/// True when a whole picture of `settings` may be reused (see reusableBase).
bool reusable(const render::MapSettings& settings)
{
    return reusableBase(settings) == settings.layers().size();
}

/// What a kept picture is a picture of: its layers, bottom first.
std::vector<const void*> layerKey(const render::MapSettings& settings)
{
    std::vector<const void*> key;
    for (const render::LayerSnapshot& layer : settings.layers())
        key.push_back(layer.raster ? static_cast<const void*>(layer.raster.get())
                                   : static_cast<const void*>(layer.layer.get()));
    return key;
}

/// Copies the pixels of `source` (a rectangle of `from`) to `to` at `at`; both images in
/// ARGB32_Premultiplied (the renderer's format), the rectangle within both.
void copyPixels(const QImage& from, const QRect& source, QImage& to, QPoint at)
{
    const QImage converted = from.format() == QImage::Format_ARGB32_Premultiplied
                                 ? from
                                 : from.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const auto rowBytes = static_cast<std::size_t>(source.width()) * 4;
    for (int row = 0; row < source.height(); ++row)
        std::memcpy(to.scanLine(at.y() + row) + static_cast<qsizetype>(at.x()) * 4,
                    converted.constScanLine(source.y() + row) +
                        static_cast<qsizetype>(source.x()) * 4,
                    rowBytes);
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
    m_cacheEnabled = !viewerFullDetailRequested();
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
    forgetPictures();
    m_image = QImage();
    m_imageExtent = {};
    zoomToFullExtent();
    // Nothing to wait for: a new map is drawn at once (the debounce is for a moving view).
    refreshNow();
}

void MapCanvas::setLayerVisible(std::size_t index, bool visible)
{
    if (index >= m_layers.size() || m_layers[index].visible == visible)
        return;
    m_layers[index].visible = visible;
    forgetPictures();
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
    forgetPictures();
    refresh();
}

void MapCanvas::setLayerOpacity(std::size_t index, double opacity)
{
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (index >= m_layers.size() || m_layers[index].snapshot.opacity == opacity)
        return;
    m_layers[index].snapshot.opacity = opacity;
    forgetPictures();
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
    forgetPictures();
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
    return (m_job && m_job->isActive()) || m_composition.has_value();
}

void MapCanvas::setPictureCacheEnabled(bool enabled)
{
    m_cacheEnabled = enabled;
    if (!enabled)
        forgetPictures();
}

void MapCanvas::forgetPictures()
{
    m_pictures.clear();
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
    // Do not wait: the worker sees the flag within one feature and its image is dropped.
    const auto drop = [this](render::RenderJob* job) {
        job->cancel();
        job->disconnect(this);
        job->deleteLater();
    };
    if (m_job)
        drop(m_job);
    m_job = nullptr;
    m_drawOver.reset();
    m_wholeView.reset();
    if (m_composition)
        for (const QPointer<render::RenderJob>& job : m_composition->jobs)
            if (job)
                drop(job);
    m_composition.reset();
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
                                           QColor background, int margin) const
{
    const double ratio = devicePixelRatioF();
    const QSize deviceSize(static_cast<int>(std::lround(width() * ratio)) + 2 * margin,
                           static_cast<int>(std::lround(height() * ratio)) + 2 * margin);
    geo::Envelope extent = m_view.visibleExtent();
    const double widen = margin * m_view.mapUnitsPerPixel() / ratio;
    extent.minX -= widen;
    extent.minY -= widen;
    extent.maxX += widen;
    extent.maxY += widen;
    // The screen's level of detail: a picture the same to a level or two, much faster.
    return render::MapSettings(extent, deviceSize, logicalDpiX() * ratio, std::move(background),
                               std::move(layers), m_crs, ratio)
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
    ++m_renderRequest;
    if (width() <= 0 || height() <= 0)
        return;
    std::vector<render::LayerSnapshot> visible;
    for (const std::size_t index : m_drawingOrder)
        if (m_layers[index].visible)
            visible.push_back(m_layers[index].snapshot);
    if (!m_overlay.empty())
        startOverlayRender();
    // With a margin: what the renderer does at the edges of its picture (clipping, dashes) falls
    // outside the view, so a picture shifted by a pan shows what a fresh one would.
    render::MapSettings settings = settingsFor(std::move(visible), Qt::white, kPictureMarginPx);
    emit renderStarted();
    if (m_cacheEnabled) {
        const std::size_t base = reusableBase(settings);
        const std::size_t count = settings.layers().size();
        if (base > 0 && base < count) {
            // The layers that cannot be reused (a park's dashed boundary, labels) are drawn
            // afresh over a picture of those below them, which comes from the cache when it can.
            std::vector<render::LayerSnapshot> below(settings.layers().begin(),
                                                     settings.layers().begin() +
                                                         static_cast<std::ptrdiff_t>(base));
            m_drawOver = settings;
            settings = settings.withLayers(std::move(below));
        }
        if (base > 0 && showFromCache(settings))
            return;
    }
    startFullRender(std::move(settings));
}

void MapCanvas::startFullRender(render::MapSettings settings)
{
    auto* job = new render::RenderJob(std::move(settings), this);
    connect(job, &render::RenderJob::finished, this,
            [this, job](const render::RenderResult& result) { onRenderFinished(job, result); });
    m_job = job;
    job->start();
}

bool MapCanvas::showFromCache(const render::MapSettings& settings)
{
    const render::MapToPixel& view = settings.mapToPixel();
    const QSize size = settings.outputSize();
    const qint64 area = static_cast<qint64>(size.width()) * size.height();
    const std::vector<const void*> key = layerKey(settings);
    // The kept picture that leaves the least to render: the same scale and DPI, shifted by
    // whole pixels.
    std::size_t best = m_pictures.size();
    QPoint shift;
    qint64 leastRevealed = std::numeric_limits<qint64>::max();
    for (std::size_t i = 0; i < m_pictures.size(); ++i) {
        const CachedPicture& picture = m_pictures[i];
        const double unitsPerPixel = picture.deviceView.mapUnitsPerPixel();
        if (picture.layers != key || picture.image.size() != size ||
            picture.dpi != settings.dpi() ||
            std::abs(unitsPerPixel - view.mapUnitsPerPixel()) > 1e-9 * unitsPerPixel)
            continue;
        // Where the picture's top left corner falls in the new view.
        const QPointF cornerMap = picture.deviceView.toMap(QPointF(0, 0));
        const QPointF corner = view.toPixel(cornerMap.x(), cornerMap.y());
        const QPoint whole(static_cast<int>(std::lround(corner.x())),
                           static_cast<int>(std::lround(corner.y())));
        if (std::abs(corner.x() - whole.x()) > kWholePixel ||
            std::abs(corner.y() - whole.y()) > kWholePixel ||
            std::abs(whole.x()) >= size.width() || std::abs(whole.y()) >= size.height())
            continue;
        const qint64 revealed = area - static_cast<qint64>(size.width() - std::abs(whole.x())) *
                                           (size.height() - std::abs(whole.y()));
        if (revealed < leastRevealed) {
            leastRevealed = revealed;
            best = i;
            shift = whole;
        }
    }
    if (best == m_pictures.size())
        return false;
    // The most recently used first.
    std::rotate(m_pictures.begin(), m_pictures.begin() + static_cast<std::ptrdiff_t>(best),
                m_pictures.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    const QImage& kept = m_pictures.front().image;

    if (leastRevealed == 0) {
        // The same view again: shown through the event loop, as a render's end would be,
        // unless another view is asked for first.
        const quint64 request = m_renderRequest;
        QMetaObject::invokeMethod(
            this,
            [this, request, image = kept, settings] {
                if (request == m_renderRequest)
                    pictureReady(image, settings, {}, PictureSource::Cached);
            },
            Qt::QueuedConnection);
        return true;
    }

    // The kept picture moved into place, and the strips beside it rendered on workers: columns
    // the full height left or right of it, rows above or below it between them.
    Composition composition;
    composition.settings = settings;
    composition.image = QImage(size, QImage::Format_ARGB32_Premultiplied);
    composition.image.setDotsPerMeterX(kept.dotsPerMeterX());
    composition.image.setDotsPerMeterY(kept.dotsPerMeterY());
    const QRect whole(QPoint(0, 0), size);
    const QRect placed = QRect(shift, size).intersected(whole);
    copyPixels(kept, placed.translated(-shift), composition.image, placed.topLeft());
    std::vector<QRect> strips;
    if (placed.left() > 0)
        strips.emplace_back(0, 0, placed.left(), size.height());
    if (placed.right() < whole.right())
        strips.emplace_back(placed.right() + 1, 0, whole.right() - placed.right(), size.height());
    if (placed.top() > 0)
        strips.emplace_back(placed.left(), 0, placed.width(), placed.top());
    if (placed.bottom() < whole.bottom())
        strips.emplace_back(placed.left(), placed.bottom() + 1, placed.width(),
                            whole.bottom() - placed.bottom());
    for (const QRect& strip : strips) {
        // Rendered a margin wider (into the kept picture too), of which only the strip is
        // taken: the seams show no edge of a render either.
        const QRect rendered = strip.adjusted(-kPictureMarginPx, -kPictureMarginPx,
                                              kPictureMarginPx, kPictureMarginPx)
                                   .intersected(whole);
        const QPointF topLeft = view.toMap(QPointF(rendered.topLeft()));
        const QPointF bottomRight = view.toMap(
            QPointF(rendered.x() + rendered.width(), rendered.y() + rendered.height()));
        geo::Envelope extent;
        extent.expand(topLeft.x(), topLeft.y());
        extent.expand(bottomRight.x(), bottomRight.y());
        render::MapSettings part =
            render::MapSettings(extent, rendered.size(), settings.dpi(), settings.background(),
                                settings.layers(), settings.crs(), settings.devicePixelRatio())
                .withLevelOfDetail(settings.levelOfDetail());
        auto* job = new render::RenderJob(std::move(part), this);
        connect(job, &render::RenderJob::finished, this,
                [this, job](const render::RenderResult& result) { onStripFinished(job, result); });
        composition.jobs.emplace_back(job);
        composition.strips.push_back(strip);
        composition.within.push_back(strip.translated(-rendered.topLeft()));
    }
    composition.remaining = composition.jobs.size();
    m_composition = std::move(composition);
    for (const QPointer<render::RenderJob>& job : m_composition->jobs)
        job->start();
    return true;
}

void MapCanvas::onStripFinished(render::RenderJob* job, const render::RenderResult& result)
{
    if (!m_composition)
        return;
    Composition& composition = *m_composition;
    const auto found = std::find(composition.jobs.begin(), composition.jobs.end(), job);
    if (found == composition.jobs.end())
        return;
    job->deleteLater();
    if (result.cancelled || result.image.isNull()) {
        // Nothing else cancels a strip (a cancelled composition is dropped with its jobs): a
        // strip that could not be drawn leaves the whole view to a full render.
        const render::MapSettings settings = composition.settings;
        std::optional<render::MapSettings> over = std::move(m_drawOver);
        cancelRender();
        m_drawOver = std::move(over);
        startFullRender(settings);
        return;
    }
    const auto index = static_cast<std::size_t>(found - composition.jobs.begin());
    copyPixels(result.image, composition.within[index], composition.image,
               composition.strips[index].topLeft());
    for (const std::string& error : result.errors)
        if (!composition.errors.contains(QString::fromStdString(error)))
            composition.errors.append(QString::fromStdString(error));
    if (--composition.remaining > 0)
        return;
    Composition done = std::move(composition);
    m_composition.reset();
    pictureReady(done.image, done.settings, done.errors, PictureSource::Shifted);
}

void MapCanvas::pictureReady(const QImage& image, const render::MapSettings& settings,
                             const QStringList& errors, PictureSource source)
{
    if (!m_drawOver) {
        showPicture(image, settings, errors, errors.isEmpty(), source);
        return;
    }
    // A picture of the layers below: kept, and the rest drawn over it on a worker.
    if (errors.isEmpty())
        keepPicture(image, settings);
    m_drawingOverSource = source;
    m_belowErrors = errors;
    m_wholeView = std::move(m_drawOver);
    m_drawOver.reset();
    const std::vector<render::LayerSnapshot>& all = m_wholeView->layers();
    std::vector<render::LayerSnapshot> above(
        all.begin() + static_cast<std::ptrdiff_t>(settings.layers().size()), all.end());
    // Only the layers above are drawn, over the picture; it then stands for the whole view.
    startFullRender(m_wholeView->withLayers(std::move(above)).withUnderlay(image));
}

void MapCanvas::keepPicture(const QImage& image, const render::MapSettings& settings)
{
    if (!m_cacheEnabled || !reusable(settings))
        return;
    m_pictures.insert(m_pictures.begin(),
                      {image, settings.mapToPixel(), settings.dpi(), layerKey(settings)});
    if (m_pictures.size() > kCachedPictures)
        m_pictures.pop_back();
}

void MapCanvas::showPicture(const QImage& image, const render::MapSettings& settings,
                            const QStringList& errors, bool keep, PictureSource source)
{
    // The view's part of the picture, without the margin around it.
    const QRect inner = QRect(QPoint(0, 0), image.size())
                            .adjusted(kPictureMarginPx, kPictureMarginPx, -kPictureMarginPx,
                                      -kPictureMarginPx);
    m_image = inner.isValid() ? image.copy(inner) : image;
    m_image.setDevicePixelRatio(settings.devicePixelRatio());
    const render::MapToPixel& view = settings.mapToPixel();
    const QPointF topLeft = view.toMap(QPointF(inner.topLeft()));
    const QPointF bottomRight =
        view.toMap(QPointF(inner.x() + inner.width(), inner.y() + inner.height()));
    m_imageExtent = {};
    m_imageExtent.expand(topLeft.x(), topLeft.y());
    m_imageExtent.expand(bottomRight.x(), bottomRight.y());
    m_lastSource = source;
    if (keep)
        keepPicture(image, settings);
    update();
    if (!settings.layers().empty())
        emit pictureShown(); // a picture of something, not the blank of an empty map
    emit renderFinished(errors);
    emit pictureComplete();
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
    if (m_wholeView) {
        // The layers above drawn over the picture of those below: the whole view, not kept.
        const render::MapSettings whole = std::move(*m_wholeView);
        m_wholeView.reset();
        for (const QString& error : m_belowErrors)
            if (!errors.contains(error))
                errors.prepend(error);
        if (!result.image.isNull()) {
            showPicture(result.image, whole, errors, false, m_drawingOverSource);
            return;
        }
    } else if (!result.image.isNull()) {
        pictureReady(result.image, result.settings, errors, PictureSource::Rendered);
        return;
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
    // Whole pixels, so that the picture cache can shift the last picture.
    const double dx = std::round(width() * kKeyPanShare);
    const double dy = std::round(height() * kKeyPanShare);
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
