// The plots of a PDF page's polygon layers are written by ParkAtlas (pdf_content.cpp,
// PdfPageContent) instead of through QPainter and Qt's PDF engine, and spliced into the page Qt
// writes. Read back, the page's content is Qt's own byte for byte, but for a "q" before each such
// layer and a "Q" after it, the brush's opacity set once a layer and each plot closed by its
// painting operator ("b*" for Qt's closing line, "h" and "B*"), and poppler draws it the same at 600 DPI, pixel for pixel: on
// hand-made plots of several symbols (solid, dashed and unfilled, holes, repeated and nearly
// closing vertices), on the sample park's committee map and on a real zoning shapefile.

#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "app/render/map_settings.h"
#include "app/render/page_layout.h"
#include "app/render/page_renderer.h"
#include "app/render/park_page.h"
#include "app/render/pdf_content.h"
#include "app/render/role_style_book.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/park.h"
#include "geo/progress.h"

#include <QBuffer>
#include <QFile>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);
constexpr int kDpi = 600;

/// The stream of object `number` of `pdf`, inflated (read here on its own, not with the
/// splicer's reader).
QByteArray streamOf(const QByteArray& pdf, int number)
{
    const QRegularExpression head(QStringLiteral("(^|\\n)%1 0 obj\\n").arg(number));
    const QRegularExpressionMatch match = head.match(QString::fromLatin1(pdf));
    if (!match.hasMatch())
        return {};
    const qsizetype object = match.capturedEnd();
    const qsizetype stream = pdf.indexOf("stream\n", object);
    const QByteArray dictionary = pdf.mid(object, stream - object);
    const QRegularExpression lengthKey(QStringLiteral("/Length (\\d+)( 0 R)?"));
    const QRegularExpressionMatch length = lengthKey.match(QString::fromLatin1(dictionary));
    if (!length.hasMatch())
        return {};
    qsizetype size = length.captured(1).toLongLong();
    if (!length.captured(2).isEmpty()) {
        const QRegularExpression lengthObject(QStringLiteral("\\n%1 0 obj\\n(\\d+)").arg(size));
        size = lengthObject.match(QString::fromLatin1(pdf)).captured(1).toLongLong();
    }
    return PdfPageContent::inflate(pdf.mid(stream + 7, size));
}

/// The content of the one page of `pdf`: its /Contents, one stream or an array of them, read
/// as one.
QByteArray pageContent(const QByteArray& pdf, int* streams = nullptr)
{
    const QRegularExpression contents(QStringLiteral("/Contents (\\[[^\\]]*\\]|\\d+ 0 R)"));
    const QString list = contents.match(QString::fromLatin1(pdf)).captured(1);
    QByteArray content;
    int count = 0;
    const QRegularExpression reference(QStringLiteral("(\\d+) 0 R"));
    for (auto it = reference.globalMatch(list); it.hasNext(); ++count)
        content += streamOf(pdf, it.next().captured(1).toInt());
    if (streams)
        *streams = count;
    return content;
}

/// `content` with each closed subpath painted as appendPdfPolygon writes it: the line back to
/// its first point left out before "h", and "h B*" as "b*", "h S" as "s" (the same paths).
QByteArray closedShort(const QByteArray& content)
{
    const QList<QByteArray> lines = content.split('\n');
    QByteArray out;
    out.reserve(content.size());
    QByteArray start;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray& line = lines[i];
        const auto next = [&](qsizetype k) { return i + k < lines.size() ? lines[i + k] : QByteArray(); };
        const auto painted = [](const QByteArray& op) { return op == "B*" || op == "S"; };
        if (line.endsWith(" m"))
            start = line.chopped(2);
        if (line.endsWith(" l") && line.chopped(2) == start && next(1) == "h" && painted(next(2)))
            continue;
        if (line == "h" && painted(next(1))) {
            out += next(1) == "B*" ? "b*" : "s";
            ++i;
        } else {
            out += line;
        }
        if (i + 1 < lines.size())
            out += '\n';
    }
    return out;
}

