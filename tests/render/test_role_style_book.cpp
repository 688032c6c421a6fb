#include "render_test_support.h"

#include "app/render/hit_test.h"
#include "app/render/map_renderer.h"
#include "app/render/role_style_book.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <QDir>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);
const std::string kSamplePark = PARKATLAS_SAMPLE_DIR "/park.gpkg";

bool haveLandUse()
{
    return QFile::exists(kStyles + QStringLiteral("/landuse.json"));
}

/// A layer with one text field `field` holding `values`, one unit square per feature.
std::shared_ptr<const geo::Layer> layerWithValues(const std::string& name, geo::GeometryKind kind,
                                                  const std::string& field,
                                                  const std::vector<std::string>& values)
{
    std::vector<Feature> features;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double x = static_cast<double>(i) * 2;
        if (kind == geo::GeometryKind::Polygon)
            features.push_back({{square(x, 0, x + 1, 1)}});
        else
            features.push_back({{{{x, 0}, {x + 1, 1}}}});
    }
    auto built = makeLayer(name, kind, features);
    auto layer = std::make_shared<geo::Layer>(*built);
    layer->attributes.setFields({{field, geo::FieldType::String}});
    for (const std::string& value : values) {
        if (value.empty())
            layer->attributes.setUnknown(0);
        else
            layer->attributes.setText(0, value);
        layer->attributes.commitRow();
    }
    return layer;
}

} // namespace

TEST(RoleStyleBookTest, RecognisesRolesByLayerNameThenByFileStem)
{
    geo::Layer layer;
    layer.name = "parcels";
    EXPECT_EQ(roleOfLayer(layer), geo::Role::Parcels);
    layer.name = "Layer_1";
    layer.sourcePath = "/data/园区/管网.shp";
    EXPECT_EQ(roleOfLayer(layer), geo::Role::Pipelines);
    layer.sourcePath = "/data/other.shp";
    EXPECT_EQ(roleOfLayer(layer), std::nullopt);
}

TEST(RoleStyleBookTest, LoadsTheShippedRoleStylesWithoutProblems)
{
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    EXPECT_TRUE(book.hasRoleStyles());
    if (haveLandUse()) {
        EXPECT_TRUE(book.problems().isEmpty()) << book.problems().join('\n').toStdString();
    }
}

TEST(RoleStyleBookTest, PipelinesTakeTheColourOfTheirKind)
{
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const LayerSnapshot snapshot =
        book.snapshotFor(layerWithValues("pipelines", geo::GeometryKind::Line, "kind",
                                         {"给水", "污水", "消防", "雨水", "燃气", "未列出", ""}));
    EXPECT_EQ(snapshot.role, geo::Role::Pipelines);
    const LayerStyle& style = snapshot.style;
    EXPECT_EQ(style.symbolFor(0).stroke, QColor("#1f78b4")) << "给水 blue";
    EXPECT_EQ(style.symbolFor(1).stroke, QColor("#8c510a")) << "污水 brown";
    EXPECT_EQ(style.symbolFor(2).strokeStyle, Qt::DashLine) << "消防 dashed";
    EXPECT_EQ(style.symbolFor(3).stroke, QColor("#33a02c")) << "雨水 green";
    EXPECT_EQ(style.symbolFor(4).stroke, QColor("#e6c200")) << "燃气 yellow";
    EXPECT_EQ(&style.symbolFor(5), static_cast<const Symbol*>(&style)) << "unlisted: base";
    EXPECT_EQ(&style.symbolFor(6), static_cast<const Symbol*>(&style)) << "unknown: base";
}

TEST(RoleStyleBookTest, ParcelsAreFilledByLandUseWithAncestorsAndAFallback)
{
    if (!haveLandUse())
        GTEST_SKIP() << "styles/landuse.json not here";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    // A child code no table lists takes its parent's colour, by structure.
    EXPECT_TRUE(book.landUseColour("M1").isValid());
    EXPECT_EQ(book.landUseColour("M19"), book.landUseColour("M1"));
    EXPECT_EQ(book.landUseColour("10019999"), book.landUseColour("100199"));
    EXPECT_EQ(book.landUseColour(" m1 一类工业 "), book.landUseColour("M1"));
    EXPECT_FALSE(book.landUseColour("QQ").isValid());

    // The code field found through its survey alias (YDDM = land_use).
    const LayerSnapshot snapshot = book.snapshotFor(
        layerWithValues("宗地", geo::GeometryKind::Polygon, "YDDM", {"M1", "QQ", "xx", "1001"}));
    ASSERT_EQ(snapshot.role, geo::Role::Parcels);
    const LayerStyle& style = snapshot.style;
    EXPECT_EQ(style.classField, QStringLiteral("YDDM"));
    EXPECT_EQ(style.symbolFor(0).fill.rgb(), book.landUseColour("M1").rgb());
    EXPECT_TRUE(style.symbolFor(0).label.startsWith("M1 "));
    EXPECT_EQ(style.symbolFor(1).fill, style.fill) << "unknown code: the fallback colour";
    EXPECT_EQ(style.symbolFor(2).fill, style.fill) << "masked value: the fallback colour";
    EXPECT_EQ(style.symbolFor(3).fill.rgb(), book.landUseColour("1001").rgb());
}

