#include "geo/crs/crs.h"
#include "geo/crs/crs_catalog.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/crs/transform.h"
#include "geo/error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace parkatlas::geo;

namespace {
const std::string kRealdata = PARKATLAS_REALDATA;

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}
} // namespace

TEST(CrsTest, GaussKrugerZonesHaveTheirEpsgCodes)
{
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Cgcs2000, 3, 114, false), 4547);
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Cgcs2000, 3, 114, true), 4526);
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Xian1980, 3, 114, false), 2383);
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Xian1980, 3, 102, false), 2379);
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Beijing1954, 3, 114, false), 2435);
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Cgcs2000, 6, 117, true), 4498);
    EXPECT_EQ(gaussKrugerEpsg(ChineseDatum::Cgcs2000, 3, 113, false), std::nullopt);
    // Cross-check every code against PROJ's own database: datum, central meridian, false
    // easting (zone-prefixed or not), for both zone widths.
    const std::pair<ChineseDatum, const char*> datums[] = {
        {ChineseDatum::Cgcs2000, "China 2000"},
        {ChineseDatum::Xian1980, "Xian 1980"},
        {ChineseDatum::Beijing1954, "Beijing 1954"}};
    for (const auto& [datum, datumName] : datums) {
        for (int width : {3, 6}) {
            for (int cm = 75; cm <= 135; cm += 3) {
                for (bool prefixed : {false, true}) {
                    const auto code = gaussKrugerEpsg(datum, width, cm, prefixed);
                    if (width == 6 && (cm + 3) % 6 != 0) {
                        EXPECT_FALSE(code);
                        continue;
                    }
                    ASSERT_TRUE(code) << cm;
                    const Crs crs = Crs::fromEpsg(*code);
                    EXPECT_NE(crs.datumName().find(std::string(datumName).substr(0, 5)),
                              std::string::npos)
                        << *code << " " << crs.datumName();
                    EXPECT_DOUBLE_EQ(*crs.centralMeridianDeg(), cm) << *code;
                    const double zone = width == 3 ? cm / 3 : (cm + 3) / 6;
                    EXPECT_DOUBLE_EQ(*crs.falseEastingM(), (prefixed ? zone * 1e6 : 0) + 500000.0)
                        << *code;
                }
            }
        }
    }
}

TEST(CrsTest, ZonePrefixedEastingsProposeTheirZone)
{
    Envelope extent;
    extent.expand(38512345.0, 3375000.0);
    extent.expand(38518000.0, 3379000.0);
    const auto proposal = proposeZoneFromExtent(extent);
    ASSERT_TRUE(proposal);
    EXPECT_EQ(proposal->zone, 38);
    EXPECT_EQ(proposal->centralMeridianDeg, 114);
    EXPECT_EQ(proposal->epsgCgcs2000, 4526);
    EXPECT_EQ(proposal->epsgXian1980, 2362);
}

TEST(CrsTest, PlainEastingsAndDegreesProposeNoZone)
{
    Envelope local;
    local.expand(512345.0, 3375000.0);
    local.expand(518000.0, 3379000.0);
    EXPECT_FALSE(proposeZoneFromExtent(local));
    EXPECT_NE(crsHintFromExtent(local).find("without a zone"), std::string::npos);
    Envelope degrees;
    degrees.expand(118.5, 31.9);
    degrees.expand(119.2, 32.6);
    EXPECT_FALSE(proposeZoneFromExtent(degrees));
    EXPECT_NE(crsHintFromExtent(degrees).find("EPSG:4490"), std::string::npos);
}

TEST(CrsTest, EsriPrjOfCgcs2000ZonesIsIdentified)
{
    const std::string wkt =
        readFile(kRealdata + "/china/dikuai-prj-samples/东莞市建成区2025_CGCS2000_114E.prj");
    const Crs crs = Crs::fromUserInput(wkt);
    EXPECT_EQ(crs.epsg(), 4547);
    EXPECT_DOUBLE_EQ(*crs.centralMeridianDeg(), 114.0);
}

TEST(CrsTest, HohhotPrjIsUtmNotGaussKruger)
{
    const std::string wkt =
        readFile(kRealdata + "/china/dikuai-prj-samples/呼和浩特市建成区2025_CGCS2000_111E.prj");
    const Crs crs = Crs::fromUserInput(wkt);
    EXPECT_NE(crs.name().find("UTM"), std::string::npos) << crs.name();
    EXPECT_NE(crs.epsg(), 4546);
}

TEST(CrsTest, NonsenseIsACrsErrorNamingTheInput)
{
    try {
        Crs::fromUserInput("EPSG:999999");
        FAIL() << "no exception";
    } catch (const CrsError& error) {
        EXPECT_NE(std::string(error.what()).find("EPSG:999999"), std::string::npos);
    }
}

TEST(TransformTest, GaussKrugerToGeographicIsEastingFirst)
{
    // The central meridian at the equator is (500000, 0) in EPSG:4547.
    Transform transform(Crs::fromEpsg(4547), Crs::fromEpsg(4490));
    double xy[2] = {500000.0, 0.0};
    transform.forward(xy, 1);
    EXPECT_NEAR(xy[0], 114.0, 1e-12);
    EXPECT_NEAR(xy[1], 0.0, 1e-12);
    // And back, near the sample park (30.5N).
    double park[2] = {114.02, 30.5};
    transform.inverse(park, 1);
    EXPECT_NEAR(park[0], 501921.0, 2.0);
    EXPECT_NEAR(park[1], 3375000.0, 1500.0);
}

TEST(TransformTest, PrefixedZoneIsTheSamePlaneShiftedByTheZone)
{
    Transform transform(Crs::fromEpsg(4526), Crs::fromEpsg(4547));
    double xy[2] = {38512345.678, 3375123.456};
    transform.forward(xy, 1);
    EXPECT_NEAR(xy[0], 512345.678, 1e-6);
    EXPECT_NEAR(xy[1], 3375123.456, 1e-6);
}

TEST(TransformTest, Xian1980ToCgcs2000IsABallpark)
{
    Transform transform(Crs::fromEpsg(2383), Crs::fromEpsg(4547));
    double xy[2] = {512345.0, 3375123.0};
    transform.forward(xy, 1);
    EXPECT_TRUE(std::isfinite(xy[0]));
    EXPECT_TRUE(transform.isBallpark()) << transform.description();
}

TEST(CrsTest, CatalogListsTheChineseZonesByCodeAndName)
{
    const std::vector<CrsCatalogEntry> catalog = crsCatalog();
    ASSERT_GT(catalog.size(), 1000u);
    auto find = [&](const std::string& code) {
        return std::find_if(catalog.begin(), catalog.end(),
                            [&](const CrsCatalogEntry& entry) { return entry.code == code; });
    };
    const auto cgcs = find("4526");
    ASSERT_NE(cgcs, catalog.end());
    EXPECT_EQ(cgcs->definition(), "EPSG:4526");
    EXPECT_EQ(cgcs->name, "CGCS2000 / 3-degree Gauss-Kruger zone 38");
    EXPECT_TRUE(cgcs->projected);
    const auto geographic = find("4490");
    ASSERT_NE(geographic, catalog.end());
    EXPECT_FALSE(geographic->projected);
    // In numeric order, each code once.
    EXPECT_LT(geographic - catalog.begin(), cgcs - catalog.begin());
    // Every entry opens as a Crs.
    EXPECT_EQ(Crs::fromUserInput(cgcs->definition()).epsg(), 4526);
}