/// Whether `spliced` is `qt` with `pairs` lines "q" and "Q" put in, and without Qt's
/// repetitions of one graphics state ("/GState7 gs" with each brush: see appendPdfFill); nothing
/// else differs.
::testing::AssertionResult isQtsWithQAndQ(const QByteArray& qt, const QByteArray& spliced,
                                          int pairs)
{
    qsizetype i = 0, j = 0;
    int q = 0, bigQ = 0;
    while (i < qt.size() || j < spliced.size()) {
        if (i < qt.size() && j < spliced.size() && qt[i] == spliced[j]) {
            ++i;
            ++j;
            continue;
        }
        // The brush's graphics state, set again by Qt with each brush, written once.
        if (i < qt.size() && qt.mid(i, 3) == "/GS") {
            const qsizetype end = qt.indexOf('\n', i);
            if (end > i && qt.mid(end - 3, 3) == " gs") {
                i = end + 1;
                continue;
            }
        }
        const QByteArray extra = spliced.mid(j, 2);
        if (extra == "q\n" && q == bigQ) {
            ++q;
        } else if (extra == "Q\n" && bigQ < q) {
            ++bigQ;
        } else {
            return ::testing::AssertionFailure()
                   << "differs at byte " << i << " of Qt's content: Qt '"
                   << qt.mid(std::max<qsizetype>(0, i - 80), 160).toStdString() << "', spliced '"
                   << spliced.mid(std::max<qsizetype>(0, j - 80), 160).toStdString() << "'";
        }
        j += 2;
    }
    if (q != pairs || bigQ != pairs)
        return ::testing::AssertionFailure() << q << " q and " << bigQ << " Q put in, not " << pairs;
    return ::testing::AssertionSuccess();
}

/// The page drawn by poppler at 600 DPI (a PPM image's bytes); empty when it failed.
QByteArray rendered(const QByteArray& pdf, const QString& directory, const QString& name,
                    int dpi)
{
    const QString path = directory + QLatin1Char('/') + name + QStringLiteral(".pdf");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(pdf) != pdf.size())
        return {};
    file.close();
    const QString prefix = path + QStringLiteral(".render");
    QProcess process;
    process.start(QStringLiteral("pdftoppm"),
                  {QStringLiteral("-r"), QString::number(dpi), QStringLiteral("-singlefile"), path,
                   prefix});
    if (!process.waitForFinished(120000) || process.exitCode() != 0)
        return {};
    QFile image(prefix + QStringLiteral(".ppm"));
    return image.open(QIODevice::ReadOnly) ? image.readAll() : QByteArray();
}

void expectSamePicture(const QByteArray& qt, const QByteArray& spliced, const std::string& what,
                       int dpi = kDpi)
{
    if (!hasPdftoppm())
        return;
    QTemporaryDir directory;
    ASSERT_TRUE(directory.isValid());
    const QByteArray before = rendered(qt, directory.path(), QStringLiteral("qt"), dpi);
    const QByteArray after = rendered(spliced, directory.path(), QStringLiteral("spliced"), dpi);
    ASSERT_FALSE(before.isEmpty()) << what;
    ASSERT_EQ(before.size(), after.size()) << what;
    qsizetype inked = 0, differing = 0;
    for (qsizetype i = 0; i < before.size(); ++i) {
        inked += static_cast<unsigned char>(before[i]) != 255 ? 1 : 0;
        differing += before[i] != after[i] ? 1 : 0;
    }
    EXPECT_GT(inked, 10000) << what << ": something is drawn";
    EXPECT_EQ(differing, 0) << what << ": bytes of the 600-DPI picture that differ";
}

/// The layers of `settings` on a page of exactly its output size at 600 DPI, through Qt's
/// engine (`content` null) or with the polygon layers written by PdfPageContent and spliced.
QByteArray writePdf(const MapSettings& settings, PdfPageContent* content)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setResolution(kDpi);
        const QSize size = settings.outputSize();
        writer.setPageSize(QPageSize(
            QSizeF(size.width() * 25.4 / kDpi, size.height() * 25.4 / kDpi), QPageSize::Millimeter));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter(&writer);
        // As on a page: the map moved into its frame and clipped to it.
        painter.translate(0.5, 0.25);
        painter.setClipRect(QRectF(QPointF(0, 0), QSizeF(size)));
        std::vector<std::string> errors;
        const geo::CancelFlag never;
        MapRenderer(settings).paint(painter, never, errors, nullptr, nullptr, content);
        painter.end();
        EXPECT_TRUE(errors.empty());
    }
    QByteArray pdf = buffer.buffer();
    if (content)
        content->splice(pdf);
    return pdf;
}

/// Both ways; the same page.
void expectSplicedIsQts(const MapSettings& settings, int polygonLayers, const std::string& what)
{
    const QByteArray qt = writePdf(settings, nullptr);
    PdfPageContent content;
    const QByteArray spliced = writePdf(settings, &content);
    int streams = 0;
    const QByteArray qtContent = pageContent(qt);
    const QByteArray splicedContent = pageContent(spliced, &streams);
    ASSERT_FALSE(qtContent.isEmpty()) << what;
    EXPECT_GE(streams, 1 + 2 * polygonLayers) << what << ": Qt's parts and the layers' streams";
    EXPECT_TRUE(isQtsWithQAndQ(closedShort(qtContent), closedShort(splicedContent), polygonLayers))
        << what;
    expectSamePicture(qt, spliced, what);
}

} // namespace

