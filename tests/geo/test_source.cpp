#include "geo/error.h"
#include "geo/io/convert.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace parkatlas::geo;
namespace fs = std::filesystem;
using parkatlas::test::fileBytes;
using parkatlas::test::scratch;

namespace {

const std::string kRealdata = PARKATLAS_REALDATA;
const std::string kTown = kRealdata + "/china/arcgis-engine-practice/townshp.shp";
const std::string kShp = kRealdata + "/peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/";

/// A fresh folder under the build tree for files a test writes.
std::string messageOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no exception)";
}

} // namespace

TEST(SourceTest, GbkShapefileReadsWithItsChineseNames)
{
    IssueList issues;
    const Layer layer = readLayer({kTown, ""}, {}, issues);
    ASSERT_EQ(layer.featureCount(), 73u);
    EXPECT_EQ(layer.encoding.name, "CP936");
    const int name = layer.attributes.fieldIndex("con_name");
    ASSERT_GE(name, 0);
    EXPECT_EQ(layer.attributes.text(0, name), "志远县");
    EXPECT_EQ(layer.geometry.kind(), GeometryKind::Polygon);
    EXPECT_EQ(layer.fids.front(), 0);
    // The .prj says Xi'an 1980 GK 123E, but the coordinates are local units: warned, not hidden.
    bool warned = false;
    for (const Issue& issue : issues.issues())
        warned = warned || issue.message.find("the .prj may be wrong") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(SourceTest, DescribeReportsCrsOriginAndEncodingReason)
{
    const LayerInfo info = describeLayer({kTown, ""});
    EXPECT_EQ(info.crs.origin, ".prj");
    EXPECT_EQ(info.crs.crs.epsg(), 2386);
    EXPECT_EQ(info.featureCount, 73);
    EXPECT_NE(info.encoding.reason.find("GB2312"), std::string::npos) << info.encoding.reason;
}

TEST(SourceTest, NoPrjIsACrsErrorUnlessGiven)
{
    const std::string railways = kRealdata + "/china/arcgis-engine-practice/rai_4m.shp";
    IssueList issues;
    const std::string message = messageOf([&] { readLayer({railways, ""}, {}, issues); });
    EXPECT_NE(message.find("rai_4m.shp"), std::string::npos) << message;
    EXPECT_NE(message.find("--s-srs"), std::string::npos) << message;
    ReadOptions options;
    options.open.sourceSrs = "EPSG:4490";
    const Layer layer = readLayer({railways, ""}, options, issues);
    EXPECT_EQ(layer.featureCount(), 189u);
    EXPECT_EQ(layer.crsOrigin, "--s-srs");
}

TEST(SourceTest, MissingShxIsExplained)
{
    const std::string message = messageOf([] {
        listLayers(kRealdata + "/peer-shapefiles/mapshaper/test/data/issues/193/gauss_kruger.shp");
    });
    EXPECT_NE(message.find(".shx"), std::string::npos) << message;
    EXPECT_NE(message.find("gauss_kruger.shp"), std::string::npos) << message;
}

TEST(SourceTest, GitLfsPointerIsExplained)
{
    const std::string message = messageOf([] {
        listLayers(kRealdata + "/peer-shapefiles/realworld-broken/git-lfs-pointer/"
                               "上海市建成区2025_CGCS2000_120E.shp");
    });
    EXPECT_NE(message.find("Git LFS"), std::string::npos) << message;
}

TEST(SourceTest, CorruptRecordIsAnIssueWithItsFidNotACrash)
{
    IssueList issues;
    ReadOptions options;
    options.requireCrs = false;
    const Layer layer = readLayer({kShp + "buggymultipoly.shp", ""}, options, issues);
    ASSERT_GE(issues.count(Issue::Severity::Error), 1u);
    const Issue first = issues.issues().front();
    EXPECT_NE(first.path.find("buggymultipoly.shp"), std::string::npos);
    EXPECT_EQ(first.layer, "buggymultipoly");
    (void)layer;
}

TEST(SourceTest, FolderListsEveryFileAndKeepsGoingPastBrokenOnes)
{
    const LayerListing listing =
        listSourceLayers(kRealdata + "/peer-shapefiles/shapefile-js/test/data");
    EXPECT_GT(listing.layers.size(), 5u);
    EXPECT_FALSE(listing.failures.empty()); // bad.shp, htmlprj.shp … each named
    for (const std::string& failure : listing.failures)
        EXPECT_NE(failure.find("file '"), std::string::npos) << failure;
}

TEST(SourceTest, FolderLeavesOutJsonThatIsNotGeodataButStillNamesABrokenGeoJson)
{
    // A park folder keeps its project file and other JSON (settings, expected results) beside
    // its layers; only GeoJSON is a layer, and a broken GeoJSON is still an error.
    const fs::path dir = scratch("folder-json");
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj"})
        fs::copy_file(kRealdata + "/china/arcgis-engine-practice/townshp" + std::string(ext),
                      dir / (std::string("townshp") + ext));
    std::ofstream(dir / "park.parkatlas.json") << R"({"layers": {"parcels": "townshp.shp"}})";
    std::ofstream(dir / "expected_findings.json") << R"([{"rule": "x", "count": 3}])";
    std::ofstream(dir / "roads.json")
        << R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},)"
           R"( "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]})";
    std::ofstream(dir / "zoning.json") << R"({"type": "FeatureCollection", "features": [{"ty)";

    const LayerListing listing = listSourceLayers(dir.string());
    std::set<std::string> files;
    for (const LayerRef& ref : listing.layers)
        files.insert(fs::path(ref.datasetPath).filename().string());
    EXPECT_EQ(files, (std::set<std::string>{"roads.json", "townshp.shp"}));
    ASSERT_EQ(listing.failures.size(), 1u);
    EXPECT_NE(listing.failures[0].find("zoning.json"), std::string::npos) << listing.failures[0];
}

