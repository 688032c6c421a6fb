#pragma once

#include "app/desktop/canvas_tool.h"
#include "app/desktop/map_decorations.h"
#include "app/desktop/measure_tool.h"
#include "app/render/layer_snapshot.h"
#include "app/render/map_renderer.h"
#include "app/render/map_settings.h"
#include "app/render/map_to_pixel.h"
#include "geo/crs/crs.h"

#include <QImage>
#include <QPoint>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <optional>
#include <vector>

namespace parkatlas::render {
class RenderJob;
}

namespace parkatlas::desktop {

/// The map view. Shows the last finished render and never renders itself: a change of view
/// (pan, zoom, resize, visibility) moves or scales the image it has at once and asks, after a
/// short pause (the debounce), for a new render job on a worker, cancelling the previous one
/// without waiting for it.
///
/// Navigation: drag to pan, wheel to zoom at the cursor, arrow keys to pan, +/- to zoom, Home for
/// the full extent. Coordinates are in the map CRS; widget positions in logical pixels.
///
/// Tools: with Identify (the default) a click (press and release without moving) emits
/// featureClicked, Ctrl held to add to the selection, and a drag with Shift draws a box and
/// emits boxSelected. With the measure tools a click adds a point to measureTool() and the
/// cursor's position counts as the next one until Esc clears them. Selected features are an
/// overlay: a second, transparent image rendered by its own job over the map, so a change of
/// selection never redraws the map beneath.
class MapCanvas : public QWidget {
    Q_OBJECT
public:
    enum class Tool { Identify, MeasureDistance, MeasureArea };

    struct CanvasLayer {
        render::LayerSnapshot snapshot;
        bool visible = true;
    };

    explicit MapCanvas(QWidget* parent = nullptr);
    ~MapCanvas() override;

    /// Replaces the layers (drawn in this order, the first at the bottom) and zooms to their
    /// full extent. `crs` is the map CRS (empty: raw coordinates).
    void setLayers(std::vector<render::LayerSnapshot> layers, geo::Crs crs);
    const std::vector<CanvasLayer>& layers() const { return m_layers; }
    void setLayerVisible(std::size_t index, bool visible);
    /// Layer indices (into layers(), which keep their places) from the bottom up: the order
    /// they are drawn in. Ignored unless a permutation of every layer. Redraws.
    void setDrawingOrder(std::vector<std::size_t> order);
    const std::vector<std::size_t>& drawingOrder() const { return m_drawingOrder; }
    /// 0 (invisible) … 1 (opaque); redraws.
    void setLayerOpacity(std::size_t index, double opacity);
    /// Replaces layer `index`'s snapshot (restyled), keeping its visibility, opacity and place.
    void replaceLayer(std::size_t index, render::LayerSnapshot snapshot);
    /// Shows the whole of layer `index`, with a margin.
    void zoomToLayer(std::size_t index);
    const geo::Crs& crs() const { return m_crs; }

    /// What the canvas shows now, in map coordinates.
    geo::Envelope extent() const;
    /// Shows at least `extent`, centred.
    void setExtent(const geo::Envelope& extent);
    geo::Envelope fullExtent() const { return m_fullExtent; }
    const render::MapToPixel& view() const { return m_view; }

    void zoomToFullExtent();
    /// Zooms by `factor` (> 1 in) keeping the map point under `anchor` (widget pixels) fixed.
    void zoomAt(double factor, QPointF anchor);
    /// Moves the map with a drag of `pixels`.
    void panByPixels(QPointF pixels);

    /// The scale as 1:N on this screen, or 0 when it cannot be known (no CRS, no extent).
    double scaleDenominator() const;
    /// Map coordinates of a widget position.
    QPointF toMap(QPointF widgetPosition) const { return m_view.toMap(widgetPosition); }

