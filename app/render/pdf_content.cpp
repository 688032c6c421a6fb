#include "app/render/pdf_content.h"

#include <QBrush>
#include <QColor>
#include <QPainterPath>
#include <QtGlobal>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

namespace parkatlas::render {

namespace {

/// appendPdfNumber into `text` (room for 24 characters); returns the end.
char* writeNumber(char* text, double value)
{
    // Qt writes anything it cannot hold in 32 bits as 0.
    if (!std::isfinite(value) || std::fabs(value) > 4294967295.0) {
        *text++ = '0';
        *text++ = ' ';
        return text;
    }
    if (value < 0) {
        *text++ = '-';
        value = -value;
    }
    double whole = 0;
    const double fraction = std::modf(value, &whole);
    auto integer = static_cast<std::uint32_t>(whole);
    auto decimals = static_cast<int>(fraction * 1000000000); // cut to nine places
    if (decimals == 1000000000) {
        ++integer;
        decimals = 0;
    }
    char digits[12];
    int count = 0;
    for (std::uint32_t rest = integer; rest != 0; rest /= 10)
        digits[count++] = static_cast<char>('0' + rest % 10);
    // Nine significant places in all: each digit before the point takes one after it.
    const int places = std::max(0, 9 - count);
    for (int k = 0; k < count && decimals != 0; ++k)
        decimals /= 10;
    if (count == 0)
        *text++ = '0';
    while (count > 0)
        *text++ = digits[--count];
    if (decimals != 0 && places > 0) {
        *text++ = '.';
        for (int at = places - 1; at >= 0; --at) {
            text[at] = static_cast<char>('0' + decimals % 10);
            decimals /= 10;
        }
        text += places;
    }
    *text++ = ' ';
    return text;
}

} // namespace

void appendPdfNumber(QByteArray& out, double value)
{
    char text[32];
    out.append(text, writeNumber(text, value) - text);
}

namespace {

/// "x y op" in one append (a plot's path is a few hundred of them).
void appendPoint(QByteArray& out, const QPointF& point, const char* op)
{
    char text[64];
    char* end = writeNumber(text, point.x());
    end = writeNumber(end, point.y());
    while (*op != 0)
        *end++ = *op++;
    out.append(text, end - text);
}

} // namespace

namespace {

/// appendPdfPolygonPath; without `closingLine`, the last line back to the first point is left
/// out (and so is "h": the caller closes the path with its painting operator).
void appendPolygon(QByteArray& out, const QPointF* points, qsizetype count, bool closingLine)
{
    if (count <= 0)
        return;
    // QPdfEngine::drawPolygon builds a QPainterPath: moveTo the first point, lineTo each other
    // one (QPainterPath::lineTo skips a point equal to the last, QPointF's fuzzy equality), then
    // closeSubpath (a line back to the first point when the last is not it; when it is nearly
    // it, the last point becomes the first). The engine writes each element and "h" for the
    // closed subpath. The last line is held back until it is known whether it is snapped.
    const QPointF first = points[0];
    appendPoint(out, first, "m\n");
    QPointF last = first;
    bool held = false;
    for (qsizetype i = 1; i < count; ++i) {
        if (points[i] == last)
            continue;
        if (held)
            appendPoint(out, last, "l\n");
        last = points[i];
        held = true;
    }
    if (held) {
        if (first.x() == last.x() && first.y() == last.y()) {
            if (closingLine)
                appendPoint(out, last, "l\n");
        } else if (qFuzzyCompare(first.x(), last.x()) && qFuzzyCompare(first.y(), last.y())) {
            if (closingLine)
                appendPoint(out, first, "l\n");
        } else {
            appendPoint(out, last, "l\n");
            if (closingLine)
                appendPoint(out, first, "l\n");
        }
    }
    if (closingLine)
        out.append("h\n", 2);
}

} // namespace

void appendPdfPolygonPath(QByteArray& out, const QPointF* points, qsizetype count)
{
    appendPolygon(out, points, count, true);
}

void appendPdfPolygon(QByteArray& out, const QPointF* points, qsizetype count, bool filled)
{
    appendPolygon(out, points, count, false);
    out.append(filled ? "b*\n" : "s\n");
}

void appendPdfPath(QByteArray& out, const QPainterPath& path)
{
    // As QPdf::generatePath writes a path: "h" before a move and at the end where the subpath
    // ends on its start.
    const int count = path.elementCount();
    int start = -1;
    const auto closes = [&path, &start](int end) {
        if (start < 0)
            return false;
        const QPainterPath::Element& a = path.elementAt(start);
        const QPainterPath::Element& b = path.elementAt(end);
        return a.x == b.x && a.y == b.y;
    };
    for (int i = 0; i < count; ++i) {
        const QPainterPath::Element& element = path.elementAt(i);
        switch (element.type) {
        case QPainterPath::MoveToElement:
            if (closes(i - 1))
                out.append("h\n", 2);
            appendPoint(out, element, "m\n");
            start = i;
            break;
        case QPainterPath::LineToElement:
            appendPoint(out, element, "l\n");
            break;
        case QPainterPath::CurveToElement:
            appendPoint(out, element, "");
            appendPoint(out, path.elementAt(i + 1), "");
            appendPoint(out, path.elementAt(i + 2), "c\n");
            i += 2;
            break;
        case QPainterPath::CurveToDataElement:
            break;
        }
    }
    if (count > 0 && closes(count - 1))
        out.append("h\n", 2);
}

void appendPdfFill(QByteArray& out, const QColor& colour)
{
    out.append("/CSp cs ");
    appendPdfNumber(out, colour.redF());
    appendPdfNumber(out, colour.greenF());
    appendPdfNumber(out, colour.blueF());
    out.append("scn\n");
}

void appendPdfStroke(QByteArray& out, const QPen& pen)
{
    const QColor colour = pen.brush().color();
    appendPdfNumber(out, colour.redF());
    appendPdfNumber(out, colour.greenF());
    appendPdfNumber(out, colour.blueF());
    out.append("SCN\n");
    appendPdfNumber(out, pen.widthF());
    out.append("w ");
    switch (pen.capStyle()) {
    case Qt::SquareCap:
        out.append("2 J ");
        break;
    case Qt::RoundCap:
        out.append("1 J ");
        break;
    default:
        out.append("0 J ");
        break;
    }
    switch (pen.joinStyle()) {
    case Qt::MiterJoin:
    case Qt::SvgMiterJoin:
        appendPdfNumber(out, std::max(1.0, pen.miterLimit()));
        out.append("M 0 j ");
        break;
    case Qt::BevelJoin:
        out.append("2 j ");
        break;
    case Qt::RoundJoin:
        out.append("1 j ");
        break;
    default:
        out.append("0 j ");
        break;
    }
    // The dashes, in units of the width.
    out.append('[');
    double width = pen.widthF();
    if (width < 0.001)
        width = 1;
    for (const double dash : pen.dashPattern())
        appendPdfNumber(out, std::max(dash * width, 0.0001));
    out.append(']');
    appendPdfNumber(out, pen.dashOffset() * width);
    out.append(" d\n");
}

// ---------------------------------------------------------------------------------------------

PdfPageContent::PdfPageContent() = default;

PdfPageContent::~PdfPageContent()
{
    for (Layer& layer : m_layers)
        for (auto& stream : layer.streams)
            if (stream.valid())
                stream.wait();
}

QPolygonF PdfPageContent::beginLayer()
{
    if (m_open)
        endLayer();
    // Far outside any page (a page is at most some 30 000 units across), one marker a layer.
    const double x = -900000.0 - 10.0 * static_cast<double>(m_layers.size());
    QPolygonF marker{QPointF(x, -900000), QPointF(x - 1, -900000), QPointF(x, -900001)};
    Layer layer;
    appendPdfPolygonPath(layer.marker, marker.constData(), marker.size());
    m_layers.push_back(std::move(layer));
    m_open = true;
    m_block.reserve(kBlockBytes + (64 << 10));
    return marker;
}

void PdfPageContent::flush()
{
    if (m_block.isEmpty() || m_layers.empty())
        return;
    m_layers.back().streams.push_back(
        std::async(std::launch::async, [block = std::move(m_block)] {
            return deflate(block.constData(), block.size());
        }));
    m_block = QByteArray();
    m_block.reserve(kBlockBytes + (64 << 10));
}

void PdfPageContent::endLayer()
{
    flush();
    m_open = false;
}

QByteArray PdfPageContent::deflate(const char* data, qsizetype size)
{
    // Level 5, not zlib's default 6 that Qt uses: on the 1M committee map's content stream
    // (87 MB, 4 MB at a time) level 6 took 3.1 s and made 13.07 MB, level 5 1.4 s and 13.05 MB.
    constexpr int kLevel = 5;
    uLongf bound = compressBound(static_cast<uLong>(size));
    QByteArray out(static_cast<qsizetype>(bound), Qt::Uninitialized);
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &bound,
                  reinterpret_cast<const Bytef*>(data), static_cast<uLong>(size), kLevel) != Z_OK)
        throw std::runtime_error("zlib could not deflate a content stream");
    out.resize(static_cast<qsizetype>(bound));
    return out;
}

