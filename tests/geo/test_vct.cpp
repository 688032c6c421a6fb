// The VCT reader (GB/T 17798-2007, LANDUSE-VCT 3.0) on the hand-made files of tests/data/vct
// (GBK, written by make_vct.py there) and the broken ones of tests/data/bad, and the writer's
// round trip of the sample park.

#include "geo/crs/crs.h"
#include "geo/error.h"
#include "geo/io/gdal_open.h"
#include "geo/io/source.h"
#include "geo/io/vct_reader.h"
#include "geo/issue.h"
#include "geo/measure/area.h"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>
#include <tuple>

using namespace parkatlas::geo;

namespace {

const std::string kVct = std::string(PARKATLAS_TEST_DATA) + "/vct/";
const std::string kBad = std::string(PARKATLAS_TEST_DATA) + "/bad/";

struct Opened {
    GDALDatasetUniquePtr dataset;
    IssueList issues;
    VctHead head;
};

std::unique_ptr<Opened> open(const std::string& path, const std::string& encoding = {})
{
    auto opened = std::make_unique<Opened>();
    opened->dataset = readVct(path, chooseVctEncoding(path, encoding), opened->issues,
                              &opened->head);
    return opened;
}

/// Area in m² of each feature of a layer read through the project's reader (by FID).
std::map<std::int64_t, double> areasByFid(const std::string& path, const std::string& layer)
{
    IssueList issues;
    ReadOptions options;
    const Layer read = readLayer({path, layer}, options, issues);
    AreaCalculator calculator(read.crs);
    std::map<std::int64_t, double> areas;
    for (std::size_t i = 0; i < read.featureCount(); ++i)
        areas[read.fids[i]] = calculator.areaM2(read.geometry, i, read.fids[i]);
    return areas;
}

bool mentions(const IssueList& issues, const std::string& text, std::int64_t fid = -2)
{
    for (const Issue& issue : issues.issues())
        if (issue.message.find(text) != std::string::npos && (fid == -2 || issue.fid == fid))
            return true;
    return false;
}

/// UTF-8 text as the GBK bytes a VCT holds.
std::string toUtf8ToGbkForTest(const std::string& utf8)
{
    char* gbk = CPLRecode(utf8.c_str(), CPL_ENC_UTF8, "CP936");
    std::string out = gbk;
    CPLFree(gbk);
    return out;
}

std::string allIssues(const IssueList& issues)
{
    std::string text;
    for (const Issue& issue : issues.issues())
        text += formatIssue(issue) + "\n";
    return text;
}

} // namespace

TEST(VctTest, SniffsHeadBeginAndRefusesOtherFiles)
{
    EXPECT_TRUE(isVctFile(kVct + "indirect.vct"));
    EXPECT_TRUE(isVctFile(kBad + "vct_lying_bom.vct"));
    EXPECT_FALSE(isVctFile(kBad + "vct_no_head.vct"));
    EXPECT_FALSE(isVctFile(kBad + "vct_empty.vct"));
    EXPECT_FALSE(isVctFile(kBad + "good_parcels.shp"));
    IssueList issues;
    try {
        (void)readVct(kBad + "vct_no_head.vct", {}, issues);
        FAIL() << "a file with no head was read";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("vct_no_head.vct"), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("HeadBegin"), std::string::npos);
    }
    EXPECT_THROW((void)readVct(kBad + "vct_empty.vct", {}, issues), IoError);
    GdalErrorCapture errors;
    try {
        (void)openVectorDataset(kBad + "vct_empty.vct", {}, errors);
        FAIL() << "an empty file was opened";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("vct_empty.vct"), std::string::npos);
    }
}

