#pragma once

#include <QCursor>
#include <QPointF>
#include <Qt>

class QPainter;

namespace parkatlas::desktop {

/// A tool that takes the canvas's mouse and keys for a while (the editing tools): the canvas
/// still pans on a drag the tool does not take, zooms on the wheel, and shows its image; the
/// tool gets clicks, hovers, the drags it takes, keys, and draws over the map. Positions are
/// widget pixels; the tool maps them with the canvas's view.
class CanvasTool {
public:
    virtual ~CanvasTool() = default;

    /// A left press: true takes the drag that follows (drag(), release()), false lets the canvas
    /// pan if the pointer moves, or call click() if it does not.
    virtual bool press(QPointF /*position*/, Qt::KeyboardModifiers) { return false; }
    virtual void drag(QPointF /*position*/) {}
    virtual void release(QPointF /*position*/) {}
    /// A left press and release without moving (not taken by press()).
    virtual void click(QPointF /*position*/, Qt::KeyboardModifiers) {}
    virtual void doubleClick(QPointF /*position*/) {}
    virtual void rightClick(QPointF /*position*/) {}
    /// The pointer moved with no button taken.
    virtual void hover(QPointF /*position*/) {}
    /// A key; true when the tool used it.
    virtual bool key(int /*key*/, Qt::KeyboardModifiers) { return false; }
    /// Draws over the map (the shape being drawn, snapping marks).
    virtual void paint(QPainter& /*painter*/) {}
    virtual QCursor cursor() const { return Qt::CrossCursor; }
};

} // namespace parkatlas::desktop