QByteArray PdfPageContent::inflate(const QByteArray& data)
{
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        throw std::runtime_error("zlib could not start");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    char buffer[1 << 16];
    int result = Z_OK;
    while (result == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        result = ::inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, static_cast<qsizetype>(sizeof buffer - stream.avail_out));
    }
    inflateEnd(&stream);
    if (result != Z_STREAM_END)
        throw std::runtime_error("a content stream is not a zlib stream");
    return out;
}

namespace {

[[noreturn]] void notQtsPdf(const std::string& what)
{
    throw std::runtime_error("the PDF is not as Qt's PDF writer writes it: " + what);
}

/// The whole number at `at` in `pdf` (digits only); `end` is set past it.
qint64 numberAt(const QByteArray& pdf, qsizetype at, qsizetype* end = nullptr)
{
    qsizetype i = at;
    qint64 value = 0;
    while (i < pdf.size() && pdf[i] >= '0' && pdf[i] <= '9')
        value = value * 10 + (pdf[i++] - '0');
    if (i == at)
        notQtsPdf("a number was expected at byte " + std::to_string(at));
    if (end)
        *end = i;
    return value;
}

struct Edit {
    qsizetype at;
    qsizetype length; // bytes of the old file replaced
    QByteArray with;
};

} // namespace