TEST(VctTest, ChoosesGbkByDefaultUtf8WhenTheTextIsAndTheUsersChoiceAboveAll)
{
    const EncodingChoice gbk = chooseVctEncoding(kVct + "indirect.vct");
    EXPECT_EQ(gbk.name, "CP936") << gbk.reason;
    EXPECT_FALSE(gbk.uncertain) << gbk.reason;
    const EncodingChoice utf8 = chooseVctEncoding(kVct + "direct_utf8.vct");
    EXPECT_EQ(utf8.name, "UTF-8");
    const EncodingChoice lying = chooseVctEncoding(kBad + "vct_lying_bom.vct");
    EXPECT_EQ(lying.name, "CP936") << lying.reason;
    EXPECT_NE(lying.reason.find("byte-order mark"), std::string::npos) << lying.reason;
    const EncodingChoice user = chooseVctEncoding(kVct + "indirect.vct", "GB18030");
    EXPECT_EQ(user.name, "GB18030");
    EXPECT_EQ(user.origin, EncodingChoice::Origin::User);
    // Through the project's choice of encodings, as info shows it.
    EXPECT_EQ(encodingForDataset(kVct + "indirect.vct", {}).name, "CP936");
    OpenOptions options;
    options.encoding = "UTF-8";
    EXPECT_EQ(encodingForDataset(kVct + "indirect.vct", options).origin,
              EncodingChoice::Origin::User);
}