    /// The last finished render and the extent it shows (null before the first).
    const QImage& image() const { return m_image; }
    geo::Envelope imageExtent() const { return m_imageExtent; }
    bool isRendering() const;
    /// The pictures kept for reuse (see the class comment), newest first; for tests.
    std::size_t cachedPictureCount() const { return m_pictures.size(); }
    /// How the last complete picture was made (for tests and the bench).
    enum class PictureSource { Rendered, Cached, Shifted };
    PictureSource lastPictureSource() const { return m_lastSource; }
    /// Device pixels rendered around the view on every side (the picture cache's margin).
    static constexpr int kPictureMarginPx = 8;
    /// Whether pictures are kept and reused (default on; off with PARKATLAS_VIEWER_FULL_DETAIL=1).
    void setPictureCacheEnabled(bool enabled);

    void setTool(Tool tool);
    Tool tool() const { return m_tool; }
    MeasureTool* measureTool() const { return m_measureTool; }
    /// An editing tool takes the mouse and keys (null: back to tool()). Not owned.
    void setCanvasTool(CanvasTool* tool);
    CanvasTool* canvasTool() const { return m_canvasTool; }

    /// Replaces the overlay (selected features in their highlight style, drawn over the map)
    /// and renders it at once on a worker.
    void setOverlayLayers(std::vector<render::LayerSnapshot> overlay);
    const std::vector<render::LayerSnapshot>& overlayLayers() const { return m_overlay; }
    /// The last finished overlay image (null when there is nothing selected).
    const QImage& overlayImage() const { return m_overlayImage; }
    bool isRenderingOverlay() const;

    /// The scale bar (bottom left) and the north arrow (top right), drawn over the map and
    /// following every change of view (View menu; both shown by default).
    void setScaleBarVisible(bool visible);
    bool isScaleBarVisible() const { return m_showScaleBar; }
    void setNorthArrowVisible(bool visible);
    bool isNorthArrowVisible() const { return m_showNorthArrow; }
    /// Where they are drawn now and what the bar says (nullopt: nothing to draw, no CRS).
    std::optional<MapDecorationLayout> decorationLayout() const;

    /// Milliseconds between the last change and the render it asks for (default 150).
    void setRefreshDelay(int milliseconds) { m_refreshTimer.setInterval(milliseconds); }

public slots:
    /// Asks for a new render after the debounce delay (restarting the delay).
    void refresh();
    /// Starts a new render now, cancelling the running one.
    void refreshNow();

signals:
    void extentChanged();
    /// The pointer is over the map at `mapPoint` (map CRS).
    void cursorMoved(QPointF mapPoint);
    void renderStarted();
    /// A render finished and its image is now shown; `errors` are per layer.
    void renderFinished(const QStringList& errors);
    /// The canvas now shows a complete picture of its current view (a finished render, or one
    /// put together from the picture cache).
    void pictureComplete();
    /// A picture of the layers is shown, complete or not (a layer still being read shows what
    /// has been read so far).
    void pictureShown();
    /// The overlay's render finished and is shown.
    void overlayRenderFinished();
    /// Identify tool: a click at `mapPoint` with `modifiers` (Ctrl: add to the selection).
    void featureClicked(QPointF mapPoint, Qt::KeyboardModifiers modifiers);
    /// Identify tool: a box drawn with Shift held (Ctrl too: add to the selection).
    void boxSelected(const geo::Envelope& box, Qt::KeyboardModifiers modifiers);
    /// Esc with the Identify tool (the window clears the selection).
    void clearRequested();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    /// A complete picture kept for reuse: its pixels and the device-pixel view they show.
    struct CachedPicture {
        QImage image;
        render::MapToPixel deviceView;
        double dpi = 96;
        std::vector<const void*> layers; // what it shows (see layerKey), bottom first
    };
    /// A picture being put together from a cached one shifted and the strips it lacks.
    struct Composition {
        QImage image;
        render::MapSettings settings; // of the whole view
        std::vector<QPointer<render::RenderJob>> jobs;
        std::vector<QRect> strips; // where each job's strip goes in the picture
        std::vector<QRect> within; // and where it lies in the job's image (a margin wider)
        std::size_t remaining = 0;
        QStringList errors;
    };