TEST(PdfContentTest, NumbersAndPolygonsAreWrittenAsQtWritesThem)
{
    // Points of every kind Qt's writer treats apart: whole, cut decimals, negative, tiny, near
    // 32 bits, repeats (left out), and a last point a hair from the first (made the first).
    // (Past 32 bits, never on a page, Qt 6.4 wraps the number; it is written as 0 here.)
    const std::vector<QPolygonF> polygons = {
        {QPointF(10, 20), QPointF(30, 20), QPointF(30, 40), QPointF(10, 20)},
        {QPointF(0.5, 1234.56789), QPointF(-3.000000001, 7.1), QPointF(-3.000000001, 7.1),
         QPointF(1e-10, -0.25), QPointF(99999.999999999, 3)},
        {QPointF(4e9, 1), QPointF(-4e9, 2), QPointF(0.1 + 0.2, 1.0 / 3)},
        {QPointF(100, 100), QPointF(200, 100), QPointF(200, 200),
         QPointF(100 + 1e-13, 100 - 1e-13)},
        {QPointF(0, 0), QPointF(0, 0)},
        {QPointF(-0.0, 12345678.9), QPointF(4294967295.0, 0.999999999999)},
    };
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        QPainter painter(&writer);
        painter.setPen(QPen(QColor(10, 200, 30), 1.5, Qt::DashLine, Qt::FlatCap, Qt::MiterJoin));
        painter.setBrush(QColor(250, 128, 3));
        for (const QPolygonF& polygon : polygons)
            painter.drawPolygon(polygon, Qt::OddEvenFill);
    }
    const QByteArray qt = pageContent(buffer.buffer());
    QByteArray ours;
    appendPdfFill(ours, QColor(250, 128, 3));
    ours += "/GSa gs\n";
    appendPdfStroke(ours, QPen(QColor(10, 200, 30), 1.5, Qt::DashLine, Qt::FlatCap, Qt::MiterJoin));
    for (const QPolygonF& polygon : polygons) {
        appendPdfPolygonPath(ours, polygon.constData(), polygon.size());
        ours += "B*\n";
    }
    EXPECT_TRUE(qt.contains(ours)) << "Qt:\n" << qt.toStdString() << "\nours:\n" << ours.toStdString();

    QByteArray numbers;
    for (const double value : {0.0, 7.0, -7.0, 0.5, 1234.56789, 0.784313725490196, 1e-12, 5e9})
        appendPdfNumber(numbers, value);
    EXPECT_EQ(numbers.toStdString(),
              "0 7 -7 0.500000000 1234.56789 0.784313725 0 0 ");
}

TEST(PdfContentTest, HandMadePlotsOfSeveralSymbolsAreQtsPage)
{
    // 40-pixel plots in four classes: two fills under one solid outline, a dashed outline, and
    // an outline without fill; some with holes, repeats and vertices along their edges.
    std::vector<Feature> features;
    auto classes = std::make_shared<std::vector<std::uint16_t>>();
    for (int row = 0; row < 8; ++row)
        for (int column = 0; column < 10; ++column) {
            const double x0 = 20 + 60.0 * column, y0 = 20 + 60.0 * row;
            Ring ring;
            for (double x = x0; x < x0 + 40; x += 5)
                ring.push_back({x, y0});
            ring.push_back({x0 + 40, y0});
            ring.push_back({x0 + 40, y0}); // a repeat
            ring.push_back({x0 + 40, y0 + 40});
            ring.push_back({x0 + 20, y0 + 40});
            ring.push_back({x0 + 20, y0 + 50}); // a spike out and back
            ring.push_back({x0 + 20, y0 + 40});
            ring.push_back({x0, y0 + 40});
            ring.push_back({x0, y0});
            Part part = {ring};
            if ((row + column) % 3 == 0)
                part.push_back(square(x0 + 10, y0 + 10, x0 + 25, y0 + 25));
            Feature feature = {part};
            if ((row * 10 + column) % 7 == 0) // a second part
                feature.push_back({square(x0 + 42, y0 + 42, x0 + 48, y0 + 48)});
            features.push_back(feature);
            // Runs of one class, and changes (also back to a class seen before).
            classes->push_back(static_cast<std::uint16_t>((row * 10 + column) / 3 % 4));
        }
    const auto layer = makeLayer("plots", geo::GeometryKind::Polygon, features);
    LayerStyle style = LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0);
    style.fill = QColor(200, 160, 120);
    style.stroke = QColor(60, 60, 60);
    Symbol a = style, b = style, c = style, d = style;
    a.fill = QColor(230, 120, 90);
    b.fill = QColor(90, 160, 230);
    c.strokeStyle = Qt::DashLine;
    c.strokeWidth = 1.7;
    d.fill = Qt::transparent;
    d.stroke = QColor(200, 0, 0);
    style.classes = {a, b, c, d};
    style.featureClass = classes;
    expectSplicedIsQts(
        MapSettings({0, 0, 900, 700}, QSize(900, 700), kDpi, Qt::white, {LayerSnapshot(layer, style)}),
        1, "hand-made plots");
}