TEST(VctTest, ReadsDirectPolygonsWithHolesPointsLinesAnnotationsAndAttributeTables)
{
    auto opened = open(kVct + "direct_zone_prefix.vct");
    GDALDataset& ds = *opened->dataset;
    EXPECT_EQ(opened->head.dataMark, "LANDUSE-VCT");
    EXPECT_EQ(opened->head.version, "3.0");
    ASSERT_EQ(ds.GetLayerCount(), 5) << allIssues(opened->issues);
    OGRLayer* dltb = ds.GetLayerByName("DLTB");
    ASSERT_NE(dltb, nullptr);
    EXPECT_STREQ(dltb->GetMetadataItem("DESCRIPTION"), "地类图斑");
    EXPECT_STREQ(dltb->GetMetadataItem("VCT_FEATURE_CODE"), "1001000000");
    EXPECT_EQ(dltb->GetFeatureCount(), 3);
    OGRFeatureDefn* definition = dltb->GetLayerDefn();
    EXPECT_EQ(definition->GetFieldDefn(definition->GetFieldIndex("BSM"))->GetType(), OFTInteger);
    EXPECT_EQ(definition->GetFieldDefn(definition->GetFieldIndex("TBMJ"))->GetType(), OFTReal);
    EXPECT_EQ(definition->GetFieldDefn(definition->GetFieldIndex("GXSJ"))->GetType(), OFTDate);
    EXPECT_EQ(definition->GetFieldDefn(definition->GetFieldIndex("QSDWMC"))->GetWidth(), 255);

    OGRFeatureUniquePtr first(dltb->GetFeature(101));
    ASSERT_NE(first, nullptr);
    EXPECT_STREQ(first->GetFieldAsString("DLMC"), "工业用地");
    EXPECT_STREQ(first->GetFieldAsString("QSDWMC"), "武汉光谷村民委员会，一组");
    EXPECT_STREQ(first->GetFieldAsString("DLBM"), "0601");
    EXPECT_DOUBLE_EQ(first->GetFieldAsDouble("TBMJ"), 9600.0);
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
    float ss = 0;
    first->GetFieldAsDateTime(definition->GetFieldIndex("GXSJ"), &y, &m, &d, &hh, &mm, &ss, &tz);
    EXPECT_EQ(y * 10000 + m * 100 + d, 20240630);
    const OGRGeometry* geometry = first->GetGeometryRef();
    ASSERT_NE(geometry, nullptr);
    // One feature of the layer has two parts: all are multipolygons.
    EXPECT_EQ(wkbFlatten(dltb->GetGeomType()), wkbMultiPolygon);
    ASSERT_EQ(wkbFlatten(geometry->getGeometryType()), wkbMultiPolygon);
    ASSERT_EQ(geometry->toMultiPolygon()->getNumGeometries(), 1);
    EXPECT_EQ(geometry->toMultiPolygon()->getGeometryRef(0)->getNumInteriorRings(), 1);
    EXPECT_DOUBLE_EQ(geometry->toMultiPolygon()->get_Area(), 9600.0);
    OGRFeatureUniquePtr third(dltb->GetFeature(103));
    EXPECT_EQ(wkbFlatten(third->GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
    EXPECT_FALSE(third->IsFieldSetAndNotNull(definition->GetFieldIndex("QSDWMC")));
    EXPECT_FALSE(third->IsFieldSetAndNotNull(definition->GetFieldIndex("GXSJ")));

    OGRLayer* points = ds.GetLayerByName("KZD");
    ASSERT_NE(points, nullptr);
    EXPECT_EQ(wkbFlatten(points->GetGeomType()), wkbPoint);
    OGRFeatureUniquePtr point(points->GetFeature(202));
    ASSERT_NE(point, nullptr);
    EXPECT_DOUBLE_EQ(point->GetGeometryRef()->toPoint()->getX(), 38500290.0);
    EXPECT_STREQ(point->GetFieldAsString("KZDMC"), "二号控制点");

    OGRLayer* lines = ds.GetLayerByName("XZDW");
    ASSERT_NE(lines, nullptr);
    EXPECT_EQ(wkbFlatten(lines->GetGeomType()), wkbMultiLineString);
    OGRFeatureUniquePtr twoParts(lines->GetFeature(302));
    EXPECT_EQ(twoParts->GetGeometryRef()->toMultiLineString()->getNumGeometries(), 2);
    EXPECT_EQ(twoParts->GetFieldAsInteger64("BSM"), 9000000000LL);

    OGRLayer* annotations = ds.GetLayerByName("ZJ");
    ASSERT_NE(annotations, nullptr);
    OGRFeatureUniquePtr label(annotations->GetFeature(401));
    ASSERT_NE(label, nullptr);
    EXPECT_STREQ(label->GetFieldAsString("text"), "光谷工业园");
    EXPECT_DOUBLE_EQ(label->GetFieldAsDouble("angle"), 15.5);

    OGRLayer* table = ds.GetLayerByName("QSDWDMB");
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->GetGeomType(), wkbNone);
    EXPECT_EQ(table->GetFeatureCount(), 2);
    OGRFeatureUniquePtr row(table->GetFeature(2));
    EXPECT_STREQ(row->GetFieldAsString("QSDWMC"), "光谷二村");
    EXPECT_EQ(opened->issues.count(Issue::Severity::Warning), 0u) << allIssues(opened->issues);
}

TEST(VctTest, ThreeDegreeZoneWithAndWithoutTheZoneNumberInTheEastings)
{
    auto prefixed = open(kVct + "direct_zone_prefix.vct");
    EXPECT_EQ(prefixed->head.crs.epsg(), 4526) << prefixed->head.crsReason; // zone 38
    auto plain = open(kVct + "direct_no_prefix.vct");
    EXPECT_EQ(plain->head.crs.epsg(), 4547) << plain->head.crsReason; // CM 114E
    // The same plots measure the same in both.
    const auto a = areasByFid(kVct + "direct_zone_prefix.vct", "DLTB");
    const auto b = areasByFid(kVct + "direct_no_prefix.vct", "DLTB");
    ASSERT_EQ(a.size(), 3u);
    for (const auto& [fid, area] : a)
        EXPECT_NEAR(area, b.at(fid), 1e-9 * area);
    // Ellipsoidal area at 114°E, 30.5°N is planar / k² with k ≈ 1 at the central meridian.
    EXPECT_NEAR(b.at(102), 10000.0, 0.01);
}

TEST(VctTest, MapsHeadsToEpsgCodes)
{
    struct Case {
        const char* spheroid;
        char type;
        const char* parameters;
        int epsg;
    };
    const Case cases[] = {
        {"CGCS2000,6378137.0,298.257222101", 'P', "114,1,38500000,0,3,38", 4526},
        {"CGCS2000,6378137.0,298.257222101", 'P', "114,1,500000,0,3,38", 4547},
        {"CGCS2000,6378137.0,298.257222101", 'P', "117,1,20500000,0,6,20", 4498},
        {"CGCS2000,6378137.0,298.257222101", 'P', "117,1,500000,0,6,20", 4509},
        {"Xian1980,6378140,298.257", 'P', "114,1,38500000,0,3,38", 2362},
        {"Xian1980,6378140,298.257", 'P', "114,1,500000,0,3,38", 2383},
        {"Beijing54,6378245,298.3", 'P', "114,1,500000,0,3,38", 2435},
        {"北京54", 'P', "111,1,19500000,0,6,19", 21419},
        {"CGCS2000,6378137.0,298.257222101", 'D', "", 4490},
        {"西安80", 'D', "", 4610},
    };
    for (const Case& c : cases) {
        VctHead head;
        head.spheroid = c.spheroid;
        head.coordinateSystemType = c.type;
        head.projection = "高斯-克吕格投影";
        head.parameters = c.parameters;
        std::vector<Message> warnings;
        const Crs crs = crsFromVctHead(head, 0, 0, warnings);
        EXPECT_EQ(crs.epsg(), c.epsg) << c.spheroid << " " << c.parameters << ": "
                                      << head.crsReason;
    }
    // A false easting that contradicts the coordinates: the coordinates decide, and it is said.
    VctHead head;
    head.spheroid = "CGCS2000,6378137.0,298.257222101";
    head.coordinateSystemType = 'P';
    head.projection = "高斯-克吕格投影";
    head.parameters = "114,1,500000,0,3,38";
    std::vector<Message> warnings;
    EXPECT_EQ(crsFromVctHead(head, 38500000, 38500300, warnings).epsg(), 4526);
    ASSERT_EQ(warnings.size(), 1u);
    // An off-grid central meridian: a transverse Mercator of its own, still measurable.
    head.parameters = "114.5,1,500000,0,3,38";
    warnings.clear();
    const Crs local = crsFromVctHead(head, 0, 0, warnings);
    ASSERT_FALSE(local.isEmpty());
    EXPECT_NEAR(*local.centralMeridianDeg(), 114.5, 1e-12);
    // Cartesian: no CRS.
    head.coordinateSystemType = 'C';
    EXPECT_TRUE(crsFromVctHead(head, 0, 0, warnings).isEmpty());
}

TEST(VctTest, StitchesIndirectPolygonsFromReversedLinesWithHolesAndFromPolygons)
{
    auto opened = open(kVct + "indirect.vct");
    GDALDataset& ds = *opened->dataset;
    EXPECT_EQ(opened->issues.count(Issue::Severity::Warning), 0u) << allIssues(opened->issues);
    OGRLayer* zd = ds.GetLayerByName("ZD");
    ASSERT_NE(zd, nullptr);
    OGRFeatureUniquePtr withHole(zd->GetFeature(501));
    ASSERT_NE(withHole, nullptr);
    ASSERT_NE(withHole->GetGeometryRef(), nullptr);
    const OGRPolygon* polygon = withHole->GetGeometryRef()->toPolygon();
    EXPECT_EQ(polygon->getNumInteriorRings(), 1);
    EXPECT_DOUBLE_EQ(polygon->get_Area(), 9600.0);
    EXPECT_STREQ(withHole->GetFieldAsString("QLR"), "武汉光谷科技有限公司");
    OGRFeatureUniquePtr reversed(zd->GetFeature(502));
    EXPECT_DOUBLE_EQ(reversed->GetGeometryRef()->toPolygon()->get_Area(), 10000.0);
    EXPECT_TRUE(reversed->GetGeometryRef()->IsValid());
    EXPECT_STREQ(reversed->GetFieldAsString("QLR"), "张三，李四");
    EXPECT_STREQ(reversed->GetFieldAsString("YT"), "0602");

    OGRLayer* district = ds.GetLayerByName("XZQ");
    ASSERT_NE(district, nullptr);
    OGRFeatureUniquePtr both(district->GetFeature(503));
    ASSERT_NE(both->GetGeometryRef(), nullptr);
    const auto* multi = both->GetGeometryRef()->toMultiPolygon();
    EXPECT_DOUBLE_EQ(multi->get_Area(), 19600.0);
    EXPECT_STREQ(both->GetFieldAsString("XZQMC"), "光谷开发区");
    // The boundary lines are a layer of their own (declared), attributes joined.
    OGRLayer* lines = ds.GetLayerByName("JZX");
    ASSERT_NE(lines, nullptr);
    EXPECT_EQ(lines->GetFeatureCount(), 8);
    OGRFeatureUniquePtr shared(lines->GetFeature(2));
    EXPECT_STREQ(shared->GetFieldAsString("JZXLB"), "02");
    // Through the project's reader: areas in m² per OID, the CRS from the head.
    const auto areas = areasByFid(kVct + "indirect.vct", "ZD");
    EXPECT_NEAR(areas.at(501), 9600.0, 0.01);
    EXPECT_NEAR(areas.at(502), 10000.0, 0.01);
}

TEST(VctTest, AReferenceToAMissingLineSkipsThatPolygonOnlyAndNamesItsOid)
{
    IssueList issues;
    ReadOptions options;
    const Layer read = readLayer({kBad + "vct_missing_line.vct", "ZD"}, options, issues);
    ASSERT_EQ(read.featureCount(), 3u);
    EXPECT_TRUE(mentions(issues, "line OID 99", 13)) << allIssues(issues);
    EXPECT_TRUE(mentions(issues, "PolygonBegin section, line")) << allIssues(issues);
    bool dropsGeometry = false;
    for (const Issue& issue : issues.issues())
        dropsGeometry = dropsGeometry || (issueDropsGeometry(issue) && issue.fid == 13);
    EXPECT_TRUE(dropsGeometry) << allIssues(issues);
    for (const Issue& issue : issues.issues())
        EXPECT_EQ(issue.path, kBad + "vct_missing_line.vct");
    EXPECT_TRUE(read.geometry.isEmpty(2));
    EXPECT_EQ(read.attributes.text(2, read.attributes.fieldIndex("QLR")), "丙公司");
}

TEST(VctTest, TruncatedFilesBadNumbersAndALyingByteOrderMarkGiveIssuesNotCrashes)
{
    {
        auto opened = open(kBad + "vct_truncated.vct");
        OGRLayer* zd = opened->dataset->GetLayerByName("ZD");
        ASSERT_NE(zd, nullptr);
        EXPECT_EQ(zd->GetFeatureCount(), 3);
        EXPECT_TRUE(mentions(opened->issues, "truncated")) << allIssues(opened->issues);
    }
    {
        auto opened = open(kBad + "vct_bad_numbers.vct");
        EXPECT_TRUE(mentions(opened->issues, "'abc,3374000.000' is not a coordinate pair", 3))
            << allIssues(opened->issues);
        EXPECT_TRUE(mentions(opened->issues, "field ZDMJ: '12x' is not a number", 12))
            << allIssues(opened->issues);
        OGRFeatureUniquePtr kept(opened->dataset->GetLayerByName("ZD")->GetFeature(11));
        EXPECT_DOUBLE_EQ(kept->GetGeometryRef()->toPolygon()->get_Area(), 10000.0);
    }
    {
        auto opened = open(kBad + "vct_lying_bom.vct");
        OGRFeatureUniquePtr feature(opened->dataset->GetLayerByName("ZD")->GetFeature(12));
        EXPECT_STREQ(feature->GetFieldAsString("QLR"), "乙公司");
    }
    {
        // Told UTF-8 while it is GBK: broken text is replaced and said, never passed on.
        auto opened = open(kVct + "indirect.vct", "UTF-8");
        EXPECT_TRUE(mentions(opened->issues, "not valid in the chosen encoding"))
            << allIssues(opened->issues);
        OGRFeatureUniquePtr feature(opened->dataset->GetLayerByName("ZD")->GetFeature(501));
        EXPECT_TRUE(isValidUtf8(feature->GetFieldAsString("QLR")));
    }
}

TEST(VctTest, EveryPrefixOfAFileReadsWithoutCrashingOrHanging)
{
    std::ifstream in(kVct + "indirect.vct", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const std::string path =
        (std::filesystem::temp_directory_path() / ("vct_prefix_" + std::to_string(::getpid()) +
                                                   ".vct"))
            .string();
    for (std::size_t cut = 1; cut < bytes.size(); cut += 7) {
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(cut));
        }
        IssueList issues;
        try {
            auto dataset = readVct(path, {"CP936", EncodingChoice::Origin::User, ""}, issues);
            for (OGRLayer* layer : dataset->GetLayers())
                for (auto& feature : *layer)
                    (void)feature;
        } catch (const IoError&) {
            EXPECT_LT(cut, 12u) << "only a cut inside 'HeadBegin' may refuse the file";
        }
    }
    std::filesystem::remove(path);
}

