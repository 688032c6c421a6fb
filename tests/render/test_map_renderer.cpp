#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/progress.h"

#include <QDir>
#include <QFileInfo>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

geo::Envelope envelope(double minX, double minY, double maxX, double maxY)
{
    geo::Envelope e;
    e.minX = minX;
    e.minY = minY;
    e.maxX = maxX;
    e.maxY = maxY;
    return e;
}

const QColor kBackground(255, 255, 255);

/// 200 × 200 pixels over map 0..200 × 0..200: one map unit a pixel, so map (x, y) is pixel
/// (x, 200 - y).
MapSettings settingsFor(std::vector<LayerSnapshot> layers)
{
    return MapSettings(envelope(0, 0, 200, 200), QSize(200, 200), 96, kBackground,
                       std::move(layers));
}

QRgb pixelAtMap(const QImage& image, double x, double y)
{
    return image.pixel(static_cast<int>(x), static_cast<int>(200 - y));
}

/// The scene of the control image: a polygon with a hole, a two-part polygon, a two-part line
/// and three points, in the default styles of their kinds.
std::vector<LayerSnapshot> controlScene()
{
    auto polygons = makeLayer("parcels", geo::GeometryKind::Polygon,
                              {{{square(20, 20, 120, 120), square(50, 50, 90, 90)}},
                               {{{{130, 130}, {190, 130}, {160, 190}, {130, 130}}},
                                {{{140, 20}, {190, 20}, {190, 70}, {140, 20}}}}});
    auto lines = makeLayer("roads", geo::GeometryKind::Line,
                           {{{{{10, 190}, {100, 150}, {190, 100}}}},
                            {{{{10, 10}, {60, 140}}}, {{{100, 5}, {195, 5}}}}});
    auto points = makeLayer("facilities", geo::GeometryKind::Point,
                            {{{{{30, 170}}}}, {{{{70, 70}}}}, {{{{165, 45}}}, {{{175, 150}}}}});
    return {{polygons, LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0)},
            {lines, LayerStyle::defaultFor(geo::GeometryKind::Line, 1)},
            {points, LayerStyle::defaultFor(geo::GeometryKind::Point, 2)}};
}

} // namespace

TEST(MapRendererTest, FillsAPolygonAndLeavesItsHoleAndTheOutsideEmpty)
{
    auto layer = makeLayer("parcel", geo::GeometryKind::Polygon,
                           {{{square(20, 20, 180, 180), square(80, 80, 120, 120)}}});
    LayerStyle style;
    style.fill = QColor(255, 0, 0);
    style.stroke = QColor(0, 0, 255);
    style.strokeWidth = 3;
    const RenderResult result = MapRenderer(settingsFor({{layer, style}})).render();
    ASSERT_FALSE(result.cancelled);
    ASSERT_EQ(result.image.size(), QSize(200, 200));
    EXPECT_TRUE(result.errors.empty());
    EXPECT_EQ(result.featuresDrawn, 1u);

    EXPECT_EQ(pixelAtMap(result.image, 50, 50), qRgb(255, 0, 0)) << "inside the polygon";
    EXPECT_EQ(pixelAtMap(result.image, 150, 100), qRgb(255, 0, 0)) << "inside, right of hole";
    EXPECT_EQ(pixelAtMap(result.image, 100, 100), kBackground.rgb()) << "inside the hole";
    EXPECT_EQ(pixelAtMap(result.image, 10, 10), kBackground.rgb()) << "outside";
    EXPECT_EQ(pixelAtMap(result.image, 190, 190), kBackground.rgb()) << "outside";
    EXPECT_EQ(pixelAtMap(result.image, 20, 100), qRgb(0, 0, 255)) << "on the outline";
    EXPECT_EQ(pixelAtMap(result.image, 80, 100), qRgb(0, 0, 255)) << "on the hole's outline";
}

TEST(MapRendererTest, DrawsLinesAndPointsInTheirStyle)
{
    LayerStyle lineStyle;
    lineStyle.stroke = QColor(0, 128, 0);
    lineStyle.strokeWidth = 4;
    LayerStyle pointStyle;
    pointStyle.fill = QColor(200, 0, 200);
    pointStyle.stroke = QColor(200, 0, 200);
    pointStyle.pointDiameter = 10;
    auto line = makeLayer("road", geo::GeometryKind::Line, {{{{{10, 100}, {190, 100}}}}});
    auto point = makeLayer("well", geo::GeometryKind::Point, {{{{{50, 150}}}}});
    const RenderResult result =
        MapRenderer(settingsFor({{line, lineStyle}, {point, pointStyle}})).render();
    EXPECT_EQ(pixelAtMap(result.image, 100, 100.5), qRgb(0, 128, 0));
    EXPECT_EQ(pixelAtMap(result.image, 100, 110), kBackground.rgb());
    EXPECT_EQ(pixelAtMap(result.image, 50, 150), qRgb(200, 0, 200));
    EXPECT_EQ(pixelAtMap(result.image, 50, 170), kBackground.rgb());
}

TEST(MapRendererTest, SkipsFeaturesOutsideTheExtentAndSmallerThanHalfAPixel)
{
    auto layer = makeLayer("parcels", geo::GeometryKind::Polygon,
                           {{{square(10, 10, 30, 30)}},           // drawn
                            {{square(500, 500, 520, 520)}},       // outside
                            {{square(100, 100, 100.2, 100.2)}}}); // 0.2 px
    const RenderResult result =
        MapRenderer(settingsFor({{layer, LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0)}}))
            .render();
    EXPECT_EQ(result.featuresDrawn, 1u);
}

