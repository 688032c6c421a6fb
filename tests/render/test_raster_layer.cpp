#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "geo/io/raster.h"
#include "tests/support/test_orthophoto.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;
using parkatlas::testing::kOrthoEast;
using parkatlas::testing::kOrthoOverviews;
using parkatlas::testing::kOrthoWest;

namespace {

class RasterLayerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        const std::filesystem::path dir =
            std::filesystem::path(PARKATLAS_RENDER_TEST_OUTPUT) / "raster";
        std::filesystem::create_directories(dir);
        // One file per process: ctest runs the tests of a suite side by side.
        s_path = (dir / ("ortho-" + std::to_string(::getpid()) + ".tif")).string();
        parkatlas::testing::writeTestOrthophoto(s_path);
    }
    static void TearDownTestSuite() { std::filesystem::remove(s_path); }

    /// The orthophoto as a layer of a map in `mapCrs`.
    static LayerSnapshot orthophoto(const geo::Crs& mapCrs, double opacity = 1.0)
    {
        auto raster = std::make_shared<RasterLayer>();
        raster->info = geo::describeRaster(s_path);
        raster->extent = geo::rasterExtentIn(raster->info, mapCrs);
        auto layer = std::make_shared<geo::Layer>();
        layer->name = "ortho";
        layer->crs = raster->info.crs;
        LayerSnapshot snapshot(layer, LayerStyle{});
        snapshot.raster = raster;
        snapshot.opacity = opacity;
        return snapshot;
    }

    static QRgb rgb(const std::array<std::uint8_t, 3>& colour)
    {
        return qRgb(colour[0], colour[1], colour[2]);
    }

    static inline std::string s_path;
    static inline const geo::Envelope kExtent{497000, 3376488, 497512, 3377000};
};

TEST_F(RasterLayerTest, OrthophotoIsDrawnUnderTheVectorsAtFullResolution)
{
    const geo::Crs crs = geo::Crs::fromEpsg(4547);
    // A plot over the north-east quarter of the photo: the photo shows around it.
    auto plot = makeLayer("parcels", geo::GeometryKind::Polygon,
                          {{{square(497300, 3376800, 497500, 3376990)}}});
    LayerStyle style;
    style.fill = QColor(250, 230, 0);
    style.strokeWidth = 0;
    const MapSettings settings(kExtent, QSize(512, 512), 96, Qt::white,
                               {orthophoto(crs), {plot, style}}, crs);
    const RenderResult result = MapRenderer(settings).render();
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    const QImage& image = result.image;
    EXPECT_EQ(image.pixel(100, 400), rgb(kOrthoWest)) << "west half of the photo";
    EXPECT_EQ(image.pixel(400, 400), rgb(kOrthoEast)) << "east half of the photo";
    EXPECT_EQ(image.pixel(400, 100), qRgb(250, 230, 0)) << "the plot over the photo";
}

TEST_F(RasterLayerTest, AZoomedOutMapReadsTheOverviewItNeeds)
{
    const geo::Crs crs = geo::Crs::fromEpsg(4547);
    // 512 m over 64 pixels: 8 m a pixel, the 1:8 overview (painted its own colour).
    const MapSettings settings(kExtent, QSize(64, 64), 96, Qt::white, {orthophoto(crs)}, crs);
    const QImage image = MapRenderer(settings).render().image;
    EXPECT_EQ(image.pixel(32, 32), rgb(kOrthoOverviews[2]));
    // Four times wider than the photo: the photo fills the middle quarter, white around.
    geo::Envelope wide{kExtent.minX - 768, kExtent.minY - 768, kExtent.maxX + 768,
                       kExtent.maxY + 768};
    const QImage far =
        MapRenderer(MapSettings(wide, QSize(128, 128), 96, Qt::white, {orthophoto(crs)}, crs))
            .render()
            .image;
    EXPECT_EQ(far.pixel(64, 64), rgb(kOrthoOverviews[2])); // 16 m a pixel
    EXPECT_EQ(far.pixel(10, 10), qRgb(255, 255, 255));
    EXPECT_EQ(far.pixel(120, 64), qRgb(255, 255, 255));
}

TEST_F(RasterLayerTest, IsWarpedIntoAnotherMapCrs)
{
    const geo::Crs lonLat = geo::Crs::fromEpsg(4490);
    const LayerSnapshot photo = orthophoto(lonLat);
    const MapSettings settings(photo.raster->extent, QSize(400, 400), 96, Qt::white, {photo},
                               lonLat);
    const RenderResult result = MapRenderer(settings).render();
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    // In degrees the square photo is wider than tall (a degree of longitude is shorter than
    // one of latitude at 30.5°N): it fills the width and leaves white above and below.
    EXPECT_EQ(result.image.pixel(200 - 80, 200), rgb(kOrthoWest));
    EXPECT_EQ(result.image.pixel(200 + 80, 200), rgb(kOrthoEast));
    EXPECT_EQ(result.image.pixel(200, 3), qRgb(255, 255, 255));
    EXPECT_EQ(result.image.pixel(200, 396), qRgb(255, 255, 255));
}

TEST_F(RasterLayerTest, OpacityBlendsTheLayerAsOnePicture)
{
    const geo::Crs crs = geo::Crs::fromEpsg(4547);
    const QImage photo = MapRenderer(MapSettings(kExtent, QSize(512, 512), 96, Qt::white,
                                                 {orthophoto(crs, 0.5)}, crs))
                             .render()
                             .image;
    const QRgb west = photo.pixel(100, 300);
    EXPECT_NEAR(qRed(west), (kOrthoWest[0] + 255) / 2, 2);
    EXPECT_NEAR(qBlue(west), (kOrthoWest[2] + 255) / 2, 2);

    // Two overlapping plots of one half-transparent layer: the overlap is no darker.
    auto plots = makeLayer("parcels", geo::GeometryKind::Polygon,
                           {{{square(20, 20, 120, 120)}}, {{square(80, 80, 180, 180)}}});
    LayerStyle style;
    style.fill = QColor(0, 0, 200);
    style.strokeWidth = 0;
    LayerSnapshot snapshot(plots, style);
    snapshot.opacity = 0.5;
    const QImage image = MapRenderer(MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96,
                                                 Qt::white, {snapshot}))
                             .render()
                             .image;
    EXPECT_EQ(image.pixel(50, 150), image.pixel(100, 100)) << "alone and overlapped alike";
    EXPECT_NEAR(qRed(image.pixel(50, 150)), 127, 2);
    EXPECT_EQ(image.pixel(190, 190), qRgb(255, 255, 255));
}

TEST_F(RasterLayerTest, AMissingFileIsALayerErrorNotACrash)
{
    const geo::Crs crs = geo::Crs::fromEpsg(4547);
    LayerSnapshot photo = orthophoto(crs);
    auto moved = std::make_shared<RasterLayer>(*photo.raster);
    moved->info.path = "/no/such/ortho.tif";
    photo.raster = moved;
    const RenderResult result =
        MapRenderer(MapSettings(kExtent, QSize(64, 64), 96, Qt::white, {photo}, crs)).render();
    ASSERT_EQ(result.errors.size(), 1U);
    EXPECT_NE(result.errors.front().find("/no/such/ortho.tif"), std::string::npos)
        << result.errors.front();
}

} // namespace
