#include "geo/crs/crs.h"
#include "geo/crs/esri_prj.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/io/source.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

std::string esriPrjOf(int epsg)
{
    OGRSpatialReference srs;
    EXPECT_EQ(srs.importFromEPSG(epsg), OGRERR_NONE) << epsg;
    srs.morphToESRI();
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    std::string text = wkt ? wkt : "";
    CPLFree(wkt);
    return text;
}

/// A folder with one empty polygon shapefile, t.shp, whose .prj the tests write.
class EsriPrjTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        GDALAllRegister();
        m_folder = fs::temp_directory_path() /
                   ("parkatlas-esri-prj-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                    "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(m_folder);
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        ASSERT_TRUE(driver);
        GDALDataset* dataset =
            driver->Create(shp().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_TRUE(dataset);
        ASSERT_TRUE(dataset->CreateLayer("t", nullptr, wkbPolygon));
        GDALClose(dataset);
    }
    void TearDown() override { fs::remove_all(m_folder); }

    std::string shp() const { return (m_folder / "t.shp").string(); }

    void writePrj(const std::string& text) const
    {
        std::ofstream((m_folder / "t.prj").string(), std::ios::binary) << text;
    }

    /// The Crs GDAL's shapefile driver makes of the .prj beside t.shp.
    Crs crsThroughGdal() const
    {
        GDALDatasetUniquePtr dataset(
            GDALDataset::Open(shp().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        EXPECT_TRUE(dataset);
        return dataset ? Crs::fromOgr(dataset->GetLayer(0)->GetSpatialRef()) : Crs();
    }

    fs::path m_folder;
};

void expectSameCrs(const Crs& fast, const Crs& gdal, const std::string& context)
{
    ASSERT_FALSE(fast.isEmpty()) << context;
    ASSERT_FALSE(gdal.isEmpty()) << context;
    EXPECT_EQ(fast.epsg(), gdal.epsg()) << context;
    EXPECT_EQ(fast.label(), gdal.label()) << context;
    EXPECT_EQ(fast.name(), gdal.name()) << context;
    EXPECT_EQ(fast.wkt(), gdal.wkt()) << context;
    EXPECT_EQ(fast.projJson(), gdal.projJson()) << context;
    EXPECT_EQ(fast.datumName(), gdal.datumName()) << context;
    EXPECT_EQ(fast.semiMajorM(), gdal.semiMajorM()) << context;
    EXPECT_EQ(fast.inverseFlattening(), gdal.inverseFlattening()) << context;
    EXPECT_EQ(fast.centralMeridianDeg(), gdal.centralMeridianDeg()) << context;
    EXPECT_EQ(fast.falseEastingM(), gdal.falseEastingM()) << context;
    EXPECT_EQ(fast.geographic().wkt(), gdal.geographic().wkt()) << context;
    EXPECT_TRUE(fast.isSameAs(gdal)) << context;
}

} // namespace

// Every Chinese Gauss-Krüger zone in EPSG (3 datums, 3° and 6°, by meridian and with the zone
// in the easting: 192 CRSs), written as an ESRI .prj the way ArcGIS and PROJ write it: the
// recogniser names the code, and the Crs made from that code is, fact for fact, the Crs GDAL's
// shapefile driver makes of the same .prj (its ESRI import and its identification in PROJ's
// database). That is what lets resolveCrs skip GDAL's import for these files.
TEST_F(EsriPrjTest, EveryChineseGaussKrugerZoneIsTheEpsgCrsGdalIdentifies)
{
    int zones = 0;
    for (const ChineseDatum datum :
         {ChineseDatum::Cgcs2000, ChineseDatum::Xian1980, ChineseDatum::Beijing1954})
        for (const int width : {3, 6})
            for (int meridian = 75; meridian <= 135; ++meridian)
                for (const bool prefixed : {false, true}) {
                    const std::optional<int> code =
                        gaussKrugerEpsg(datum, width, meridian, prefixed);
                    if (!code)
                        continue;
                    ++zones;
                    const std::string prj = esriPrjOf(*code);
                    const std::string context = "EPSG:" + std::to_string(*code) + " " + prj;
                    EXPECT_EQ(chineseGaussKrugerEpsgOfEsriPrj(prj), code) << context;
                    writePrj(prj);
                    expectSameCrs(Crs::fromEpsg(*code), crsThroughGdal(), context);
                }
    EXPECT_EQ(zones, 192);
}

// A .prj that is not exactly a zone as ArcGIS writes it is left to GDAL: another name for the
// same numbers (PROJ then matches it with less than full confidence, and GDAL keeps it as an
// ESRI CRS without an EPSG code), numbers that disagree with the name, another spheroid, the
// projection under its other name, a UTM zone.
TEST_F(EsriPrjTest, AnythingButAZoneAsArcGisWritesItIsLeftToGdal)
{
    const std::string cm114 = esriPrjOf(4547);
    ASSERT_EQ(chineseGaussKrugerEpsgOfEsriPrj(cm114), 4547);
    const auto changed = [&](const std::string& from, const std::string& to) {
        std::string text = cm114;
        const std::size_t at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        if (at != std::string::npos)
            text.replace(at, from.size(), to);
        return text;
    };
    for (const std::string& text :
         {changed("CGCS2000_3_Degree_GK_CM_114E", "Gauss_Kruger_114"),
          changed("CGCS2000_3_Degree_GK_CM_114E", "CGCS2000_3_Degree_GK_CM_117E"),
          changed("CGCS2000_3_Degree_GK_CM_114E", "CGCS2000_3_Degree_GK_Zone_38"),
          changed("CGCS2000_3_Degree_GK_CM_114E", "CGCS2000_GK_CM_114E"),
          changed("CGCS2000_3_Degree_GK_CM_114E", "CGCS2000_3_Degree_GK_CM_114"),
          changed("PARAMETER[\"Central_Meridian\",114.0]", "PARAMETER[\"Central_Meridian\",114.5]"),
          changed("PARAMETER[\"False_Easting\",500000.0]", "PARAMETER[\"False_Easting\",38500000.0]"),
          changed("PARAMETER[\"False_Northing\",0.0]", "PARAMETER[\"False_Northing\",-5000000.0]"),
          changed("PARAMETER[\"Scale_Factor\",1.0]", "PARAMETER[\"Scale_Factor\",0.9996]"),
          changed("298.257222101", "298.257223563"),
          changed("D_China_2000", "D_WGS_1984"),
          changed("Gauss_Kruger\"]", "Transverse_Mercator\"]"), esriPrjOf(32650),
          esriPrjOf(4326), std::string("not a prj")}) {
        EXPECT_EQ(chineseGaussKrugerEpsgOfEsriPrj(text), std::nullopt) << text;
    }
}

// The real .prj files we have: whatever the recogniser takes is what GDAL makes of it, and
// describing the layer gives the same CRS either way.
TEST_F(EsriPrjTest, RealPrjFilesTheRecogniserTakesAreWhatGdalMakesOfThem)
{
    int taken = 0;
    int seen = 0;
    for (const auto& entry : fs::recursive_directory_iterator(PARKATLAS_REALDATA)) {
        if (entry.path().extension() != ".prj")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        ++seen;
        const std::optional<int> code = chineseGaussKrugerEpsgOfEsriPrj(text.str());
        if (!code)
            continue;
        ++taken;
        writePrj(text.str());
        expectSameCrs(Crs::fromEpsg(*code), crsThroughGdal(), entry.path().string());
    }
    EXPECT_GT(seen, 20);
    EXPECT_GT(taken, 0);
    RecordProperty("taken", taken);
}

// describeLayer takes the fast path for such a .prj and gives GDAL's answer, and what it keeps
// for the process follows the file: a .prj changed between two reads of the same path is read
// anew (here from a zone ArcGIS wrote to one only GDAL understands, and back).
TEST_F(EsriPrjTest, DescribingALayerGivesGdalsCrsAndFollowsAChangedPrj)
{
    writePrj(esriPrjOf(4526));
    const LayerInfo zone = describeLayer({shp(), "t"}, {});
    EXPECT_EQ(zone.crs.origin, ".prj");
    EXPECT_EQ(zone.crs.crs.epsg(), 4526);
    expectSameCrs(zone.crs.crs, crsThroughGdal(), "describeLayer, EPSG:4526");

    writePrj(esriPrjOf(32650));
    const LayerInfo utm = describeLayer({shp(), "t"}, {});
    EXPECT_EQ(utm.crs.crs.epsg(), 32650);
    EXPECT_EQ(utm.crs.crs.wkt(), crsThroughGdal().wkt());

    writePrj(esriPrjOf(2383));
    EXPECT_EQ(describeLayer({shp(), "t"}, {}).crs.crs.epsg(), 2383);
}