// ------------------------------------------------------------------------------------ writer

#include "geo/io/vct_writer.h"
#include "geo/model/park.h"
#include "geo/model/role.h"

namespace {

std::string scratchPath(const std::string& name)
{
    return (std::filesystem::temp_directory_path() /
            ("vct_test_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

} // namespace

TEST(VctWriterTest, SampleParkRoundTripsWithTheSameFeaturesTextAndEllipsoidalAreas)
{
    const std::string gpkg = std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg";
    const std::string vct = scratchPath("park.vct");
    IssueList issues;
    const auto written = writeVct(listLayers(gpkg), vct, {}, issues);
    EXPECT_EQ(issues.count(Issue::Severity::Warning), 0u) << allIssues(issues);
    ASSERT_EQ(written.size(), listLayers(gpkg).size());
    // GBK text, the head's parameters.
    const std::string bytes = readBytes(vct);
    EXPECT_NE(bytes.find("Parameters:114,1,500000,0,3,38"), std::string::npos);
    EXPECT_NE(bytes.find(toUtf8ToGbkForTest("青鸾湖临港经济开发区")), std::string::npos);
    EXPECT_FALSE(isValidUtf8(bytes));
    // Written again without --overwrite: refused, unchanged.
    EXPECT_THROW((void)writeVct(listLayers(gpkg), vct, {}, issues), IoError);

    for (const LayerRef& ref : listLayers(gpkg)) {
        IssueList readIssues;
        const Layer original = readLayer(ref, {}, readIssues);
        const Layer back = readLayer({vct, ref.layerName}, {}, readIssues);
        EXPECT_EQ(readIssues.count(Issue::Severity::Warning), 0u) << allIssues(readIssues);
        ASSERT_EQ(back.featureCount(), original.featureCount()) << ref.layerName;
        EXPECT_EQ(back.fids, original.fids) << ref.layerName;
        EXPECT_EQ(back.crs.epsg(), original.crs.epsg());
        ASSERT_EQ(back.attributes.fields().size(), original.attributes.fields().size());
        for (std::size_t row = 0; row < original.featureCount(); ++row)
            for (std::size_t f = 0; f < original.attributes.fields().size(); ++f)
                ASSERT_EQ(back.attributes.text(row, static_cast<int>(f)),
                          original.attributes.text(row, static_cast<int>(f)))
                    << ref.layerName << " row " << row << " field "
                    << original.attributes.fields()[f].name;
        if (original.geometry.kind() != GeometryKind::Polygon)
            continue;
        AreaCalculator calculator(original.crs);
        for (std::size_t i = 0; i < original.featureCount(); ++i) {
            const double a = calculator.areaM2(original.geometry, i);
            const double b = calculator.areaM2(back.geometry, i);
            EXPECT_NEAR(b, a, 1e-12 * std::max(1.0, a)) << ref.layerName << " fid "
                                                        << original.fids[i];
        }
    }
    std::filesystem::remove(vct);
}

TEST(VctWriterTest, CommasBecomeFullWidthDatesYyyymmddAndTablesWithoutGeometryStayTables)
{
    const std::string geojson = scratchPath("in.geojson");
    {
        std::ofstream out(geojson);
        out << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4547"}},
"features":[{"type":"Feature","properties":{"QLR":"张三,李四","DJSJ":"2024/06/30","N":3},
"geometry":{"type":"Point","coordinates":[500000.5,3374000.25]}}]})";
    }
    const std::string vct = scratchPath("out.vct");
    IssueList issues;
    (void)writeVct(listLayers(geojson), vct, {}, issues);
    const std::string bytes = readBytes(vct);
    EXPECT_NE(bytes.find(toUtf8ToGbkForTest("张三，李四")), std::string::npos);
    EXPECT_NE(bytes.find("500000.5,3374000.25"), std::string::npos);
    auto opened = open(vct);
    OGRLayer* layer = opened->dataset->GetLayer(0);
    ASSERT_NE(layer, nullptr);
    OGRFeatureUniquePtr feature(layer->GetNextFeature());
    ASSERT_NE(feature, nullptr);
    EXPECT_STREQ(feature->GetFieldAsString("QLR"), "张三，李四");
    EXPECT_EQ(feature->GetFieldAsInteger("N"), 3);
    std::filesystem::remove(vct);
    std::filesystem::remove(geojson);

    // A VCT with an attribute-only table and an annotation layer, written again as VCT.
    const std::string again = scratchPath("again.vct");
    (void)writeVct(listLayers(kVct + "direct_zone_prefix.vct"), again, {}, issues);
    auto reread = open(again);
    EXPECT_EQ(reread->head.crs.epsg(), 4526);
    OGRLayer* table = reread->dataset->GetLayerByName("QSDWDMB");
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->GetGeomType(), wkbNone);
    EXPECT_EQ(table->GetFeatureCount(), 2);
    OGRLayer* dltb = reread->dataset->GetLayerByName("DLTB");
    ASSERT_NE(dltb, nullptr);
    EXPECT_STREQ(dltb->GetMetadataItem("VCT_FEATURE_CODE"), "1001000000");
    OGRFeatureUniquePtr first(dltb->GetFeature(101));
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
    float ss = 0;
    first->GetFieldAsDateTime(first->GetFieldIndex("GXSJ"), &y, &m, &d, &hh, &mm, &ss, &tz);
    EXPECT_EQ(y * 10000 + m * 100 + d, 20240630);
    EXPECT_NE(readBytes(again).find("20240630"), std::string::npos);
    OGRLayer* labels = reread->dataset->GetLayerByName("ZJ");
    ASSERT_NE(labels, nullptr);
    EXPECT_STREQ(labels->GetMetadataItem("VCT_GEOMETRY"), "Annotation");
    OGRFeatureUniquePtr label(labels->GetFeature(401));
    ASSERT_NE(label, nullptr);
    EXPECT_STREQ(label->GetFieldAsString("text"), "光谷工业园");
    EXPECT_DOUBLE_EQ(label->GetFieldAsDouble("angle"), 15.5);
    std::filesystem::remove(again);
}

