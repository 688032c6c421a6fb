#include "geo/error.h"
#include "geo/io/raster.h"
#include "geo/progress.h"
#include "tests/support/test_orthophoto.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

using namespace parkatlas::geo;
using parkatlas::testing::kOrthoEast;
using parkatlas::testing::kOrthoOverviews;
using parkatlas::testing::kOrthoWest;
namespace fs = std::filesystem;

namespace {

class RasterTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        const char* base = std::getenv("PARKATLAS_TEST_TMP");
        const fs::path dir = fs::path(base ? base : fs::temp_directory_path().string()) / "raster";
        fs::create_directories(dir);
        // One file per process: ctest runs the tests of a suite side by side.
        s_path = (dir / ("ortho-" + std::to_string(::getpid()) + ".tif")).string();
        parkatlas::testing::writeTestOrthophoto(s_path);
    }
    static void TearDownTestSuite() { std::filesystem::remove(s_path); }

    /// The RGBA of pixel (x, y).
    static std::array<int, 4> pixel(const RasterImage& image, int x, int y)
    {
        const std::uint8_t* p =
            image.rgba.data() + 4 * (static_cast<std::size_t>(y) * image.width + x);
        return {p[0], p[1], p[2], p[3]};
    }
    static std::array<int, 4> opaque(const std::array<std::uint8_t, 3>& colour)
    {
        return {colour[0], colour[1], colour[2], 255};
    }

    static inline std::string s_path;
};

TEST_F(RasterTest, DescribesSizeExtentCrsAndOverviews)
{
    const RasterInfo info = describeRaster(s_path);
    EXPECT_EQ(info.driver, "GTiff");
    EXPECT_EQ(info.size.width, 512);
    EXPECT_EQ(info.bandCount, 3);
    EXPECT_EQ(info.crs.epsg(), 4547);
    EXPECT_DOUBLE_EQ(info.extent.minX, 497000);
    EXPECT_DOUBLE_EQ(info.extent.maxX, 497512);
    EXPECT_DOUBLE_EQ(info.extent.minY, 3376488);
    EXPECT_DOUBLE_EQ(info.extent.maxY, 3377000);
    ASSERT_EQ(info.overviews.size(), 3U);
    EXPECT_EQ(info.overviews[0].width, 256);
    EXPECT_EQ(info.overviews[2].width, 64);
    EXPECT_DOUBLE_EQ(info.pixelSizeUnits(), 1.0);
}

TEST_F(RasterTest, OverviewLevelIsTheCoarsestNoCoarserThanTheOutputPixel)
{
    const RasterInfo info = describeRaster(s_path);
    EXPECT_EQ(overviewLevelFor(info, 0.25), -1); // zoomed in past the full resolution
    EXPECT_EQ(overviewLevelFor(info, 1.0), -1);
    EXPECT_EQ(overviewLevelFor(info, 1.9), -1);
    EXPECT_EQ(overviewLevelFor(info, 2.0), 0);
    EXPECT_EQ(overviewLevelFor(info, 3.9), 0);
    EXPECT_EQ(overviewLevelFor(info, 4.0), 1);
    EXPECT_EQ(overviewLevelFor(info, 8.0), 2);
    EXPECT_EQ(overviewLevelFor(info, 500.0), 2); // nothing coarser in the file
}

TEST_F(RasterTest, ReadsTheLevelTheOutputNeeds)
{
    const RasterInfo info = describeRaster(s_path);
    const RasterImage full = readRaster(info, info.extent, 512, 512, {});
    ASSERT_EQ(full.width, 512);
    EXPECT_EQ(full.overviewLevel, -1);
    EXPECT_EQ(pixel(full, 10, 300), opaque(kOrthoWest));
    EXPECT_EQ(pixel(full, 500, 300), opaque(kOrthoEast));

    // 128 pixels over 512 m: 4 m a pixel, the 1:4 overview, which the fixture painted yellow.
    const RasterImage quarter = readRaster(info, info.extent, 128, 128, {});
    EXPECT_EQ(quarter.overviewLevel, 1);
    EXPECT_EQ(pixel(quarter, 64, 64), opaque(kOrthoOverviews[1]));
    const RasterImage eighth = readRaster(info, info.extent, 40, 40, {});
    EXPECT_EQ(eighth.overviewLevel, 2);
    EXPECT_EQ(pixel(eighth, 20, 20), opaque(kOrthoOverviews[2]));
}

TEST_F(RasterTest, AWindowPartlyOutsideIsTransparentThere)
{
    const RasterInfo info = describeRaster(s_path);
    Envelope window{496744, 3376488, 497256, 3377000}; // the raster's west half on the right
    const RasterImage image = readRaster(info, window, 512, 512, {});
    ASSERT_FALSE(image.isEmpty());
    EXPECT_EQ(pixel(image, 100, 256)[3], 0);
    EXPECT_EQ(pixel(image, 400, 256), opaque(kOrthoWest));

    const RasterImage outside =
        readRaster(info, Envelope{400000, 3000000, 400100, 3000100}, 10, 10, {});
    EXPECT_TRUE(outside.isEmpty());
}

TEST_F(RasterTest, ReprojectsIntoTheMapCrs)
{
    const RasterInfo info = describeRaster(s_path);
    const Crs lonLat = Crs::fromEpsg(4490);
    const Envelope extent = rasterExtentIn(info, lonLat);
    EXPECT_NEAR(extent.minX, 113.97, 0.01);
    EXPECT_NEAR(extent.minY, 30.51, 0.01);
    const RasterImage image = readRaster(info, extent, 400, 400, lonLat);
    ASSERT_EQ(image.width, 400);
    EXPECT_EQ(image.overviewLevel, -1); // 1.3 m a pixel
    EXPECT_EQ(pixel(image, 100, 200), opaque(kOrthoWest));
    EXPECT_EQ(pixel(image, 300, 200), opaque(kOrthoEast));
    // 8 m an output pixel in metres, whatever the degrees: the 1:8 overview.
    const RasterImage coarse = readRaster(info, extent, 64, 64, lonLat);
    EXPECT_EQ(coarse.overviewLevel, 2);
    EXPECT_EQ(pixel(coarse, 32, 32), opaque(kOrthoOverviews[2]));
}

TEST_F(RasterTest, ACancelledReadGivesNothing)
{
    const RasterInfo info = describeRaster(s_path);
    const CancelFlag cancelled;
    cancelled.cancel();
    EXPECT_TRUE(readRaster(info, info.extent, 512, 512, {}, &cancelled).isEmpty());
}

TEST_F(RasterTest, TellsRastersFromVectorSources)
{
    EXPECT_TRUE(isRasterSource(s_path));
    EXPECT_FALSE(isRasterSource(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg"));
    EXPECT_FALSE(isRasterSource("/no/such/file.tif"));
    try {
        describeRaster(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg");
        FAIL() << "a vector GeoPackage is not a raster";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("park.gpkg"), std::string::npos) << error.what();
    }
}

} // namespace
