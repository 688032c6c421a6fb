// A render drawn in bands of rows on threads (MapSettings::bands, on for the screen's level of
// detail) gives the picture one render of the whole output gives, pixel for pixel but for a
// few pixels a level or a few off at a band's edge, and counts each feature once: on a synthetic cadastre of plots from under a pixel to a few hundred, on
// the sample park and on a real zoning shapefile.
#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "app/render/role_style_book.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);

/// Slanted quadrilaterals of many sizes in rows (a plot's corners jittered by a hash), a few
/// with a hole, and long roads across them: at 800 × 600 the plots are from a fraction of a
/// pixel to tens of pixels, and the roads cross every band's edge.
std::vector<std::shared_ptr<const geo::Layer>> syntheticPark()
{
    const auto jitter = [](int i, int j, int salt) {
        std::uint64_t h = static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL ^
                          static_cast<std::uint64_t>(j) * 0xbf58476d1ce4e5b9ULL ^
                          static_cast<std::uint64_t>(salt);
        h ^= h >> 31;
        h *= 0x94d049bb133111ebULL;
        h ^= h >> 29;
        return static_cast<double>(h % 1000) / 1000.0 - 0.5;
    };
    std::vector<Feature> plots;
    double y = 0;
    for (int row = 0; row < 60; ++row) {
        const double height = 2.0 + (row % 7) * 3.0 + (row % 3) * 0.37;
        double x = 0;
        for (int column = 0; x < 3000; ++column) {
            const double width = 1.5 + ((row * 7 + column * 3) % 11) * 2.3;
            const double dx = jitter(row, column, 1) * width * 0.3;
            const double dy = jitter(row, column, 2) * height * 0.3;
            Ring outer = {{x, y},
                          {x + width, y + dy * 0.2},
                          {x + width + dx * 0.2, y + height},
                          {x + width * 0.5, y + height + dy * 0.1},
                          {x + dx * 0.1, y + height},
                          {x, y}};
            Part part = {outer};
            if ((row + column) % 23 == 0)
                part.push_back(
                    square(x + width * 0.3, y + height * 0.3, x + width * 0.6, y + height * 0.6));
            plots.push_back({part});
            x += width;
        }
        y += height;
    }
    std::vector<Feature> roads;
    for (int i = 0; i < 12; ++i) {
        const double x0 = i * 260.0 + 13.3;
        roads.push_back({{{{x0, -5}, {x0 + 90.7, y * 0.5}, {x0 - 40.1, y + 5}}}});
    }
    return {makeLayer("parcels", geo::GeometryKind::Polygon, plots),
            makeLayer("roads", geo::GeometryKind::Line, roads)};
}

std::vector<LayerSnapshot> styled(const std::vector<std::shared_ptr<const geo::Layer>>& layers)
{
    return RoleStyleBook::load(kStyles).styleLayers(layers);
}

/// Renders `settings` in one band and in `bands`, and expects the same pixels and counts.
void expectBandsDrawTheSame(const MapSettings& settings, int bands, const std::string& what)
{
    const RenderResult whole = MapRenderer(settings.withBands(1)).render();
    const RenderResult banded = MapRenderer(settings.withBands(bands)).render();
    ASSERT_TRUE(whole.errors.empty()) << what;
    ASSERT_TRUE(banded.errors.empty()) << what;
    ASSERT_FALSE(banded.cancelled) << what;
    EXPECT_GT(whole.featuresDrawn, 0u) << what;
    EXPECT_EQ(banded.featuresDrawn, whole.featuresDrawn) << what;
    ASSERT_EQ(banded.image.size(), whole.image.size()) << what;
    ASSERT_EQ(banded.image.format(), whole.image.format()) << what;
    // Pixel for pixel, but for a few pixels a level or a few off where a hairline or a marker
    // crosses a band's edge (Qt clips a hairline where it leaves the band's picture, and works
    // out a marker's curve from its centre: the last bit of the rounding can differ).
    const ImageDifference difference = compareImages(banded.image, whole.image, 0);
    const double pixels = static_cast<double>(whole.image.width()) * whole.image.height();
    EXPECT_LE(static_cast<double>(difference.differingPixels), 2e-4 * pixels)
        << what << " in " << bands << " bands: " << difference.differingPixels
        << " pixels differ, largest difference " << difference.largestChannelDifference;
    EXPECT_LE(difference.largestChannelDifference, 12) << what << " in " << bands << " bands";
}

} // namespace