TEST(VctFieldNamesTest, SurveyAndCadastreFieldsMapToTheContract)
{
    IssueList issues;
    for (const auto& [path, layer, id, owner, landUse] :
         std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
             {kVct + "indirect.vct", "ZD", "ZDDM", "QLR", "YT"},
             {kVct + "direct_no_prefix.vct", "DLTB", "TBBH", "QSDWMC", "DLBM"}}) {
        const Layer read = readLayer({path, layer}, {}, issues);
        const std::vector<int> resolved =
            resolveContractFields(Role::Parcels, read.attributes, {});
        const auto& fields = contractFields(Role::Parcels);
        auto resolvedName = [&](const std::string& contract) -> std::string {
            for (std::size_t i = 0; i < fields.size(); ++i)
                if (fields[i].name == contract && resolved[i] >= 0)
                    return read.attributes.fields()[static_cast<std::size_t>(resolved[i])].name;
            return "";
        };
        EXPECT_EQ(resolvedName("parcel_id"), id) << layer;
        EXPECT_EQ(resolvedName("owner"), owner) << layer;
        EXPECT_EQ(resolvedName("land_use"), landUse) << layer;
    }
    EXPECT_EQ(roleFromLayerName("ZD"), Role::Parcels);
    EXPECT_EQ(roleFromLayerName("ZDJBXX"), Role::Parcels);
    EXPECT_EQ(roleFromLayerName("YJJBNTBHTB"), Role::Protected);
    EXPECT_EQ(roleFromLayerName("STBHHX"), Role::Protected);
    EXPECT_EQ(roleFromLayerName("DLTB"), std::nullopt);
    EXPECT_EQ(roleFromLayerName("JSYDGZQ"), std::nullopt);
}