TEST(MapRendererTest, MatchesTheControlImageWithinTolerance)
{
    // Tolerance: a channel may differ by up to 24 of 255 (antialiasing differs between Qt
    // builds and CPUs), and up to 0.5 % of the pixels may differ by more (edge pixels).
    constexpr int kChannelTolerance = 24;
    constexpr double kAllowedShare = 0.005;
    const RenderResult result = MapRenderer(settingsFor(controlScene())).render();
    ASSERT_FALSE(result.image.isNull());
    const QString controlPath = QStringLiteral(PARKATLAS_CONTROL_IMAGES "/control_scene.png");
    if (qEnvironmentVariableIsSet("PARKATLAS_UPDATE_CONTROL_IMAGES")) {
        ASSERT_TRUE(result.image.save(controlPath));
        GTEST_SKIP() << "control image rewritten: " << controlPath.toStdString();
    }
    const QImage expected(controlPath);
    ASSERT_FALSE(expected.isNull()) << "missing control image " << controlPath.toStdString();
    const ImageDifference difference = compareImages(result.image, expected, kChannelTolerance);
    ASSERT_GE(difference.differingPixels, 0) << "sizes differ";
    const double share = static_cast<double>(difference.differingPixels) / (200.0 * 200.0);
    if (share > kAllowedShare) {
        QDir().mkpath(QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT));
        result.image.save(QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT "/control_scene.png"));
        difference.diff.save(
            QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT "/control_scene_diff.png"));
    }
    EXPECT_LE(share, kAllowedShare)
        << difference.differingPixels << " pixels differ by more than " << kChannelTolerance
        << " (largest " << difference.largestChannelDifference << "); see "
        << PARKATLAS_RENDER_TEST_OUTPUT;
}

TEST(MapRendererTest, ACancelledRenderStopsBeforeTheFirstFeature)
{
    const geo::CancelFlag cancel;
    cancel.cancel();
    const RenderResult result = MapRenderer(settingsFor(controlScene())).render(cancel);
    EXPECT_TRUE(result.cancelled);
    EXPECT_EQ(result.featuresDrawn, 0u);
}

TEST(MapRendererTest, InvalidSettingsGiveAnErrorNotACrash)
{
    const MapSettings settings(envelope(0, 0, 10, 10), QSize(0, 0), 96, kBackground,
                               controlScene());
    const RenderResult result = MapRenderer(settings).render();
    EXPECT_TRUE(result.image.isNull());
    EXPECT_FALSE(result.errors.empty());
}

TEST(MapRendererTest, DrawsTheTownshipsOfARealShapefile)
{
    const std::string path = PARKATLAS_REALDATA "/china/arcgis-engine-practice/townshp.shp";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "real data not here: " << path;
    geo::IssueList issues;
    geo::ReadOptions options;
    auto layer = std::make_shared<const geo::Layer>(geo::readLayer({path, ""}, options, issues));
    ASSERT_EQ(layer->featureCount(), 73u);
    const std::vector<LayerSnapshot> layers = {
        {layer, LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0)}};
    const MapSettings settings(combinedExtent(layers), QSize(200, 200), 96, kBackground, layers,
                               layer->crs);
    const RenderResult result = MapRenderer(settings).render();
    EXPECT_EQ(result.featuresDrawn, 73u);
    // The townships cover roughly a third of a square around them.
    const double covered = nonBackgroundShare(result.image, kBackground.rgb());
    EXPECT_GT(covered, 0.2);
    EXPECT_LT(covered, 0.8);
}

TEST(MapRendererTest, AStyleScaleLimitsDrawOutlinesOnlyThenNothing)
{
    // A 100 m square in EPSG:4547 drawn red with a black outline, outlines only beyond
    // 1:10 000 and not at all beyond 1:25 000 (the buildings' defaults in styles/roles.json).
    const double x0 = 500000, y0 = 3375000;
    auto layer = makeLayer("buildings", geo::GeometryKind::Polygon,
                           {{{square(x0, y0, x0 + 100, y0 + 100)}}});
    LayerStyle style = LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0);
    style.fill = QColor(255, 0, 0);
    style.stroke = QColor(0, 0, 0);
    style.strokeWidth = 1;
    style.fillMaxScaleDenominator = 10000;
    style.maxScaleDenominator = 25000;
    const geo::Crs crs = geo::Crs::fromEpsg(4547);
    auto renderAt = [&](double scale) {
        // 200 px at 96 DPI showing the square's centre at 1:scale.
        const double half = 100 * scale * 0.0254 / 96;
        const double cx = x0 + 50, cy = y0 + 50;
        const MapSettings settings(envelope(cx - half, cy - half, cx + half, cy + half),
                                   QSize(200, 200), 96, kBackground, {LayerSnapshot(layer, style)},
                                   crs);
        EXPECT_NEAR(settings.scaleDenominator(), scale, scale * 1e-6);
        return MapRenderer(settings).render().image;
    };
    const QImage near = renderAt(5000);
    EXPECT_EQ(near.pixel(100, 100), qRgb(255, 0, 0)) << "filled at 1:5 000";
    const QImage middle = renderAt(20000);
    EXPECT_EQ(middle.pixel(100, 100), kBackground.rgb()) << "no fill at 1:20 000";
    EXPECT_GT(nonBackgroundShare(middle, kBackground.rgb()), 0.0) << "but its outline";
    EXPECT_EQ(nonBackgroundShare(renderAt(25000), kBackground.rgb()) > 0, true)
        << "1:25 000 itself is drawn";
    EXPECT_EQ(nonBackgroundShare(renderAt(50000), kBackground.rgb()), 0.0)
        << "nothing beyond 1:25 000";
}