TEST(RoleStyleBookTest, DeclaredClassificationNamesTheCodesInItsOwnSystem)
{
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    // 0601 and 1001 mean different things in GB/T 21010-2017 and the 2023 guide: the legend
    // follows what the layer is declared in, not the first table that lists the code.
    auto labels = [&](const std::string& classification) {
        const LayerSnapshot snapshot = book.snapshotFor(
            layerWithValues("宗地", geo::GeometryKind::Polygon, "land_use", {"0601", "1001"}),
            geo::Role::Parcels, {}, 0, classification);
        return std::make_pair(snapshot.style.symbolFor(0).label, snapshot.style.symbolFor(1).label);
    };
    const auto [cadastre0601, cadastre1001] = labels("GB/T 21010-2017");
    EXPECT_TRUE(cadastre0601.contains(QStringLiteral("工业用地"))) << cadastre0601.toStdString();
    EXPECT_TRUE(cadastre1001.contains(QStringLiteral("铁路用地"))) << cadastre1001.toStdString();
    const auto [plan0601, plan1001] = labels("GTKJ-2023");
    EXPECT_TRUE(plan0601.contains(QStringLiteral("乡村道路用地"))) << plan0601.toStdString();
    EXPECT_TRUE(plan1001.contains(QStringLiteral("工业用地"))) << plan1001.toStdString();
    EXPECT_FALSE(plan1001.contains(QStringLiteral("铁路"))) << plan1001.toStdString();
}

TEST(RoleStyleBookTest, LayersAreOrderedByRolePlanZonesFirstBoundaryLast)
{
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    for (const char* name :
         {"boundary", "facilities", "pipelines", "roads", "protected", "buildings", "idle_land",
          "acquisition", "parcels", "plan_zones", "unknown_polygons"})
        layers.push_back(
            layerWithValues(name,
                            std::string(name) == "roads" || std::string(name) == "pipelines"
                                ? geo::GeometryKind::Line
                                : geo::GeometryKind::Polygon,
                            "kind", {"x"}));
    std::vector<std::string> order;
    for (const LayerSnapshot& snapshot : book.styleLayers(layers))
        order.push_back(snapshot.layer->name);
    EXPECT_EQ(order, (std::vector<std::string>{"plan_zones", "parcels", "acquisition", "idle_land",
                                               "buildings", "unknown_polygons", "protected",
                                               "roads", "pipelines", "facilities", "boundary"}));
}

TEST(RoleStyleBookTest, RoadsAreDrawnAtTheirGroundWidthWhenCloseEnough)
{
    auto layer = std::make_shared<geo::Layer>(
        *makeLayer("roads", geo::GeometryKind::Line, {{{{{0, 100}, {200, 100}}}}}));
    layer->crs = geo::Crs::fromEpsg(4547);
    layer->attributes.setFields({{"width_m", geo::FieldType::Real}});
    layer->attributes.setReal(0, 40);
    layer->attributes.commitRow();
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const LayerSnapshot snapshot = book.snapshotFor(layer);
    ASSERT_TRUE(snapshot.style.featureWidthMapUnits);
    // 1 m a pixel: the road is 40 px wide; at 100 m a pixel, a hairline.
    geo::Envelope near{0, 0, 200, 200};
    const QImage close =
        MapRenderer(MapSettings(near, QSize(200, 200), 96, Qt::white, {snapshot})).render().image;
    EXPECT_NE(close.pixel(100, 100 + 15), qRgb(255, 255, 255)) << "15 m off the centre line";
    EXPECT_EQ(close.pixel(100, 100 + 25), qRgb(255, 255, 255)) << "25 m off the centre line";
}