    void setView(const render::MapToPixel& view);
    /// Drops the kept pictures (what is drawn changed).
    void forgetPictures();
    /// Shows `settings`' view from the cache when it can (the same view, or one shifted by whole
    /// pixels with its strips rendered); false when a full render is needed.
    bool showFromCache(const render::MapSettings& settings);
    /// Renders the whole of `settings` on a worker (the picture cache could not help).
    void startFullRender(render::MapSettings settings);
    void onStripFinished(render::RenderJob* job, const render::RenderResult& result);
    /// A complete picture of `settings` is ready: shown, or, when layers are to be drawn over
    /// it (m_drawOver), kept and drawn over on a worker.
    void pictureReady(const QImage& image, const render::MapSettings& settings,
                      const QStringList& errors, PictureSource source);
    /// Keeps a complete picture of `settings` for reuse when its layers allow (reusableBase).
    void keepPicture(const QImage& image, const render::MapSettings& settings);
    /// Shows a complete picture of the current view and says so (pictureShown, renderFinished,
    /// pictureComplete); keeps it when `keep`.
    void showPicture(const QImage& image, const render::MapSettings& settings,
                     const QStringList& errors, bool keep, PictureSource source);
    void startRender();
    void startOverlayRender();
    void cancelRender();
    void cancelOverlayRender();
    void onRenderFinished(render::RenderJob* job, const render::RenderResult& result);
    void onOverlayRenderFinished(render::RenderJob* job, const render::RenderResult& result);
    /// The current view with `margin` device pixels more on every side.
    render::MapSettings settingsFor(std::vector<render::LayerSnapshot> layers,
                                    QColor background, int margin = 0) const;
    void drawPlacedImage(QPainter& painter, const QImage& image, const geo::Envelope& extent);
    void drawMeasurement(QPainter& painter);

    std::vector<CanvasLayer> m_layers;
    std::vector<std::size_t> m_drawingOrder; // indices into m_layers, bottom first
    geo::Crs m_crs;
    geo::Envelope m_fullExtent;
    render::MapToPixel m_view;
    QImage m_image;
    geo::Envelope m_imageExtent;
    QPointer<render::RenderJob> m_job;
    std::vector<CachedPicture> m_pictures; // newest first
    std::optional<Composition> m_composition;
    // A view whose upper layers cannot be reused: its settings while the picture of the layers
    // below is made (m_drawOver), then while the rest is drawn over that picture (m_wholeView),
    // with how the picture below was made and what went wrong there.
    std::optional<render::MapSettings> m_drawOver;
    std::optional<render::MapSettings> m_wholeView;
    PictureSource m_drawingOverSource = PictureSource::Rendered;
    QStringList m_belowErrors;
    bool m_cacheEnabled = true;
    quint64 m_renderRequest = 0; // counts startRender calls (a queued cache hit checks it)
    PictureSource m_lastSource = PictureSource::Rendered;
    QTimer m_refreshTimer;
    bool m_showingFullExtent = true;
    bool m_dragging = false;
    QPointF m_lastDragPosition;
    QPointF m_pressPosition;
    bool m_pressed = false;
    bool m_moved = false;  // the pointer left the click radius since the press
    bool m_boxing = false; // Shift-drag: a selection box
    Qt::KeyboardModifiers m_pressModifiers;
    Tool m_tool = Tool::Identify;
    MeasureTool* m_measureTool;
    CanvasTool* m_canvasTool = nullptr;
    bool m_toolDragging = false; // the canvas tool took the press
    std::vector<render::LayerSnapshot> m_overlay;
    QImage m_overlayImage;
    geo::Envelope m_overlayExtent;
    QPointer<render::RenderJob> m_overlayJob;
    MapDecorations m_decorations;
    bool m_showScaleBar = true;
    bool m_showNorthArrow = true;
};

} // namespace parkatlas::desktop