TEST(RenderBandsTest, ASyntheticCadastreIsDrawnTheSameInBands)
{
    const std::vector<LayerSnapshot> snapshots = styled(syntheticPark());
    const geo::Envelope extent = combinedExtent(snapshots);
    for (const bool levelOfDetail : {true, false})
        for (const QSize size : {QSize(800, 600), QSize(640, 1001)})
            for (const int bands : {2, 3, 5}) {
                const MapSettings settings = MapSettings(extent, size, 96, Qt::white, snapshots)
                                                 .withLevelOfDetail(levelOfDetail);
                expectBandsDrawTheSame(settings, bands,
                                       "synthetic at " + std::to_string(size.height()) +
                                           (levelOfDetail ? " rows, level of detail" : " rows"));
            }
    // Zoomed in on a corner: plots of tens of pixels, cut by the output's edges.
    geo::Envelope corner = extent;
    corner.maxX = corner.minX + extent.width() / 6;
    corner.maxY = corner.minY + extent.height() / 3;
    expectBandsDrawTheSame(
        MapSettings(corner, QSize(700, 500), 96, Qt::white, snapshots).withLevelOfDetail(true), 2,
        "synthetic corner");
}

TEST(RenderBandsTest, BandsDrawOverTheUnderlayAsOneRenderDoes)
{
    const std::vector<LayerSnapshot> snapshots = styled(syntheticPark());
    const MapSettings base =
        MapSettings(combinedExtent(snapshots), QSize(600, 400), 96, Qt::white, snapshots)
            .withLevelOfDetail(true);
    QImage underlay(base.outputSize(), QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < underlay.height(); ++y)
        for (int x = 0; x < underlay.width(); ++x)
            underlay.setPixel(x, y, qRgb((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256));
    expectBandsDrawTheSame(base.withUnderlay(underlay), 2, "over an underlay");
}

TEST(RenderBandsTest, TheSampleParkIsDrawnTheSameInBands)
{
    const std::string park = PARKATLAS_SAMPLE_DIR "/park.gpkg";
    if (!std::filesystem::exists(park))
        GTEST_SKIP() << "sample park not generated";
    const std::vector<std::shared_ptr<const geo::Layer>> layers = readEveryLayer(park);
    const std::vector<LayerSnapshot> snapshots = styled(layers);
    // Its labels, dashes and hatches keep the whole park in one band (the same picture); its
    // parcels alone are drawn in bands.
    for (const bool parcelsOnly : {false, true}) {
        std::vector<LayerSnapshot> drawn;
        for (const LayerSnapshot& snapshot : snapshots)
            if (!parcelsOnly || snapshot.role == geo::Role::Parcels)
                drawn.push_back(snapshot);
        ASSERT_FALSE(drawn.empty());
        for (const QSize size : {QSize(300, 200), QSize(1000, 700)})
            expectBandsDrawTheSame(MapSettings(combinedExtent(snapshots), size, 96, Qt::white,
                                               drawn, layers.front()->crs)
                                       .withLevelOfDetail(true),
                                   2,
                                   std::string("sample park") + (parcelsOnly ? " parcels" : "") +
                                       " at " + std::to_string(size.width()) + " px");
    }
}

TEST(RenderBandsTest, ARealZoningShapefileIsDrawnTheSameInBands)
{
    const std::string path =
        PARKATLAS_REALDATA "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "real data not here: " << path;
    geo::IssueList issues;
    auto layer =
        std::make_shared<const geo::Layer>(geo::readLayer({path, ""}, geo::ReadOptions{}, issues));
    const std::vector<LayerSnapshot> snapshots = styled({layer});
    for (const QSize size : {QSize(640, 480), QSize(1200, 900)})
        expectBandsDrawTheSame(
            MapSettings(combinedExtent(snapshots), size, 96, Qt::white, snapshots, layer->crs)
                .withLevelOfDetail(true),
            2, "Rockbridge zoning at " + std::to_string(size.width()) + " px");
}

TEST(RenderBandsTest, ARenderAfterALargerOneDrawsWhatItDrewBefore)
{
    // The small plots' arrays are kept from one render to the next (and taken by the bands of
    // later renders): what a larger render left in them must not show in a smaller one.
    const std::vector<LayerSnapshot> snapshots = styled(syntheticPark());
    const geo::Envelope extent = combinedExtent(snapshots);
    geo::Envelope corner = extent;
    corner.maxX = corner.minX + extent.width() / 4;
    corner.maxY = corner.minY + extent.height() / 2;
    const MapSettings small =
        MapSettings(corner, QSize(400, 300), 96, Qt::white, snapshots).withLevelOfDetail(true);
    const MapSettings large =
        MapSettings(extent, QSize(1200, 900), 96, Qt::white, snapshots).withLevelOfDetail(true);
    for (const int bands : {1, 2}) {
        const RenderResult before = MapRenderer(small.withBands(bands)).render();
        const RenderResult larger = MapRenderer(large.withBands(2)).render();
        const RenderResult after = MapRenderer(small.withBands(bands)).render();
        ASSERT_TRUE(before.errors.empty());
        EXPECT_GT(larger.featuresDrawn, before.featuresDrawn);
        EXPECT_EQ(after.featuresDrawn, before.featuresDrawn);
        EXPECT_TRUE(after.image == before.image) << bands << " bands";
    }
}
