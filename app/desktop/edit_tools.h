#pragma once

#include "app/desktop/canvas_tool.h"
#include "app/desktop/measure_tool.h"
#include "geo/edit/edit_geometry.h"
#include "geo/edit/snapping.h"

#include <QObject>

#include <cstdint>
#include <optional>
#include <vector>

namespace parkatlas::desktop {

class EditController;
class MapCanvas;

/// Snapping for the editing tools: to the vertices, then the segments, of every visible vector
/// layer of the canvas, within a tolerance in screen pixels (so it means the same at every
/// scale).
class Snapper {
public:
    explicit Snapper(MapCanvas* canvas) : m_canvas(canvas) {}

    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }
    void setTolerancePixels(double pixels) { m_tolerancePixels = pixels; }
    double tolerancePixels() const { return m_tolerancePixels; }
    /// The tolerance in map units at the canvas's scale now.
    double toleranceMap() const;

    /// Where a pointer at widget `position` snaps to (Kind::None: nowhere, or snapping off).
    /// `skipLayer`/`skipFeature`: a feature not to snap to (the one whose vertex is dragged).
    geo::SnapHit snap(QPointF position, int skipLayer = -1, std::size_t skipFeature = 0) const;
    /// Where `point` lies on the feature `like` snapped to (its nearest vertex, else segment,
    /// within `tolerance`), or nullopt: for tracing along a boundary that neighbours share.
    std::optional<geo::SnapHit> onFeature(const geo::SnapHit& like, geo::EditPoint point,
                                          double tolerance) const;
    /// The store of canvas layer `layer` (for tracing), or null.
    const geo::GeometryStore* storeOf(int layer) const;

private:
    MapCanvas* m_canvas;
    bool m_enabled = true;
    double m_tolerancePixels = 10;
};

/// Draws a new polygon or line (or the cutting line of a split): a click adds a corner, snapped;
/// with tracing on, a corner snapped onto the same boundary as the one before follows that
/// boundary (the shorter way round); Backspace takes the last corner back; Enter, a double
/// click or a right click finishes; Esc throws the shape away. While drawing, the area in mu and
/// the perimeter (a line: its length) follow the cursor, on the map and in measure().
class DrawTool : public QObject, public CanvasTool {
    Q_OBJECT
public:
    enum class Mode { Polygon, Line, SplitLine };

    DrawTool(MapCanvas* canvas, const Snapper* snapper, QObject* parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void setTracing(bool tracing) { m_tracing = tracing; }
    bool isTracing() const { return m_tracing; }
    /// The corners placed so far (map CRS).
    const std::vector<geo::EditPoint>& points() const { return m_points; }
    /// The live figures (area, perimeter or length) of the shape with the cursor as its next
    /// corner.
    const MeasureTool* measure() const { return m_measure; }
    void cancel();
    /// Finishes the shape (as Enter does): emits finished() when it has enough corners.
    void finish();

    bool press(QPointF position, Qt::KeyboardModifiers modifiers) override;
    void click(QPointF position, Qt::KeyboardModifiers modifiers) override;
    void doubleClick(QPointF position) override;
    void rightClick(QPointF position) override;
    void hover(QPointF position) override;
    bool key(int key, Qt::KeyboardModifiers modifiers) override;
    void paint(QPainter& painter) override;

signals:
    /// A shape was finished: a polygon or line (the split line: a line).
    void finished(const geo::EditGeometry& shape);
    /// The corners or the cursor moved: the live figures changed.
    void measureChanged();

private:
    void addPoint(QPointF position);
    void updateMeasure();

    MapCanvas* m_canvas;
    const Snapper* m_snapper;
    MeasureTool* m_measure;
    Mode m_mode = Mode::Polygon;
    bool m_tracing = true;
    std::vector<geo::EditPoint> m_points;
    std::vector<geo::SnapHit> m_hits; // per corner placed by a click (None: not snapped)
    std::optional<geo::EditPoint> m_cursor;
    geo::SnapHit m_cursorHit;
};

/// Changes the vertices of the edited layer's features: drag a vertex to move it (snapped to
/// the other features), double-click a segment to add a vertex there, click a vertex and press
/// Delete to remove it. Each change is one undoable step.
class VertexTool : public QObject, public CanvasTool {
    Q_OBJECT
public:
    VertexTool(MapCanvas* canvas, const Snapper* snapper, EditController* controller,
               QObject* parent = nullptr);

    /// The canvas layer index the edited layer is drawn as.
    void setLayerIndex(int index) { m_layerIndex = index; }

    bool press(QPointF position, Qt::KeyboardModifiers modifiers) override;
    void drag(QPointF position) override;
    void release(QPointF position) override;
    void click(QPointF position, Qt::KeyboardModifiers modifiers) override;
    void doubleClick(QPointF position) override;
    void hover(QPointF position) override;
    bool key(int key, Qt::KeyboardModifiers modifiers) override;
    void paint(QPainter& painter) override;

signals:
    /// A change was refused (it would make the shape invalid …): why.
    void refused(const QString& why);

private:
    struct Grab {
        std::int64_t fid = 0;
        geo::VertexRef vertex;
    };
    /// The vertex of an edited feature within the tolerance of `position`, nearest first.
    std::optional<Grab> vertexAt(QPointF position) const;

    MapCanvas* m_canvas;
    const Snapper* m_snapper;
    EditController* m_controller;
    int m_layerIndex = -1;
    std::optional<Grab> m_hovered;
    std::optional<Grab> m_selected;
    std::optional<Grab> m_dragging;
    std::optional<geo::EditPoint> m_dragTo;
};

} // namespace parkatlas::desktop
