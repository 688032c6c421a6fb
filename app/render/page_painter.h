// Drawing a page in millimetres: the page engine's painter, shared by the map pages
// (page_renderer.cpp) and the parcel sheets (parcel_sheet.cpp).
#pragma once

#include "app/render/page_renderer.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QPen>
#include <QPointF>
#include <QRectF>
#include <QString>

namespace parkatlas::render {

inline constexpr double kMmPerInch = 25.4;
/// The ink of frames, text and tables on every page.
inline const QColor kInk(20, 20, 20);

/// Paints in millimetres on a device of any resolution: positions, line widths and fonts are
/// physical, so every format gives the same page.
class PagePainter {
public:
    PagePainter(QPainter& painter, double dpi) : m_painter(painter), m_pxPerMm(dpi / kMmPerInch) {}

    double px(double mm) const { return mm * m_pxPerMm; }
    double mm(double px) const { return px / m_pxPerMm; }
    QPointF px(QPointF mm) const { return mm * m_pxPerMm; }
    QRectF px(const QRectF& mm) const
    {
        return {mm.x() * m_pxPerMm, mm.y() * m_pxPerMm, mm.width() * m_pxPerMm,
                mm.height() * m_pxPerMm};
    }

    QFont font(double points, bool bold = false) const
    {
        QFont font = pageFont(points);
        if (bold)
            font.setWeight(QFont::Bold);
        return QFont(font, m_painter.device());
    }
    /// Width of `text` in millimetres.
    double textWidth(const QFont& font, const QString& text) const
    {
        return mm(QFontMetricsF(font, m_painter.device()).horizontalAdvance(text));
    }

    void line(QPointF from, QPointF to, double widthMm, const QColor& colour = kInk)
    {
        m_painter.setPen(QPen(colour, px(widthMm), Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
        m_painter.drawLine(px(from), px(to));
    }
    void rect(const QRectF& mm, double widthMm, const QColor& colour = kInk,
              const QBrush& brush = Qt::NoBrush)
    {
        m_painter.setPen(
            widthMm > 0 ? QPen(colour, px(widthMm), Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin)
                        : QPen(Qt::NoPen));
        m_painter.setBrush(brush);
        m_painter.drawRect(px(mm));
    }
    void text(const QRectF& mm, int flags, const QString& text, const QFont& font,
              const QColor& colour = kInk)
    {
        m_painter.setFont(font);
        m_painter.setPen(colour);
        m_painter.drawText(px(mm), flags, text);
    }

    QPainter& painter() { return m_painter; }

private:
    QPainter& m_painter;
    double m_pxPerMm;
};

} // namespace parkatlas::render
