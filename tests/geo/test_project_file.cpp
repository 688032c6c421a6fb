#include "geo/error.h"
#include "geo/io/park_source.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace parkatlas::geo;
namespace fs = std::filesystem;
using parkatlas::test::scratch;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

std::string fileText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ProjectFileTest, SavedProjectReadsBackWithItsRolesSourcesAndFieldMapping)
{
    const fs::path dir = scratch("project-save");
    fs::copy(kSample + "/shp", dir / "shp");
    ParkDefinition definition = discoverPark(kSample + "/shp.parkatlas.json");
    for (ParkLayerSource& layer : definition.layers)
        layer.ref.datasetPath =
            (dir / fs::path(layer.ref.datasetPath).lexically_relative(kSample)).string();
    // An unconventional choice the user made by hand.
    for (ParkLayerSource& layer : definition.layers)
        if (layer.role == Role::Parcels)
            layer.fieldMap["status"] = "QLR";
    const fs::path project = dir / "park.parkatlas.json";
    saveProject(definition, project.string());

    const std::string text = fileText(project);
    EXPECT_NE(text.find("\"shp/parcels.shp\""), std::string::npos) << text;  // relative
    EXPECT_NE(text.find("青鸾湖临港经济开发区"), std::string::npos) << text; // UTF-8 as is
    const ParkDefinition again = discoverPark(project.string());
    EXPECT_EQ(again.name, definition.name);
    EXPECT_EQ(again.crs, "EPSG:4547");
    ASSERT_EQ(again.layers.size(), definition.layers.size());
    const ParkLayerSource* parcels = again.find(Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    EXPECT_EQ(parcels->ref.datasetPath, (dir / "shp/parcels.shp").string());
    EXPECT_EQ(parcels->open.encoding, "GBK");
    EXPECT_EQ(parcels->fieldMap.at("parcel_id"), "ZDDM");
    EXPECT_EQ(parcels->fieldMap.at("status"), "QLR");
    EXPECT_EQ(again.find(Role::Buildings)->open.sourceSrs, "EPSG:4526");
    // Nothing left beside it.
    for (const auto& entry : fs::directory_iterator(dir))
        EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
}

TEST(ProjectFileTest, SavingOverAProjectKeepsItsOtherSettings)
{
    const fs::path dir = scratch("project-keep");
    const fs::path project = dir / "p.parkatlas.json";
    {
        std::ofstream out(project);
        out << R"({"name": "old", "rules": {"land_use_mismatch": {"tolerance_m2": 5}},
                   "layers": {"boundary": "b.shp"}})";
    }
    ParkDefinition definition;
    definition.name = "新名";
    ParkLayerSource parcels;
    parcels.role = Role::Parcels;
    parcels.ref.datasetPath = (dir / "dk.shp").string();
    parcels.fieldMap["land_use"] = "DLBM";
    definition.layers.push_back(parcels);
    saveProject(definition, project.string());
    const std::string text = fileText(project);
    EXPECT_NE(text.find("tolerance_m2"), std::string::npos) << text;
    EXPECT_EQ(text.find("b.shp"), std::string::npos) << text; // the layers are replaced
    EXPECT_NE(text.find("\"DLBM\""), std::string::npos) << text;
    EXPECT_NE(text.find("新名"), std::string::npos) << text;
}

TEST(ProjectFileTest, ABrokenProjectIsNotOverwritten)
{
    const fs::path dir = scratch("project-broken");
    const fs::path project = dir / "p.parkatlas.json";
    {
        std::ofstream out(project);
        out << "{ not json";
    }
    ParkDefinition definition;
    definition.name = "x";
    try {
        saveProject(definition, project.string());
        FAIL() << "saved over a file it could not read";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("p.parkatlas.json"), std::string::npos);
    }
    EXPECT_EQ(fileText(project), "{ not json");
}

} // namespace
