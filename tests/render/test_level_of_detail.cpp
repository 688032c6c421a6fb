// The screen's level of detail (MapSettings::withLevelOfDetail): tiny polygons blended straight
// into the pixels must give the picture the painter gives, within a level or two, on the
// sample park and on a real shapefile drawn small enough that most plots are a pixel or two.
#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "app/render/role_style_book.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);

struct Comparison {
    double meanDifference = 0; // per channel, levels of 255
    double shareOver = 0;      // of the pixels, those with a channel off by more than 4 levels
    int largest = 0;
};

Comparison compare(const QImage& a, const QImage& b)
{
    Comparison result;
    const QImage left = a.convertToFormat(QImage::Format_ARGB32);
    const QImage right = b.convertToFormat(QImage::Format_ARGB32);
    double sum = 0;
    long long over = 0;
    for (int y = 0; y < left.height(); ++y)
        for (int x = 0; x < left.width(); ++x) {
            const QRgb p = left.pixel(x, y);
            const QRgb q = right.pixel(x, y);
            const int differences[] = {std::abs(qRed(p) - qRed(q)), std::abs(qGreen(p) - qGreen(q)),
                                       std::abs(qBlue(p) - qBlue(q)),
                                       std::abs(qAlpha(p) - qAlpha(q))};
            int largest = 0;
            for (const int d : differences) {
                sum += d;
                largest = std::max(largest, d);
            }
            result.largest = std::max(result.largest, largest);
            if (largest > 4)
                ++over;
        }
    const double pixels = static_cast<double>(left.width()) * left.height();
    result.meanDifference = sum / (4 * pixels);
    result.shareOver = static_cast<double>(over) / pixels;
    return result;
}

/// How many features of the snapshots would be under two pixels both ways in `settings`.
std::size_t tinyFeatures(const MapSettings& settings)
{
    const double limit = 2 * settings.mapToPixel().mapUnitsPerPixel();
    std::size_t count = 0;
    for (const LayerSnapshot& snapshot : settings.layers())
        if (snapshot.layer && snapshot.layer->geometry.kind() == geo::GeometryKind::Polygon)
            for (std::size_t i = 0; i < snapshot.layer->featureCount(); ++i) {
                const geo::Envelope& e = snapshot.layer->geometry.envelope(i);
                if (!e.isEmpty() && e.width() < limit && e.height() < limit)
                    ++count;
            }
    return count;
}

void expectSamePicture(const MapSettings& settings, const std::string& what)
{
    const RenderResult fullDetail = MapRenderer(settings.withLevelOfDetail(false)).render();
    const RenderResult detailed = MapRenderer(settings.withLevelOfDetail(true)).render();
    ASSERT_TRUE(fullDetail.errors.empty()) << what;
    ASSERT_TRUE(detailed.errors.empty()) << what;
    EXPECT_EQ(detailed.featuresDrawn, fullDetail.featuresDrawn) << what;
    const Comparison difference = compare(detailed.image, fullDetail.image);
    EXPECT_LT(difference.meanDifference, 0.25) << what;
    EXPECT_LT(difference.shareOver, 0.002) << what << ": largest " << difference.largest;
    EXPECT_LE(difference.largest, 12) << what;
}

} // namespace

TEST(LevelOfDetailTest, ATinySquareCoversItsShareOfThePixel)
{
    // A 0.6 px red square in the middle of pixel (1, 1) of a white 4×4 image, no outline.
    auto layer = makeLayer("plots", geo::GeometryKind::Polygon,
                           {{{square(1.2, 2.2, 1.8, 2.8)}}});
    LayerStyle style = LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0);
    style.fill = QColor(255, 0, 0);
    style.stroke = QColor(0, 0, 0, 0);
    style.strokeWidth = 0;
    const MapSettings settings({0, 0, 4, 4}, QSize(4, 4), 96, Qt::white,
                               {LayerSnapshot(layer, style)});
    const QImage image = MapRenderer(settings.withLevelOfDetail(true)).render().image;
    // 0.36 of the pixel red: green and blue at 0.64 of white.
    EXPECT_EQ(qRed(image.pixel(1, 1)), 255);
    EXPECT_NEAR(qGreen(image.pixel(1, 1)), 163, 1);
    EXPECT_NEAR(qBlue(image.pixel(1, 1)), 163, 1);
    EXPECT_EQ(image.pixel(0, 0), qRgb(255, 255, 255));
    EXPECT_EQ(image.pixel(2, 1), qRgb(255, 255, 255));
    const QImage painted = MapRenderer(settings.withLevelOfDetail(false)).render().image;
    EXPECT_NEAR(qGreen(painted.pixel(1, 1)), qGreen(image.pixel(1, 1)), 2);
}