TEST(HitTestTest, PolygonsEvenOddLinesAndPointsByDistance)
{
    auto polygons =
        makeLayer("p", geo::GeometryKind::Polygon, {{{square(0, 0, 10, 10), square(4, 4, 6, 6)}}});
    const geo::GeometryStore& store = polygons->geometry;
    EXPECT_TRUE(featureContains(store, 0, 2, 2, 0));
    EXPECT_FALSE(featureContains(store, 0, 5, 5, 0)) << "in the hole";
    EXPECT_TRUE(featureContains(store, 0, 5, 5, 1.5)) << "near the hole's edge";
    EXPECT_FALSE(featureContains(store, 0, 12, 5, 1));
    EXPECT_TRUE(featureOutlineNear(store, 0, 10.5, 5, 1));
    EXPECT_FALSE(featureOutlineNear(store, 0, 2, 2, 1)) << "inside but far from the outline";

    auto lines = makeLayer("l", geo::GeometryKind::Line, {{{{{0, 0}, {10, 0}}}}});
    EXPECT_TRUE(featureContains(lines->geometry, 0, 5, 0.9, 1));
    EXPECT_FALSE(featureContains(lines->geometry, 0, 5, 1.1, 1));
    auto points = makeLayer("pt", geo::GeometryKind::Point, {{{{{3, 4}}}}});
    EXPECT_TRUE(featureContains(points->geometry, 0, 0, 0, 5));
    EXPECT_FALSE(featureContains(points->geometry, 0, 0, 0, 4.9));
}

TEST(HitTestTest, BoxTouchesByVertexEdgeOrContainment)
{
    auto layer = makeLayer("p", geo::GeometryKind::Polygon,
                           {{{square(0, 0, 10, 10)}},         // holds the small box
                            {{square(20, 0, 30, 10)}},        // an edge crosses the box
                            {{square(100, 100, 110, 110)}}}); // far away
    EXPECT_EQ(featuresIntersecting(layer->geometry, geo::Envelope{4, 4, 6, 6}),
              (std::vector<std::size_t>{0}));
    EXPECT_EQ(featuresIntersecting(layer->geometry, geo::Envelope{25, -5, 26, 15}),
              (std::vector<std::size_t>{1}));
    EXPECT_EQ(featuresIntersecting(layer->geometry, geo::Envelope{-1, -1, 50, 50}),
              (std::vector<std::size_t>{0, 1}));
    auto lines = makeLayer("l", geo::GeometryKind::Line, {{{{{0, 0}, {10, 10}}}}});
    EXPECT_EQ(featuresIntersecting(lines->geometry, geo::Envelope{4, 4, 6, 6}).size(), 1u);
    EXPECT_EQ(featuresIntersecting(lines->geometry, geo::Envelope{6, 0, 9, 3}).size(), 0u);
}

TEST(RoleStyleBookTest, TheSampleParkStyledByRoleMatchesItsControlImage)
{
    // Tolerance: a channel may differ by up to 24 of 255, and up to 1.5 % of the pixels by
    // more: antialiasing differs between Qt builds and CPUs, and the labels' glyphs between
    // versions of Noto Sans CJK. Anything structural (a colour, a layer order, a missing
    // layer) moves far more than that.
    constexpr int kChannelTolerance = 24;
    constexpr double kAllowedShare = 0.015;
    if (!std::filesystem::exists(kSamplePark))
        GTEST_SKIP() << "sample park not generated";
    if (!haveLandUse())
        GTEST_SKIP() << "styles/landuse.json not here";
    const std::vector<std::shared_ptr<const geo::Layer>> layers = readEveryLayer(kSamplePark);
    ASSERT_EQ(layers.size(), 11u);
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const std::vector<LayerSnapshot> snapshots = book.styleLayers(layers);
    geo::Envelope extent = combinedExtent(snapshots);
    const MapSettings settings(extent, QSize(600, 400), 96, Qt::white, snapshots,
                               layers.front()->crs);
    const RenderResult result = MapRenderer(settings).render();
    ASSERT_TRUE(result.errors.empty());
    const QString controlPath = QStringLiteral(PARKATLAS_CONTROL_IMAGES "/sample_park_roles.png");
    if (qEnvironmentVariableIsSet("PARKATLAS_UPDATE_CONTROL_IMAGES")) {
        ASSERT_TRUE(result.image.save(controlPath));
        GTEST_SKIP() << "control image rewritten: " << controlPath.toStdString();
    }
    const QImage expected(controlPath);
    ASSERT_FALSE(expected.isNull()) << "missing control image " << controlPath.toStdString();
    const ImageDifference difference = compareImages(result.image, expected, kChannelTolerance);
    ASSERT_GE(difference.differingPixels, 0) << "sizes differ";
    const double share = static_cast<double>(difference.differingPixels) / (600.0 * 400.0);
    if (share > kAllowedShare) {
        QDir().mkpath(QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT));
        result.image.save(QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT "/sample_park_roles.png"));
        difference.diff.save(
            QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT "/sample_park_roles_diff.png"));
    }
    EXPECT_LE(share, kAllowedShare)
        << difference.differingPixels << " pixels differ by more than " << kChannelTolerance
        << "; see " << PARKATLAS_RENDER_TEST_OUTPUT;
}