TEST(VctTest, PolygonsMadeOfPolygonsThatNameEachOtherOrRepeatEndQuickly)
{
    // 40 polygons, each made of the one before it named 50 times (and the first of the last):
    // a walk that followed every name would never end.
    std::string text = "HeadBegin\nDataMark:LANDUSE-VCT\nVersion:3.0\nCoordinateSystemType:C\n"
                       "HeadEnd\nFeatureCodeBegin\n1,a,Polygon,0,0,0,T\nFeatureCodeEnd\n"
                       "TableStructureBegin\nT,0\n0\nTableStructureEnd\nPolygonBegin\n"
                       "1\n1\nx\n1\n5,5\n1\n11\n5\n0,0\n10,0\n10,10\n0,10\n0,0\n0\n";
    for (int oid = 2; oid <= 40; ++oid) {
        text += std::to_string(oid) + "\n1\nx\n100\n5,5\n22\n50\n";
        for (int i = 0; i < 50; ++i)
            text += std::to_string(oid - 1) + (i % 8 == 7 || i == 49 ? "\n" : ",");
        text += "0\n";
    }
    text += "41\n1\nx\n100\n5,5\n22\n2\n42,40\n0\n42\n1\nx\n100\n5,5\n22\n1\n41\n0\nPolygonEnd\n";
    const std::string path = scratchPath("cycle.vct");
    {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    auto opened = open(path);
    OGRLayer* layer = opened->dataset->GetLayerByName("T");
    ASSERT_NE(layer, nullptr);
    OGRFeatureUniquePtr last(layer->GetFeature(40));
    ASSERT_NE(last, nullptr);
    ASSERT_NE(last->GetGeometryRef(), nullptr);
    EXPECT_DOUBLE_EQ(OGR_G_Area(OGRGeometry::ToHandle(last->GetGeometryRef())), 100.0);
    // 41 and 42 name each other (and 40): built from what they reach, each once.
    OGRFeatureUniquePtr looping(layer->GetFeature(41));
    ASSERT_NE(looping, nullptr);
    ASSERT_NE(looping->GetGeometryRef(), nullptr);
    EXPECT_DOUBLE_EQ(OGR_G_Area(OGRGeometry::ToHandle(looping->GetGeometryRef())), 100.0);
    std::filesystem::remove(path);
}