TEST(LevelOfDetailTest, PlotsOfEachClassKeepTheirFillBetweenPlotsOfOtherSizes)
{
    // Large plots (drawn at once with their class's pen and brush), small ones (kept and drawn
    // when the layer is done) and tiny ones (blended into the pixels) of three classes in
    // turn: each large and small plot shows its own class's fill, whatever was drawn before it.
    const QColor fills[] = {QColor(220, 30, 30), QColor(30, 160, 30), QColor(30, 30, 220)};
    std::vector<Feature> plots;
    auto classes = std::make_shared<std::vector<std::uint16_t>>();
    struct Plot {
        int x, y, size;
        std::uint16_t cls;
    };
    std::vector<Plot> shown;
    for (int i = 0; i < 9; ++i) {
        const int x = 5 + i * 40;
        const Plot large{x, 20, 30, static_cast<std::uint16_t>(i % 3)};
        const Plot small{x + 5, 120, 6, static_cast<std::uint16_t>((i + 1) % 3)};
        const Plot tiny{x + 5, 220, 1, static_cast<std::uint16_t>((i + 2) % 3)};
        for (const Plot& plot : {large, small, tiny}) {
            plots.push_back({{square(plot.x, plot.y, plot.x + plot.size, plot.y + plot.size)}});
            classes->push_back(plot.cls);
        }
        shown.push_back(large);
        shown.push_back(small);
    }
    LayerStyle style = LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0);
    style.stroke = QColor(60, 60, 60);
    style.strokeWidth = 1;
    for (const QColor& fill : fills) {
        Symbol symbol = style;
        symbol.fill = fill;
        style.classes.push_back(symbol);
    }
    style.featureClass = classes;
    const auto layer = makeLayer("plots", geo::GeometryKind::Polygon, plots);
    const MapSettings settings({0, 0, 400, 300}, QSize(400, 300), 96, Qt::white,
                               {LayerSnapshot(layer, style)});
    for (const int bands : {1, 2}) {
        const RenderResult result =
            MapRenderer(settings.withLevelOfDetail(true).withBands(bands)).render();
        ASSERT_TRUE(result.errors.empty());
        EXPECT_EQ(result.featuresDrawn, plots.size());
        for (const Plot& plot : shown) {
            // The middle of the plot (map y up, pixel rows down).
            const int column = plot.x + plot.size / 2;
            const int row = 300 - (plot.y + plot.size / 2) - 1;
            EXPECT_EQ(result.image.pixel(column, row), fills[plot.cls].rgb())
                << "a plot of " << plot.size << " px at " << plot.x << " in " << bands
                << " bands";
        }
    }
}

TEST(LevelOfDetailTest, TheSampleParkAtFullExtentLooksTheSame)
{
    const std::string park = PARKATLAS_SAMPLE_DIR "/park.gpkg";
    if (!std::filesystem::exists(park))
        GTEST_SKIP() << "sample park not generated";
    const std::vector<std::shared_ptr<const geo::Layer>> layers = readEveryLayer(park);
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const std::vector<LayerSnapshot> snapshots = book.styleLayers(layers);
    for (const QSize size : {QSize(120, 80), QSize(300, 200), QSize(800, 600)}) {
        const MapSettings settings(combinedExtent(snapshots), size, 96, Qt::white, snapshots,
                                   layers.front()->crs);
        if (size.width() == 120) {
            EXPECT_GT(tinyFeatures(settings), 50u) << "the smallest picture exercises the detail";
        }
        expectSamePicture(settings, "sample park at " + std::to_string(size.width()) + " px");
    }
}

TEST(LevelOfDetailTest, ARealZoningShapefileAtFullExtentLooksTheSame)
{
    const std::string path =
        PARKATLAS_REALDATA "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "real data not here: " << path;
    geo::IssueList issues;
    auto layer = std::make_shared<const geo::Layer>(
        geo::readLayer({path, ""}, geo::ReadOptions{}, issues));
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    std::vector<std::shared_ptr<const geo::Layer>> layers = {layer};
    const std::vector<LayerSnapshot> snapshots = book.styleLayers(layers);
    for (const QSize size : {QSize(200, 200), QSize(640, 480)}) {
        const MapSettings settings(combinedExtent(snapshots), size, 96, Qt::white, snapshots,
                                   layer->crs);
        if (size.width() == 200) {
            EXPECT_GT(tinyFeatures(settings), 20u) << "the smaller picture exercises the detail";
        }
        expectSamePicture(settings, "Rockbridge zoning at " + std::to_string(size.width()) + " px");
    }
}
