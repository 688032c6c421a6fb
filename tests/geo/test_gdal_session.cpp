// geo::ensureGdalFor: a command that opens one shapefile registers GDAL's Shapefile driver alone
// (issue 21: `info` on a small file starts as fast as ogrinfo), reads it as with every driver,
// and the rest of GDAL's drivers come when anything else asks for them.

#include "geo/gdal_session.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <gdal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

using namespace parkatlas;

TEST(GdalSessionTest, AShapefileAloneRegistersItsDriverAndTheOthersFollowWhenAsked)
{
    const std::string shp = PARKATLAS_SAMPLE_DIR "/shp/parcels.shp";
    if (!std::filesystem::exists(shp))
        GTEST_SKIP() << "sample park not generated";
    // ctest runs each case in a process of its own: then nothing is registered yet.
    const bool fresh = GDALGetDriverCount() == 0;
    geo::ensureGdalFor(shp);
    EXPECT_NE(GDALGetDriverByName("ESRI Shapefile"), nullptr);
    if (fresh) {
        EXPECT_EQ(GDALGetDriverCount(), 1);
    }
    geo::IssueList issues;
    const geo::Layer alone = geo::readLayer({shp, ""}, geo::ReadOptions{}, issues);
    EXPECT_GT(alone.featureCount(), 0u);
    EXPECT_FALSE(alone.crs.isEmpty());

    // A GeoPackage needs its own driver: registered on the way, and the shapefile reads the same.
    geo::ensureGdalFor(PARKATLAS_SAMPLE_DIR "/park.gpkg");
    EXPECT_NE(GDALGetDriverByName("GPKG"), nullptr);
    EXPECT_NE(GDALGetDriverByName("Memory"), nullptr);
    EXPECT_GT(GDALGetDriverCount(), 50);
    const geo::Layer again = geo::readLayer({shp, ""}, geo::ReadOptions{}, issues);
    ASSERT_EQ(again.featureCount(), alone.featureCount());
    EXPECT_EQ(again.fids, alone.fids);
    EXPECT_TRUE(again.crs.isSameAs(alone.crs));
    EXPECT_EQ(again.geometry.totalVertexCount(), alone.geometry.totalVertexCount());
    EXPECT_EQ(again.attributes.fields().size(), alone.attributes.fields().size());
    for (std::size_t f = 0; f < alone.featureCount(); ++f)
        EXPECT_EQ(again.attributes.text(f, 0), alone.attributes.text(f, 0)) << "row " << f;
    const geo::LayerListing listing = geo::listSourceLayers(PARKATLAS_SAMPLE_DIR "/park.gpkg");
    EXPECT_FALSE(listing.layers.empty());
}
