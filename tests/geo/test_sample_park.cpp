#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/layer_measure.h"
#include "geo/units.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace parkatlas::geo;

namespace {
const std::string kSample = PARKATLAS_SAMPLE_DIR;

/// The "total" line of the `--by land_use` table for `layer` in data/sample/README.md:
/// features, m², mu as printed.
std::tuple<std::size_t, double, double> documentedTotal(const std::string& layer)
{
    std::ifstream in(kSample + "/README.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string readme = text.str();
    const std::string command = "--layer " + layer + " --by land_use";
    const auto at = readme.find(command);
    EXPECT_NE(at, std::string::npos) << "README has no '" << command << "' table";
    std::smatch match;
    const std::string rest = readme.substr(at);
    const std::regex total(R"(\ntotal\s+(\d+)\s+([\d.]+)\s+([\d.]+))");
    EXPECT_TRUE(std::regex_search(rest, match, total));
    return {std::stoul(match[1]), std::stod(match[2]), std::stod(match[3])};
}
} // namespace

TEST(SampleParkTest, ReadmeAreaTotalsAreWhatTheProgramComputes)
{
    IssueList issues;
    for (const std::string name : {"parcels", "plan_zones"}) {
        const Layer layer = readLayer({kSample + "/park.gpkg", name}, {}, issues);
        const LayerMeasure measure = measureLayer(layer, AreaMethod::Ellipsoidal, issues);
        const auto [count, areaM2, areaMu] = documentedTotal(name);
        EXPECT_EQ(layer.featureCount(), count) << name;
        EXPECT_EQ(formatForDisplay(measure.totalAreaM2, 2), formatForDisplay(areaM2, 2)) << name;
        EXPECT_EQ(formatForDisplay(muFromM2(measure.totalAreaM2), 2), formatForDisplay(areaMu, 2))
            << name;
    }
}

TEST(SampleParkTest, GeoPackageAndShapefileFolderAgree)
{
    // The same park shipped twice: GBK shapefiles with survey field names must read as the
    // UTF-8 GeoPackage does, attribute for attribute, and measure the same.
    IssueList issues;
    const Park fromGpkg =
        loadPark(discoverPark(kSample + "/park.gpkg"), {{Role::Parcels}, {}}, issues);
    const Park fromShp = loadPark(discoverPark(kSample + "/shp"), {{Role::Parcels}, {}}, issues);
    const ParkLayer* a = fromGpkg.layer(Role::Parcels);
    const ParkLayer* b = fromShp.layer(Role::Parcels);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->layer->featureCount(), b->layer->featureCount());
    for (const char* field : {"parcel_id", "owner", "land_use", "status"}) {
        ASSERT_GE(a->field(field), 0) << field;
        ASSERT_GE(b->field(field), 0) << field;
        for (std::size_t row = 0; row < a->layer->featureCount(); ++row)
            ASSERT_EQ(a->layer->attributes.text(row, a->field(field)),
                      b->layer->attributes.text(row, b->field(field)))
                << field << " row " << row;
    }
    const double areaA = measureLayer(*a->layer, AreaMethod::Ellipsoidal, issues).totalAreaM2;
    const double areaB = measureLayer(*b->layer, AreaMethod::Ellipsoidal, issues).totalAreaM2;
    EXPECT_NEAR(areaA, areaB, 1e-6);
}

TEST(SampleParkTest, ShapefileFolderDeclaresWhatItShould)
{
    // GBK with nothing declared is detected; the zone-prefixed layer gets a proposal and no
    // CRS; the Xi'an 1980 layer says so.
    const LayerInfo parcels = describeLayer({kSample + "/shp/parcels.shp", ""});
    EXPECT_EQ(parcels.encoding.name, "CP936");
    EXPECT_EQ(parcels.encoding.origin, EncodingChoice::Origin::Detected);
    const LayerInfo buildings = describeLayer({kSample + "/shp/buildings.shp", ""});
    EXPECT_TRUE(buildings.crs.crs.isEmpty());
    ASSERT_TRUE(buildings.crs.proposal);
    EXPECT_EQ(buildings.crs.proposal->epsgCgcs2000, 4526);
    const LayerInfo protectedAreas = describeLayer({kSample + "/shp/protected.shp", ""});
    EXPECT_EQ(protectedAreas.crs.crs.epsg(), 2383);
}