TEST(PdfContentTest, TheSampleParkIsQtsPage)
{
    const std::string gpkg = PARKATLAS_SAMPLE_DIR "/park.gpkg";
    if (!std::filesystem::exists(gpkg))
        GTEST_SKIP() << "sample park not generated";
    geo::IssueList issues;
    const geo::Park park = geo::loadPark(geo::discoverPark(gpkg), {}, issues);
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    for (const geo::ParkLayer& layer : park.layers)
        if (layer.role == geo::Role::Parcels || layer.role == geo::Role::PlanZones)
            layers.push_back(layer.layer);
    ASSERT_EQ(layers.size(), 2u);
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const std::vector<LayerSnapshot> snapshots = book.styleLayers(layers);
    geo::Envelope extent = layers[0]->geometry.extent();
    extent.expand(layers[1]->geometry.extent());
    expectSplicedIsQts(MapSettings(extent, QSize(900, 700), kDpi, Qt::white, snapshots, park.crs),
                       2, "the sample park whole");
    expectSplicedIsQts(
        MapSettings(quarterOf(extent), QSize(900, 700), kDpi, Qt::white, snapshots, park.crs), 2,
        "a quarter of the sample park");
}

TEST(PdfContentTest, TheSampleCommitteeMapIsQtsPage)
{
    const std::string gpkg = PARKATLAS_SAMPLE_DIR "/park.gpkg";
    if (!std::filesystem::exists(gpkg))
        GTEST_SKIP() << "sample park not generated";
    geo::IssueList issues;
    const auto park = std::make_shared<const geo::Park>(
        geo::loadPark(geo::discoverPark(gpkg), {}, issues));
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    PageLayout layout;
    layout.date = QStringLiteral("2026年12月");
    const PageRenderer page = parkPage(park, layout, book, ParkPageOptions{}, issues);
    QTemporaryDir directory;
    ASSERT_TRUE(directory.isValid());
    const auto write = [&](const char* name) {
        const QString path = directory.filePath(QString::fromLatin1(name));
        page.exportTo(path, PageFormat::Pdf, 300);
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    qputenv("PARKATLAS_PDF_THROUGH_QT", "1");
    const QByteArray qt = write("qt.pdf");
    qunsetenv("PARKATLAS_PDF_THROUGH_QT");
    const QByteArray spliced = write("spliced.pdf");
    int streams = 0;
    const QByteArray qtContent = pageContent(qt);
    const QByteArray splicedContent = pageContent(spliced, &streams);
    EXPECT_GT(streams, 1);
    // Its polygon layers, each between "q" and "Q"; everything else as Qt wrote it.
    const int layers = static_cast<int>(splicedContent.count("q\n") - qtContent.count("q\n"));
    EXPECT_GE(layers, 1);
    EXPECT_TRUE(isQtsWithQAndQ(closedShort(qtContent), closedShort(splicedContent), layers));
    // A whole A3 page: at 150 DPI within the test's time (the bench draws the 1M page at 600).
    expectSamePicture(qt, spliced, "the sample committee map", 150);
}

TEST(PdfContentTest, ARealZoningShapefileIsQtsPage)
{
    const std::string path =
        PARKATLAS_REALDATA "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "real data not here: " << path;
    geo::IssueList issues;
    auto layer = std::make_shared<const geo::Layer>(
        geo::readLayer({path, ""}, geo::ReadOptions{}, issues));
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const std::vector<LayerSnapshot> snapshots = book.styleLayers({layer});
    const geo::Envelope extent = layer->geometry.extent();
    expectSplicedIsQts(MapSettings(extent, QSize(900, 700), kDpi, Qt::white, snapshots, layer->crs),
                       1, "Rockbridge zoning whole");
    expectSplicedIsQts(
        MapSettings(quarterOf(extent), QSize(900, 700), kDpi, Qt::white, snapshots, layer->crs), 1,
        "a quarter of Rockbridge zoning");
}
