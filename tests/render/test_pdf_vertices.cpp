// A vector page is written without the vertices that change nothing drawn (map_renderer.cpp,
// dropStraightVertices: the repeats and the vertices straight between their neighbours on the
// 600-DPI grid). Read back by poppler at the page's own resolution, it is the same picture, pixel
// for pixel, as the page with every vertex (PARKATLAS_PDF_EVERY_VERTEX=1, the writer as it was),
// and it is smaller: on the sample park and on a real zoning shapefile.

#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "app/render/map_settings.h"
#include "app/render/role_style_book.h"
#include "geo/progress.h"
#include "geo/io/source.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/model/park.h"

#include <QFile>
#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QProcess>
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

/// The layers of `settings` on a page of exactly its output size at 600 DPI.
void writePdf(const MapSettings& settings, const QString& path)
{
    QPdfWriter writer(path);
    writer.setResolution(kDpi);
    const QSize size = settings.outputSize();
    writer.setPageSize(QPageSize(QSizeF(size.width() * 25.4 / kDpi, size.height() * 25.4 / kDpi),
                                 QPageSize::Millimeter));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    QPainter painter(&writer);
    std::vector<std::string> errors;
    const geo::CancelFlag never;
    MapRenderer(settings).paint(painter, never, errors);
    painter.end();
    EXPECT_TRUE(errors.empty());
}

/// The page drawn by poppler at 600 DPI (a PPM image's bytes); empty when it failed.
QByteArray rendered(const QString& pdf)
{
    const QString prefix = pdf + QStringLiteral(".render");
    QProcess process;
    process.start(QStringLiteral("pdftoppm"),
                  {QStringLiteral("-r"), QString::number(kDpi), QStringLiteral("-singlefile"), pdf,
                   prefix});
    if (!process.waitForFinished(120000) || process.exitCode() != 0)
        return {};
    QFile image(prefix + QStringLiteral(".ppm"));
    return image.open(QIODevice::ReadOnly) ? image.readAll() : QByteArray();
}

/// Writes `settings` with and without every vertex; both must draw the same pixels, and the page
/// without the straight vertices must be smaller (or, where `shrinks` is false, no bigger: a
/// view of a few big plots may have no straight vertex at all).
void expectSamePageSmaller(const MapSettings& settings, const std::string& what,
                           bool shrinks = true)
{
    QTemporaryDir directory;
    ASSERT_TRUE(directory.isValid());
    const QString every = directory.filePath(QStringLiteral("every.pdf"));
    const QString dropped = directory.filePath(QStringLiteral("dropped.pdf"));
    qputenv("PARKATLAS_PDF_EVERY_VERTEX", "1");
    writePdf(settings, every);
    qunsetenv("PARKATLAS_PDF_EVERY_VERTEX");
    writePdf(settings, dropped);
    if (shrinks) {
        EXPECT_LT(QFileInfo(dropped).size(), QFileInfo(every).size()) << what;
    } else {
        EXPECT_LE(QFileInfo(dropped).size(), QFileInfo(every).size()) << what;
    }
    const QByteArray before = rendered(every);
    const QByteArray after = rendered(dropped);
    ASSERT_FALSE(before.isEmpty()) << what;
    ASSERT_EQ(before.size(), after.size()) << what;
    // Something was drawn: not a white page.
    qsizetype inked = 0;
    for (qsizetype i = before.size() - 3 * qsizetype(settings.outputSize().width()) *
                                            settings.outputSize().height();
         i < before.size(); ++i)
        inked += static_cast<unsigned char>(before[i]) != 255 ? 1 : 0;
    EXPECT_GT(inked, 10000) << what;
    qsizetype differing = 0;
    for (qsizetype i = 0; i < before.size(); ++i)
        differing += before[i] != after[i] ? 1 : 0;
    EXPECT_EQ(differing, 0) << what << ": bytes of the 600-DPI picture that differ";
}

} // namespace