void PdfPageContent::splice(QByteArray& pdf)
{
    if (m_open)
        endLayer();
    if (m_layers.empty())
        return;

    // The cross-reference table: one section, "xref\n0 N\n", N entries of 20 bytes.
    const qsizetype startxref = pdf.lastIndexOf("startxref");
    if (startxref < 0)
        notQtsPdf("no startxref");
    qsizetype at = startxref + 9;
    while (at < pdf.size() && (pdf[at] == '\n' || pdf[at] == '\r' || pdf[at] == ' '))
        ++at;
    const qsizetype xref = numberAt(pdf, at);
    if (!pdf.mid(xref, 5).startsWith("xref"))
        notQtsPdf("no xref table at startxref");
    at = xref + 4;
    while (at < pdf.size() && (pdf[at] == '\n' || pdf[at] == '\r'))
        ++at;
    if (numberAt(pdf, at, &at) != 0)
        notQtsPdf("the xref table does not start at object 0");
    ++at;
    const qint64 objects = numberAt(pdf, at, &at);
    while (at < pdf.size() && (pdf[at] == '\n' || pdf[at] == '\r' || pdf[at] == ' '))
        ++at;
    const qsizetype entries = at;
    if (entries + objects * 20 > pdf.size())
        notQtsPdf("the xref table is cut short");
    std::vector<qint64> offsets(static_cast<std::size_t>(objects), -1);
    for (qint64 i = 0; i < objects; ++i) {
        const qsizetype entry = entries + i * 20;
        if (pdf[entry + 17] == 'n')
            offsets[static_cast<std::size_t>(i)] = numberAt(pdf, entry);
    }
    const qsizetype trailer = pdf.indexOf("trailer", entries + objects * 20);
    if (trailer < 0)
        notQtsPdf("no trailer");
    const auto objectAt = [&](qint64 number) {
        if (number <= 0 || number >= objects || offsets[static_cast<std::size_t>(number)] < 0)
            notQtsPdf("object " + std::to_string(number) + " is not in the xref table");
        const qsizetype offset = offsets[static_cast<std::size_t>(number)];
        const QByteArray head = QByteArray::number(number) + " 0 obj";
        if (!pdf.mid(offset, head.size()).startsWith(head))
            notQtsPdf("object " + std::to_string(number) + " is not at its offset");
        return offset;
    };

    // The page: "/Type /Page" and "/Contents K 0 R".
    qsizetype page = -1;
    for (qint64 i = 1; i < objects && page < 0; ++i) {
        const qint64 offset = offsets[static_cast<std::size_t>(i)];
        if (offset < 0)
            continue;
        const qsizetype end = pdf.indexOf("endobj", offset);
        const qsizetype type = pdf.indexOf("/Type /Page\n", offset);
        if (type >= 0 && type < end)
            page = offset;
    }
    if (page < 0)
        notQtsPdf("no page");
    const qsizetype contentsKey = pdf.indexOf("/Contents ", page);
    if (contentsKey < 0 || contentsKey > pdf.indexOf("endobj", page))
        notQtsPdf("the page has no /Contents");
    qsizetype contentsRef = contentsKey + 10;
    qsizetype contentsRefEnd = 0;
    const qint64 contents = numberAt(pdf, contentsRef, &contentsRefEnd);
    if (!pdf.mid(contentsRefEnd, 4).startsWith(" 0 R"))
        notQtsPdf("/Contents is not one reference");
    contentsRefEnd += 4;

    // Its content stream and the object holding its length.
    const qsizetype contentObject = objectAt(contents);
    const qsizetype streamKey = pdf.indexOf("stream\n", contentObject);
    const qsizetype lengthKey = pdf.indexOf("/Length ", contentObject);
    if (streamKey < 0 || lengthKey < 0 || lengthKey > streamKey)
        notQtsPdf("the content stream has no /Length");
    if (!pdf.mid(contentObject, streamKey - contentObject).contains("/FlateDecode"))
        notQtsPdf("the content stream is not deflated");
    qsizetype lengthEnd = 0;
    const qint64 lengthValue = numberAt(pdf, lengthKey + 8, &lengthEnd);
    qsizetype lengthAt = lengthKey + 8; // the digits of the length (in the dictionary, or its own object)
    qint64 length = lengthValue;
    if (pdf.mid(lengthEnd, 4).startsWith(" 0 R")) {
        const qsizetype lengthObject = objectAt(lengthValue);
        lengthAt = pdf.indexOf("obj", lengthObject) + 3;
        while (lengthAt < pdf.size() && (pdf[lengthAt] == '\n' || pdf[lengthAt] == ' ' ||
                                          pdf[lengthAt] == '\r'))
            ++lengthAt;
        length = numberAt(pdf, lengthAt, &lengthEnd);
    }
    const qsizetype data = streamKey + 7;
    if (data + length > pdf.size())
        notQtsPdf("the content stream is cut short");
    const QByteArray qtContent = inflate(pdf.mid(data, length));

    // Qt's content cut at each marker (the marker's path and its painting operator), the
    // layer's streams between "q" and "Q" in its place.
    std::vector<QByteArray> streams; // deflated, in order
    std::vector<std::future<QByteArray>> pieces;
    qsizetype from = 0;
    QByteArray before;
    for (Layer& layer : m_layers) {
        const qsizetype marker = qtContent.indexOf(layer.marker, from);
        if (marker < 0)
            notQtsPdf("a layer's marker is not in the page");
        const qsizetype op = qtContent.indexOf('\n', marker + layer.marker.size());
        if (op < 0)
            notQtsPdf("a layer's marker is not painted");
        QByteArray segment = before + qtContent.mid(from, marker - from) + "q\n";
        pieces.push_back(std::async(std::launch::deferred, [segment = std::move(segment)] {
            return deflate(segment.constData(), segment.size());
        }));
        for (auto& stream : layer.streams)
            pieces.push_back(std::move(stream));
        layer.streams.clear();
        before = "Q\n";
        from = op + 1;
    }
    {
        QByteArray segment = before + qtContent.mid(from);
        pieces.push_back(std::async(std::launch::deferred, [segment = std::move(segment)] {
            return deflate(segment.constData(), segment.size());
        }));
    }
    for (auto& piece : pieces)
        streams.push_back(piece.get());

    // The first stream in the content object, the others as new objects after the last.
    std::vector<Edit> edits;
    QByteArray contentsArray = "[" + QByteArray::number(contents) + " 0 R";
    for (std::size_t i = 1; i < streams.size(); ++i)
        contentsArray += " " + QByteArray::number(objects + static_cast<qint64>(i) - 1) + " 0 R";
    contentsArray += "]";
    edits.push_back({contentsRef, contentsRefEnd - contentsRef, contentsArray});
    edits.push_back({lengthAt, lengthEnd - lengthAt, QByteArray::number(streams[0].size())});
    edits.push_back({data, length, streams[0]});
    std::sort(edits.begin(), edits.end(),
              [](const Edit& a, const Edit& b) { return a.at < b.at; });

    qsizetype total = pdf.size();
    for (const QByteArray& stream : streams)
        total += stream.size() + 100;
    QByteArray result;
    result.reserve(total + objects * 20 + 4096);
    std::vector<qint64> moved = offsets;
    qsizetype copied = 0;
    qsizetype shift = 0;
    // Objects keep their order; each moves by what the edits before it added.
    std::vector<std::pair<qint64, std::size_t>> order;
    for (std::size_t i = 0; i < offsets.size(); ++i)
        if (offsets[i] >= 0)
            order.emplace_back(offsets[i], i);
    std::sort(order.begin(), order.end());
    std::size_t object = 0;
    for (const Edit& edit : edits) {
        while (object < order.size() && order[object].first < edit.at)
            moved[order[object++].second] += shift;
        result.append(pdf.constData() + copied, edit.at - copied);
        result.append(edit.with);
        copied = edit.at + edit.length;
        shift += edit.with.size() - edit.length;
    }
    while (object < order.size())
        moved[order[object++].second] += shift;
    result.append(pdf.constData() + copied, xref - copied);
    for (std::size_t i = 1; i < streams.size(); ++i) {
        moved.push_back(result.size());
        const qint64 number = objects + static_cast<qint64>(i) - 1;
        result.append(QByteArray::number(number) + " 0 obj\n<<\n/Length " +
                      QByteArray::number(streams[i].size()) + "\n/Filter /FlateDecode\n>>\nstream\n");
        result.append(streams[i]);
        result.append("\nendstream\nendobj\n");
    }
    const qsizetype newXref = result.size();
    const qint64 newObjects = objects + static_cast<qint64>(streams.size()) - 1;
    result.append("xref\n0 " + QByteArray::number(newObjects) + "\n");
    char entry[32];
    for (qint64 i = 0; i < newObjects; ++i) {
        if (i < objects && offsets[static_cast<std::size_t>(i)] < 0) {
            result.append(pdf.constData() + entries + i * 20, 20); // a free entry, as it was
            continue;
        }
        std::snprintf(entry, sizeof entry, "%010lld 00000 n \n",
                      static_cast<long long>(moved[static_cast<std::size_t>(i)]));
        result.append(entry, 20);
    }
    // The trailer with the new size.
    QByteArray trailerText = pdf.mid(trailer, startxref - trailer);
    const qsizetype size = trailerText.indexOf("/Size ");
    if (size < 0)
        notQtsPdf("the trailer has no /Size");
    qsizetype sizeEnd = 0;
    numberAt(trailerText, size + 6, &sizeEnd);
    trailerText.replace(size + 6, sizeEnd - size - 6, QByteArray::number(newObjects));
    result.append(trailerText);
    result.append("startxref\n" + QByteArray::number(newXref) + "\n%%EOF\n");
    pdf = std::move(result);
    m_layers.clear();
}

} // namespace parkatlas::render