TEST(ConvertTest, GbkFolderBecomesUtf8GeoPackageAndInputsAreUntouched)
{
    const fs::path dir = scratch("convert-gbk");
    const fs::path input = dir / "in";
    fs::create_directories(input);
    for (const char* name : {"townshp", "wayshp"})
        for (const char* ext : {".shp", ".shx", ".dbf", ".prj"})
            fs::copy_file(kRealdata + "/china/arcgis-engine-practice/" + name + ext,
                          input / (std::string(name) + ext));
    const std::string before = fileBytes(input / "townshp.dbf");
    const fs::path output = dir / "town.gpkg";
    IssueList issues;
    const auto converted = convertSource(input.string(), output.string(), {}, issues);
    ASSERT_EQ(converted.size(), 2u);
    EXPECT_EQ(converted[0].encoding.name, "CP936");
    EXPECT_EQ(fileBytes(input / "townshp.dbf"), before);
    EXPECT_EQ(fs::directory_iterator(input) != fs::directory_iterator(), true);
    for (const auto& entry : fs::directory_iterator(dir))
        EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos);

    const Layer town = readLayer({output.string(), "townshp"}, {}, issues);
    EXPECT_EQ(town.encoding.name, "UTF-8");
    EXPECT_EQ(town.attributes.text(0, town.attributes.fieldIndex("CON_NAME")), "志远县");
    const Layer ways = readLayer({output.string(), "wayshp"}, {}, issues);
    EXPECT_EQ(ways.featureCount(), 211u);
}

TEST(ConvertTest, DestinationThatIsTheInputIsRefused)
{
    const fs::path dir = scratch("convert-self");
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj"})
        fs::copy_file(kRealdata + "/china/arcgis-engine-practice/townshp" + std::string(ext),
                      dir / (std::string("townshp") + ext));
    const std::string before = fileBytes(dir / "townshp.shp");
    IssueList issues;
    ConvertOptions options;
    options.overwrite = true;
    const std::string message = messageOf([&] {
        convertSource((dir / "townshp.shp").string(), (dir / "townshp.shp").string(), options,
                      issues);
    });
    EXPECT_NE(message.find("is the input"), std::string::npos) << message;
    EXPECT_EQ(fileBytes(dir / "townshp.shp"), before);
}

TEST(ConvertTest, FailedConversionLeavesNoFileBehind)
{
    const fs::path dir = scratch("convert-fail");
    IssueList issues;
    ConvertOptions options;
    options.targetSrs = "EPSG:4490"; // rai_4m has no CRS: cannot reproject
    const std::string message = messageOf([&] {
        convertSource(kRealdata + "/china/arcgis-engine-practice/rai_4m.shp",
                      (dir / "rail.gpkg").string(), options, issues);
    });
    EXPECT_NE(message.find("--s-srs"), std::string::npos) << message;
    EXPECT_TRUE(fs::is_empty(dir));
}