TEST(PdfVerticesTest, TheSampleParkDrawsTheSameWithoutItsStraightVertices)
{
    const std::string gpkg = PARKATLAS_SAMPLE_DIR "/park.gpkg";
    if (!std::filesystem::exists(gpkg))
        GTEST_SKIP() << "sample park not generated";
    if (!hasPdftoppm())
        GTEST_SKIP() << "pdftoppm (poppler-utils) is missing";
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
    // The whole park small (plots of a few pixels, as on the 1M committee map), and a quarter of
    // it larger.
    expectSamePageSmaller(MapSettings(extent, QSize(900, 700), kDpi, Qt::white, snapshots, park.crs),
                          "the sample park whole", false);
    expectSamePageSmaller(
        MapSettings(quarterOf(extent), QSize(900, 700), kDpi, Qt::white, snapshots, park.crs),
        "a quarter of the sample park", false);
}

TEST(PdfVerticesTest, PlotsWithVerticesAlongTheirEdgesDrawTheSameWithoutThem)
{
    if (!hasPdftoppm())
        GTEST_SKIP() << "pdftoppm (poppler-utils) is missing";
    // One map unit a pixel: 40-pixel plots whose edges carry vertices every 5 pixels (straight
    // between their neighbours), repeats, a closing vertex, a spike that turns back (kept) and
    // a hole; outlined solid and dashed.
    std::vector<Feature> features;
    for (int row = 0; row < 8; ++row)
        for (int column = 0; column < 10; ++column) {
            const double x0 = 20 + 60.0 * column, y0 = 20 + 60.0 * row;
            Ring ring;
            for (double x = x0; x < x0 + 40; x += 5)
                ring.push_back({x, y0});
            ring.push_back({x0 + 40, y0});
            ring.push_back({x0 + 40, y0}); // a repeat
            for (double y = y0 + 5; y <= y0 + 40; y += 5)
                ring.push_back({x0 + 40, y});
            ring.push_back({x0 + 20, y0 + 40});
            ring.push_back({x0 + 20, y0 + 50}); // a spike out and back
            ring.push_back({x0 + 20, y0 + 40});
            ring.push_back({x0, y0 + 40});
            ring.push_back({x0, y0 + 20});
            ring.push_back({x0, y0});
            Part part = {ring};
            if ((row + column) % 3 == 0)
                part.push_back(square(x0 + 10, y0 + 10, x0 + 25, y0 + 25));
            features.push_back({part});
        }
    const auto layer = makeLayer("plots", geo::GeometryKind::Polygon, features);
    for (const Qt::PenStyle outline : {Qt::SolidLine, Qt::DashLine}) {
        LayerStyle style = LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0);
        style.fill = QColor(200, 160, 120);
        style.stroke = QColor(60, 60, 60);
        style.strokeWidth = 1.2;
        style.strokeStyle = outline;
        expectSamePageSmaller(MapSettings({0, 0, 900, 700}, QSize(900, 700), kDpi, Qt::white,
                                          {LayerSnapshot(layer, style)}),
                              outline == Qt::SolidLine ? "solid outlines" : "dashed outlines");
    }
}

TEST(PdfVerticesTest, ARealZoningShapefileDrawsTheSameWithoutItsStraightVertices)
{
    const std::string path =
        PARKATLAS_REALDATA "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "real data not here: " << path;
    if (!hasPdftoppm())
        GTEST_SKIP() << "pdftoppm (poppler-utils) is missing";
    geo::IssueList issues;
    auto layer = std::make_shared<const geo::Layer>(
        geo::readLayer({path, ""}, geo::ReadOptions{}, issues));
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const std::vector<LayerSnapshot> snapshots = book.styleLayers({layer});
    const geo::Envelope extent = layer->geometry.extent();
    expectSamePageSmaller(
        MapSettings(extent, QSize(900, 700), kDpi, Qt::white, snapshots, layer->crs),
        "Rockbridge zoning whole");
    expectSamePageSmaller(
        MapSettings(quarterOf(extent), QSize(900, 700), kDpi, Qt::white, snapshots, layer->crs),
        "a quarter of Rockbridge zoning");
}
