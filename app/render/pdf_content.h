#pragma once

#include <QByteArray>
#include <QPen>
#include <QPointF>
#include <QPolygonF>

#include <cstddef>
#include <future>
#include <memory>
#include <vector>

class QBrush;
class QColor;
class QPainterPath;

namespace parkatlas::render {

/// `value` as Qt 6's PDF engine writes a number into a page (qpdf.cpp, qt_real_to_string): a
/// whole number plainly, otherwise up to nine significant decimals cut (not rounded) and every
/// one written, then a space. The same text, so the same number for the PDF's reader.
void appendPdfNumber(QByteArray& out, double value);

/// The path of QPainter::drawPolygon(points, count, Qt::OddEvenFill) as Qt's PDF engine writes
/// it (without the painting operator): "x y m", "x y l" for each point that is not a repeat of
/// the last one, the closing line back to the first point when the last is not it, and "h".
void appendPdfPolygonPath(QByteArray& out, const QPointF* points, qsizetype count);

/// The same polygon filled (`filled`) and outlined, written short: without the last line back
/// to the first point, closed and painted by "b*" (or "s" unfilled), which is "h B*" ("h S"):
/// the closing line drawn by "h" is the one Qt writes. The same path for the PDF's reader.
void appendPdfPolygon(QByteArray& out, const QPointF* points, qsizetype count, bool filled);

/// The path of QPainter::drawPath(path) as Qt's PDF engine writes it, untransformed (without the
/// painting operator).
void appendPdfPath(QByteArray& out, const QPainterPath& path);

/// A solid brush's colour set as Qt's PDF engine sets it ("/CSp cs r g b scn"). Qt then sets
/// the graphics state of the brush's opacity ("/GSa gs", "/GState7 gs"): where every brush of
/// a layer has one opacity, that is the state set for the layer's first plot, left as it is.
void appendPdfFill(QByteArray& out, const QColor& colour);

/// A solid, opaque, non-cosmetic pen set as Qt's PDF engine sets it (colour, width, cap, join
/// and dashes).
void appendPdfStroke(QByteArray& out, const QPen& pen);

/// The parts of a vector page that ParkAtlas writes itself instead of through QPainter and
/// Qt's PDF engine: the plots of a polygon layer, a million of them on the 1M committee map.
/// Drawn through Qt, each plot is a QPainterPath, a QByteArray and a QBuffer in the engine, and
/// the page's whole content stream (87 MB of text at 1M) is deflated on one thread at the end.
/// Here the same operators as Qt writes them (appendPdf…; a plot's path closed by its painting
/// operator, appendPdfPolygon, and the brush's opacity set once) go into blocks of a few
/// megabytes, each deflated on a worker as soon as it is full, while the layer is still being
/// drawn; the page lists them as streams of its content (a PDF page's /Contents may be an array
/// of streams, read as one).
///
/// Each layer written here leaves a marker in Qt's page: a small polygon (marker(), drawn
/// through the painter with the layer's first pen and brush, so that Qt writes their state as
/// for the first plot). splice() cuts Qt's content stream at each marker and puts the layer's
/// streams in its place, between "q" and "Q": within them the pen and brush change plot by plot
/// as Qt would change them, and after them Qt's own state (the first symbol's) holds again.
class PdfPageContent {
public:
    PdfPageContent();
    ~PdfPageContent();
    PdfPageContent(const PdfPageContent&) = delete;
    PdfPageContent& operator=(const PdfPageContent&) = delete;

    /// Starts a layer: returns the marker polygon to draw through the painter (Qt::OddEvenFill)
    /// in the layer's place. Its points lie far outside any page.
    QPolygonF beginLayer();
    /// Where the layer's operators go.
    QByteArray& out() { return m_block; }
    /// Called after each plot: hands a full block to a worker to deflate.
    void plotDone()
    {
        if (m_block.size() >= kBlockBytes)
            flush();
    }
    void endLayer();

    /// Layers written so far.
    std::size_t layerCount() const { return m_layers.size(); }

    /// Puts the layers' streams into `pdf`, a one-page PDF written by Qt's QPdfWriter with this
    /// object's markers drawn on it. Throws std::runtime_error when the file is not as Qt writes
    /// it or a marker is missing.
    void splice(QByteArray& pdf);

    /// The zlib stream of `data`.
    static QByteArray deflate(const char* data, qsizetype size);
    /// `data`, a zlib stream, inflated; throws std::runtime_error when it is not one.
    static QByteArray inflate(const QByteArray& data);

private:
    static constexpr qsizetype kBlockBytes = 4 << 20;
    void flush();

    struct Layer {
        QByteArray marker; // the marker's path as Qt writes it
        std::vector<std::future<QByteArray>> streams;
    };
    std::vector<Layer> m_layers;
    QByteArray m_block;
    bool m_open = false;
};

} // namespace parkatlas::render
